#pragma once
// SIGINT/SIGTERM during training: the current step finishes, then the trainer checkpoints and
// stops. The previous handlers come back when the guard is destroyed. Private to train.
#include <csignal>

namespace shotgen::train {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // True once SIGINT or SIGTERM arrived while this guard was alive.
  static bool requested();

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace shotgen::train
