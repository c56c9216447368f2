#include "engine/model/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace shotgen::engine {
namespace {

constexpr std::int64_t kRowChunk = 256;    // rows per linear piece (large enough for OpenBLAS's big kernels)
constexpr std::int64_t kQueryChunk = 256;  // queries per attention block
constexpr std::int64_t kShortSequence = 16;

// [A, B, L, H, d] view → the [L, d] matrix of (a, b, head), rows [row, row + rows).
torch::Tensor head_matrix(const torch::Tensor& x, std::int64_t a, std::int64_t b, std::int64_t head, std::int64_t row,
                          std::int64_t rows) {
  return x.select(0, a).select(0, b).select(1, head).narrow(0, row, rows);
}

void blas_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& bias,
                    torch::Tensor& out) {
  const auto A = q.size(0), B = q.size(1), Lq = q.size(2), H = q.size(3), d = q.size(4), Lk = k.size(2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  const auto query_chunks = (Lq + kQueryChunk - 1) / kQueryChunk;
  parallel_for_as_caller(0, A * B * H * query_chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    torch::Tensor scores = torch::empty({std::min(Lq, kQueryChunk), Lk}, q.options());
    torch::Tensor probabilities = torch::empty_like(scores);
    for (std::int64_t i = begin; i < end; ++i) {
      const auto chunk = i % query_chunks, head = (i / query_chunks) % H, b = (i / (query_chunks * H)) % B,
                 a = i / (query_chunks * H * B);
      const auto row = chunk * kQueryChunk, rows = std::min(kQueryChunk, Lq - row);
      torch::Tensor s = scores.narrow(0, 0, rows), p = probabilities.narrow(0, 0, rows);
      const torch::Tensor keys_t = head_matrix(k, a, b, head, 0, Lk).t();
      if (bias.defined())
        at::addmm_out(s, bias.select(0, a).unsqueeze(0).expand({rows, Lk}), head_matrix(q, a, b, head, row, rows), keys_t,
                      1.0, scale);
      else
        at::addmm_out(s, s, head_matrix(q, a, b, head, row, rows), keys_t, 0.0, scale);
      at::_softmax_out(p, s, 1, false);
      torch::Tensor target = head_matrix(out, a, b, head, row, rows);
      at::mm_out(target, p, head_matrix(v, a, b, head, 0, Lk));
    }
  });
}

// Temporal attention: thousands of T×T products per step, far too small for BLAS calls.
void loop_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& bias,
                    torch::Tensor& out) {
  const auto A = q.size(0), B = q.size(1), Lq = q.size(2), H = q.size(3), d = q.size(4), Lk = k.size(2);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
  const float* qp = q.data_ptr<float>();
  const float* kp = k.data_ptr<float>();
  const float* vp = v.data_ptr<float>();
  float* op = out.data_ptr<float>();
  const float* bp = bias.defined() ? bias.data_ptr<float>() : nullptr;
  parallel_for_as_caller(0, A * B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    float p[kShortSequence][kShortSequence];
    for (std::int64_t i = begin; i < end; ++i) {
      const auto head = i % H, b = (i / H) % B, a = i / (H * B);
      const float* qh = qp + a * q.stride(0) + b * q.stride(1) + head * q.stride(3);
      const float* kh = kp + a * k.stride(0) + b * k.stride(1) + head * k.stride(3);
      const float* vh = vp + a * v.stride(0) + b * v.stride(1) + head * v.stride(3);
      float* oh = op + a * out.stride(0) + b * out.stride(1) + head * out.stride(3);
      for (std::int64_t r = 0; r < Lq; ++r) {
        const float* qr = qh + r * q.stride(2);
        float top = -INFINITY;
        for (std::int64_t c = 0; c < Lk; ++c) {
          const float* kc = kh + c * k.stride(2);
          float dot = 0.0f;
          for (std::int64_t e = 0; e < d; ++e) dot += qr[e] * kc[e];
          p[r][c] = dot * scale + (bp ? bp[a * bias.stride(0) + c * bias.stride(1)] : 0.0f);
          top = std::max(top, p[r][c]);
        }
        float sum = 0.0f;
        for (std::int64_t c = 0; c < Lk; ++c) sum += (p[r][c] = std::exp(p[r][c] - top));
        float* orow = oh + r * out.stride(2);
        std::fill(orow, orow + d, 0.0f);
        for (std::int64_t c = 0; c < Lk; ++c) {
          const float weight = p[r][c] / sum;
          const float* vc = vh + c * v.stride(2);
          for (std::int64_t e = 0; e < d; ++e) orow[e] += weight * vc[e];
        }
      }
    }
  });
}

}  // namespace

bool use_cpu_kernels(const torch::Tensor& x) {
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && !torch::GradMode::is_enabled();
}

torch::Tensor parallel_linear(const torch::Tensor& x, const torch::nn::Linear& layer) {
  const torch::Tensor& weight = layer->weight;
  const auto samples = x.size(0), in = x.size(-1), out_features = weight.size(0);
  const auto rows = x.numel() / (samples * in);
  auto sizes = x.sizes().vec();
  sizes.back() = out_features;
  torch::Tensor out = torch::empty(sizes, x.options());
  const torch::Tensor input = x.reshape({samples, rows, in});
  const torch::Tensor output = out.view({samples, rows, out_features});
  const torch::Tensor weight_t = weight.t();
  const auto chunks = (rows + kRowChunk - 1) / kRowChunk;
  parallel_for_as_caller(0, samples * chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto s = i / chunks, row = (i % chunks) * kRowChunk, n = std::min(kRowChunk, rows - row);
      torch::Tensor target = output.select(0, s).narrow(0, row, n);
      at::addmm_out(target, layer->bias, input.select(0, s).narrow(0, row, n), weight_t);
    }
  });
  return out;
}

torch::Tensor modulated_layer_norm(const torch::Tensor& x_in, const torch::Tensor& shift_in, const torch::Tensor& scale_in) {
  const torch::Tensor x = x_in.contiguous(), shift = shift_in.contiguous(), scale = scale_in.contiguous();
  const auto samples = x.size(0), d = x.size(-1), rows = x.numel() / d, rows_per_sample = rows / samples;
  torch::Tensor out = torch::empty_like(x);
  const float* xp = x.data_ptr<float>();
  const float* shift_p = shift.data_ptr<float>();
  const float* scale_p = scale.data_ptr<float>();
  float* op = out.data_ptr<float>();
  constexpr int kLanes = 8;  // independent partial sums, so the compiler can vectorize the reductions
  parallel_for_as_caller(0, rows, 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const float* xr = xp + r * d;
      float* orow = op + r * d;
      const float* sh = shift_p + (r / rows_per_sample) * d;
      const float* sc = scale_p + (r / rows_per_sample) * d;
      float partial[kLanes] = {};
      std::int64_t e = 0;
      for (; e + kLanes <= d; e += kLanes)
        for (int l = 0; l < kLanes; ++l) partial[l] += xr[e + l];
      float sum = 0.0f;
      for (; e < d; ++e) sum += xr[e];
      for (float p : partial) sum += p;
      const float mean = sum / static_cast<float>(d);
      float squares[kLanes] = {};
      for (e = 0; e + kLanes <= d; e += kLanes)
        for (int l = 0; l < kLanes; ++l) squares[l] += (xr[e + l] - mean) * (xr[e + l] - mean);
      float square_sum = 0.0f;
      for (; e < d; ++e) square_sum += (xr[e] - mean) * (xr[e] - mean);
      for (float p : squares) square_sum += p;
      const float rstd = 1.0f / std::sqrt(square_sum / static_cast<float>(d) + 1e-6f);
      for (e = 0; e < d; ++e) orow[e] = (xr[e] - mean) * rstd * (1.0f + sc[e]) + sh[e];
    }
  });
  return out;
}

void multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                          const torch::Tensor& bias, torch::Tensor& out) {
  TORCH_CHECK(q.dim() == 5 && k.dim() == 5 && v.dim() == 5 && out.dim() == 5, "attention views must be 5-D");
  TORCH_CHECK(q.stride(4) == 1 && k.stride(4) == 1 && v.stride(4) == 1 && out.stride(4) == 1,
              "attention views need unit stride in the channel dim");
  if (q.size(2) <= kShortSequence && k.size(2) <= kShortSequence)
    loop_attention(q, k, v, bias, out);
  else
    blas_attention(q, k, v, bias, out);
}

}  // namespace shotgen::engine
