#pragma once
// Ctrl-C (INT), kill (TERM) and a closed terminal (HUP) cancel a CancelToken: the render finishes
// its batch cleanly, a trainer its step and then checkpoints. A second signal stops at once. The
// previous handlers come back when the guard is destroyed. The libraries never install handlers:
// the command that owns the process does.
#include <csignal>

#include "engine/engine.h"

namespace shotgen::cli {

class StopOnSignals {
 public:
  explicit StopOnSignals(engine::CancelToken& token);
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction previous_[3] {};  // one per stop signal (INT, TERM, HUP)
};

}  // namespace shotgen::cli
