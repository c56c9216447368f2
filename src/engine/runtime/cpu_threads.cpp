#include "engine/runtime/cpu_threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

namespace shotgen::engine {
namespace {

int positive_env(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return 0;
  const int n = std::atoi(value);
  return n > 0 ? n : 0;
}

using SetThreads = void (*)(int);
using GetThreads = int (*)();

// Looked up in the libraries already loaded (libtorch pulls in libblas.so.3).
SetThreads openblas_setter() { return reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
GetThreads openblas_getter() { return reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }

std::atomic<bool> applied{false};

// Runs one parallel loop of as many iterations as torch has threads and counts the distinct
// threads that ran its pieces. A short sleep per piece keeps one thread from finishing all the
// pieces before the others have started.
int count_loop_threads() {
  const std::int64_t pieces = at::get_num_threads();
  std::mutex mutex;
  std::set<std::thread::id> seen;
  at::parallel_for(0, pieces, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::lock_guard<std::mutex> lock(mutex);
    seen.insert(std::this_thread::get_id());
  });
  return static_cast<int>(seen.size());
}

}  // namespace

CpuThreads resolve_cpu_threads(const CpuThreads& requested) {
  CpuThreads threads = requested;
  if (threads.torch <= 0) threads.torch = positive_env("SHOTGEN_THREADS");
  if (threads.torch <= 0) threads.torch = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads.blas <= 0) threads.blas = positive_env("SHOTGEN_BLAS_THREADS");
  if (threads.blas <= 0) threads.blas = 1;
  return threads;
}

void apply_cpu_threads(const CpuThreads& requested) {
  const CpuThreads threads = resolve_cpu_threads(requested);
  torch::set_num_threads(threads.torch);
  if (SetThreads set_blas_threads = openblas_setter()) set_blas_threads(threads.blas);
  applied.store(true);
}

void ensure_cpu_threads() {
  if (!applied.load()) apply_cpu_threads();
}

CpuThreadState cpu_thread_state() {
  CpuThreadState state;
  state.torch_threads = torch::get_num_threads();
  state.blas_controllable = openblas_setter() != nullptr;
  if (GetThreads get_blas_threads = openblas_getter()) state.blas_threads = get_blas_threads();
  state.loop_threads = count_loop_threads();
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string file = path.substr(path.rfind('/') + 1);
    for (const char* name : {"libblas", "libopenblas", "libmkl_rt", "libblis"})
      if (file.rfind(name, 0) == 0) {
        state.blas_library = path;
        return state;
      }
  }
  return state;
}

}  // namespace shotgen::engine
