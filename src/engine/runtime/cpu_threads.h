#pragma once
// CPU thread settings for libtorch and the BLAS library it multiplies matrices with.
// Torch-free (the trainer, the CLI and the benchmark use it).
//
// Debian's libtorch runs element-wise work on its OpenMP intra-op threads and calls whatever
// libblas.so.3 is selected for matrix products. OpenBLAS (pthread build) keeps its own thread pool;
// with both pools sized to the core count they fight over the cores (measured on the 2-core
// machine: a training step 5-6x slower). BLAS environment variables are read when the library is
// loaded, before main(), so the split is set at run time instead: openblas_set_num_threads is
// looked up with dlsym in the already loaded libraries (absent for other BLAS → left alone).
//
// Default split, chosen by measurement (bench/README.md): torch = hardware threads, BLAS = 1.
// Overrides: $SHOTGEN_THREADS (torch intra-op threads), $SHOTGEN_BLAS_THREADS (BLAS threads).
#include <string>

namespace shotgen::engine {

struct CpuThreads {
  int torch = 0;  // torch intra-op threads; 0 = hardware threads
  int blas = 0;   // BLAS threads; 0 = 1 (see above)
};

struct CpuThreadState {
  int torch_threads = 0;      // in effect now
  int blas_threads = -1;      // in effect now; -1 when the BLAS library cannot report it
  bool blas_controllable = false;  // openblas_set_num_threads was found
  std::string blas_library;   // path of the loaded BLAS shared object ("" if none found)
  int loop_threads = 0;       // threads one at::parallel_for of the engine's own code really ran on
};

// The default split with $SHOTGEN_THREADS / $SHOTGEN_BLAS_THREADS applied over `requested`'s
// zeros (a non-zero field of `requested` wins over the environment).
CpuThreads resolve_cpu_threads(const CpuThreads& requested = {});

// Sets torch's intra-op threads and, where the loaded BLAS allows it, the BLAS threads (0 fields
// resolved as in resolve_cpu_threads).
void apply_cpu_threads(const CpuThreads& requested = {});

// apply_cpu_threads() with the defaults, unless apply_cpu_threads() was already called in this
// process (the engine calls this when it loads; an explicit choice, e.g. the trainer's --threads,
// made earlier stays).
void ensure_cpu_threads();

// What is in effect: thread counts, the BLAS library mapped into this process (/proc/self/maps:
// the first mapped file named like libblas, libopenblas, libmkl_rt, libblis), and how many threads
// a parallel loop of the engine's runs on (1 when the engine was compiled without the OpenMP its
// libtorch's at::parallel_for needs: see CMakeLists.txt).
CpuThreadState cpu_thread_state();

}  // namespace shotgen::engine
