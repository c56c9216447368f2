#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>

#include "engine/runtime/cpu_threads.h"

using namespace shotgen::engine;

TEST(CpuThreads, ExplicitSplitIsAppliedAndReported) {
  apply_cpu_threads({.torch = 1, .blas = 1});
  CpuThreadState state = cpu_thread_state();
  EXPECT_EQ(state.torch_threads, 1);
  if (state.blas_controllable) {
    EXPECT_EQ(state.blas_threads, 1);
  }
  EXPECT_EQ(state.loop_threads, 1);
  apply_cpu_threads({.torch = 2, .blas = 2});
  state = cpu_thread_state();
  EXPECT_EQ(state.torch_threads, 2);
  // The engine's own parallel loops (row split, CPU kernels) really run on both threads: compiled
  // without the OpenMP libtorch 1.13's header needs, they ran on one whatever the setting.
  EXPECT_EQ(state.loop_threads, 2);
  if (state.blas_controllable) {
    EXPECT_EQ(state.blas_threads, 2);
    EXPECT_FALSE(state.blas_library.empty());  // OpenBLAS found by dlsym → its file is mapped
  }
  apply_cpu_threads();
}

TEST(CpuThreads, EnvironmentOverridesTheDefaultsAndExplicitValuesWin) {
  setenv("SHOTGEN_THREADS", "3", 1);
  setenv("SHOTGEN_BLAS_THREADS", "2", 1);
  CpuThreads threads = resolve_cpu_threads();
  EXPECT_EQ(threads.torch, 3);
  EXPECT_EQ(threads.blas, 2);
  threads = resolve_cpu_threads({.torch = 1, .blas = 0});
  EXPECT_EQ(threads.torch, 1);
  EXPECT_EQ(threads.blas, 2);
  unsetenv("SHOTGEN_THREADS");
  unsetenv("SHOTGEN_BLAS_THREADS");
  threads = resolve_cpu_threads();
  EXPECT_GE(threads.torch, 1);
  EXPECT_EQ(threads.blas, 1);  // BLAS single-threaded by default
}
