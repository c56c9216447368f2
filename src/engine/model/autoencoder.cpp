#include "engine/model/autoencoder.h"

#include <functional>

namespace shotgen::engine {
namespace {

constexpr int kGroups = 8;
constexpr int kSpaceToDepth = 4;  // the unshuffle/shuffle factor at both ends
constexpr int kShuffledChannels = 3 * kSpaceToDepth * kSpaceToDepth;

torch::nn::Conv2d conv(int in, int out, int kernel, int stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

torch::nn::GroupNorm group_norm(int channels) { return torch::nn::GroupNorm(torch::nn::GroupNormOptions(kGroups, channels)); }

}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int channels) {
  norm1 = register_module("norm1", group_norm(channels));
  conv1 = register_module("conv1", conv(channels, channels, 3));
  norm2 = register_module("norm2", group_norm(channels));
  conv2 = register_module("conv2", conv(channels, channels, 3));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = conv1->forward(torch::silu(norm1->forward(x)));
  return x + conv2->forward(torch::silu(norm2->forward(h)));
}

FrameAutoencoderImpl::FrameAutoencoderImpl(const ModelConfig& config)
    : factor(config.latent_factor), channels(config.latent_channels) {
  const int w = config.autoencoder_width;
  encoder = register_module("encoder", torch::nn::Sequential());
  decoder = register_module("decoder", torch::nn::Sequential());
  encoder->push_back("unshuffle", torch::nn::PixelUnshuffle(kSpaceToDepth));
  encoder->push_back("stem", conv(kShuffledChannels, w, 3));
  if (factor == 4) {
    encoder->push_back("res0", ResidualBlock(w));
    encoder->push_back("res1", ResidualBlock(w));
    encoder->push_back("norm", group_norm(w));
    encoder->push_back("act", torch::nn::SiLU());
    encoder->push_back("out", conv(w, channels, 1));

    decoder->push_back("in", conv(channels, w, 3));
    decoder->push_back("res0", ResidualBlock(w));
    decoder->push_back("res1", ResidualBlock(w));
    decoder->push_back("res2", ResidualBlock(w));
  } else {  // factor 8
    encoder->push_back("res0", ResidualBlock(w));
    encoder->push_back("down", conv(w, 2 * w, 3, 2));
    encoder->push_back("res1", ResidualBlock(2 * w));
    encoder->push_back("norm", group_norm(2 * w));
    encoder->push_back("act", torch::nn::SiLU());
    encoder->push_back("out", conv(2 * w, channels, 1));

    decoder->push_back("in", conv(channels, 2 * w, 3));
    decoder->push_back("res0", ResidualBlock(2 * w));
    decoder->push_back("res1", ResidualBlock(2 * w));
    decoder->push_back("upsample", torch::nn::Upsample(torch::nn::UpsampleOptions()
                                                           .scale_factor(std::vector<double>{2.0, 2.0})
                                                           .mode(torch::kNearest)));
    decoder->push_back("up", conv(2 * w, w, 3));
    decoder->push_back("res2", ResidualBlock(w));
    decoder->push_back("res3", ResidualBlock(w));
  }
  decoder->push_back("norm", group_norm(w));
  decoder->push_back("act", torch::nn::SiLU());
  decoder->push_back("out", conv(w, kShuffledChannels, 3));
  decoder->push_back("shuffle", torch::nn::PixelShuffle(kSpaceToDepth));

  latent_mean = register_parameter("latent_mean", torch::zeros({channels}), /*requires_grad=*/false);
  latent_std = register_parameter("latent_std", torch::ones({channels}), /*requires_grad=*/false);
}

torch::Tensor FrameAutoencoderImpl::encode_raw(const torch::Tensor& frames) { return encoder->forward(frames); }

torch::Tensor FrameAutoencoderImpl::decode_raw(const torch::Tensor& latents) { return decoder->forward(latents); }

namespace {

// Inference on the CPU codes one frame per call: the convolution library picks its algorithm by the
// batch size too, and a frame must come out the same whatever else is in its batch.
bool frame_by_frame(const torch::Tensor& x) { return x.device().is_cpu() && !torch::GradMode::is_enabled(); }

torch::Tensor each_frame(const torch::Tensor& frames, const std::function<torch::Tensor(const torch::Tensor&)>& code) {
  if (!frame_by_frame(frames)) return code(frames);
  std::vector<torch::Tensor> out;
  out.reserve(static_cast<std::size_t>(frames.size(0)));
  for (std::int64_t i = 0; i < frames.size(0); ++i) out.push_back(code(frames.narrow(0, i, 1)));
  return torch::cat(out, 0);
}

}  // namespace

torch::Tensor FrameAutoencoderImpl::encode(const torch::Tensor& clips) {
  const auto b = clips.size(0), t = clips.size(2), h = clips.size(3), w = clips.size(4);
  torch::Tensor frames = clips.permute({0, 2, 1, 3, 4}).reshape({b * t, 3, h, w});
  torch::Tensor raw = each_frame(frames, [this](const torch::Tensor& x) { return encode_raw(x); });
  const auto c = raw.size(1);
  torch::Tensor normalised = (raw - latent_mean.view({1, c, 1, 1}).to(raw.scalar_type())) /
                             latent_std.view({1, c, 1, 1}).to(raw.scalar_type());
  return normalised.view({b, t, c, raw.size(2), raw.size(3)}).permute({0, 2, 1, 3, 4}).contiguous();
}

torch::Tensor FrameAutoencoderImpl::decode(const torch::Tensor& latents) {
  const auto b = latents.size(0), c = latents.size(1), t = latents.size(2), h = latents.size(3), w = latents.size(4);
  torch::Tensor raw = latents.permute({0, 2, 1, 3, 4}).reshape({b * t, c, h, w}) *
                          latent_std.view({1, c, 1, 1}).to(latents.scalar_type()) +
                      latent_mean.view({1, c, 1, 1}).to(latents.scalar_type());
  torch::Tensor frames = each_frame(raw, [this](const torch::Tensor& x) { return decode_raw(x); });
  return frames.view({b, t, 3, frames.size(2), frames.size(3)}).permute({0, 2, 1, 3, 4}).contiguous();
}

void FrameAutoencoderImpl::set_latent_statistics(const torch::Tensor& raw_latents) {
  torch::NoGradGuard no_grad;
  torch::Tensor per_channel = raw_latents.to(torch::kFloat32).transpose(0, 1).reshape({raw_latents.size(1), -1});
  latent_mean.copy_(per_channel.mean(1));
  latent_std.copy_(per_channel.std(1).clamp_min(1e-3));
}

}  // namespace shotgen::engine
