#pragma once
// CPU inference kernels for the denoiser: the same arithmetic as the generic libtorch path, laid out
// so that every part of a step runs on torch's intra-op threads with single-threaded BLAS (see
// engine/runtime/cpu_threads.h for why BLAS gets one thread) and without the head split/merge and
// transpose copies of the generic path. Private to engine (exposes libtorch).
//
// Batch independence (bit-identical clips alone or in any batch): work is cut into pieces whose
// shapes depend only on one batch row's own sizes — row chunks of a fixed length within each
// sample, one (sample, head, query chunk) block per attention product — so a row's numbers never
// depend on how many other rows share the forward (OpenBLAS picks different kernels for small
// matrices, so the piece shapes must not vary with the batch).
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <torch/torch.h>

namespace shotgen::engine {

// at::parallel_for whose pieces run with the calling thread's thread-local state (grad mode,
// inference mode, dispatch keys): libtorch's OpenMP loop does not carry it to its worker threads, so
// a piece on a worker recorded autograd where the caller had turned it off (an out= product then
// refuses weights that require grad) or could not write the caller's inference tensors. Where the
// loop runs inline on this thread anyway — nested in the engine's row split (every kernel call of a
// two-thread step) or on one thread — nothing is captured.
template <class Body>
void parallel_for_as_caller(std::int64_t begin, std::int64_t end, std::int64_t grain, const Body& body) {
  if (at::in_parallel_region() || at::get_num_threads() == 1) {
    at::parallel_for(begin, end, grain, body);
    return;
  }
  const at::ThreadLocalState caller;
  at::parallel_for(begin, end, grain, [&](std::int64_t first, std::int64_t last) {
    const at::ThreadLocalStateGuard as_caller(caller);
    body(first, last);
  });
}

// True when the kernels apply: float32 CPU tensors and no autograd recording (inference, evaluation).
bool use_cpu_kernels(const torch::Tensor& x);

// layer(x) for x [S, ..., in] (contiguous): rows of each sample x[s] in fixed chunks, in parallel.
torch::Tensor parallel_linear(const torch::Tensor& x, const torch::nn::Linear& layer);

// LayerNorm without affine (eps 1e-6) of x [S, ..., D] (contiguous), then ·(1 + scale) + shift with
// shift/scale [S, D] per sample: the adaLN modulation in one pass over x instead of four.
torch::Tensor modulated_layer_norm(const torch::Tensor& x, const torch::Tensor& shift, const torch::Tensor& scale);

// softmax(q·kᵀ/√d + bias)·v per head. q, k, v, out: [A, B, L, H, d] strided views (last stride 1;
// out written in place); bias: undefined or [A, Lk] (per A, shared by B and the queries).
// Long sequences go through BLAS blocks; sequences of at most 16 keys and queries (temporal
// attention) through plain loops.
void multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                          const torch::Tensor& bias, torch::Tensor& out);

}  // namespace shotgen::engine
