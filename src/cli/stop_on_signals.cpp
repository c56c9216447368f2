#include "cli/stop_on_signals.h"

#include <atomic>
#include <iterator>

namespace shotgen::cli {
namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<engine::CancelToken*> g_token{nullptr};

extern "C" void on_stop_signal(int) {
  if (engine::CancelToken* token = g_token.load()) token->cancel();
  for (int signal : kStopSignals) std::signal(signal, SIG_DFL);  // a second signal stops at once
}

}  // namespace

StopOnSignals::StopOnSignals(engine::CancelToken& token) {
  g_token.store(&token);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &action, &previous_[i]);
}

StopOnSignals::~StopOnSignals() {
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &previous_[i], nullptr);
  g_token.store(nullptr);
}

}  // namespace shotgen::cli
