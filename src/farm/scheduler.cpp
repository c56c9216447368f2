#include "farm/scheduler.h"

#include <algorithm>
#include <array>

namespace shotgen::farm {

bool is_active_state(const std::string& state) {
  // Slurm's job states in which a task can still start, run or write its result.
  static constexpr std::array<const char*, 11> kActive = {"PENDING",   "CONFIGURING", "RUNNING",     "COMPLETING",
                                                          "SUSPENDED", "REQUEUED",    "REQUEUE_FED", "REQUEUE_HOLD",
                                                          "RESIZING",  "SIGNALING",   "STAGE_OUT"};
  return std::any_of(kActive.begin(), kActive.end(), [&](const char* active) { return state == active; });
}

}  // namespace shotgen::farm
