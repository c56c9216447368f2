// shotgen_bench: measures shotgen's engine on this machine; bench/run.sh combines its JSON output
// with the Python reference (bench/reference_model.py) and a 16-shot render into one table.
//
//   shotgen_bench machine                 BLAS library, thread settings, peak f32 matmul GFLOP/s
//   shotgen_bench steps   --model DIR     denoise step time, clips/s and FLOP/s at batch 1, 4, 16
//   shotgen_bench threads --model DIR     step time for each torch/BLAS thread split
//   shotgen_bench export  --model DIR --out FILE
//                                         inputs + velocity of one forward, for the agreement check
//   shotgen_bench random-model --out DIR  a random-weight model of the default configuration (for
//                                         machines without the trained model: same cost per step)
//
// Step time: Engine::generate runs the real sampler (all guidance branches of all clips in one
// forward per step); the progress callback timestamps every step and the median interval between
// consecutive steps is the step time (the first step, which also pays for allocations, and the text
// encoding before it are left out). clips/s = batch / (clip_steps × step time): the denoising
// throughput for a clip of one window sampled with the `final` backend's 24 steps.
#include <CLI/CLI.hpp>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

#include "engine/engine.h"
#include "engine/io/safetensors.h"
#include "engine/runtime/cpu_threads.h"
#include "engine/runtime/engine_impl.h"
#include "model_flops.h"

namespace {

using namespace shotgen;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Shape {
  int frames = 8;  // one window of the default model
  int width = 128;
  int height = 64;
};

// Shots of a film: the style block first and a negative block, as the prompt assembler builds them.
std::vector<engine::GenerationRequest> make_batch(int clips, const Shape& shape) {
  static const char* actions[] = {"a figure walks across a green hill", "two figures talk under a red sky",
                                  "a lone tree on a low horizon at dusk", "a figure runs along the shore",
                                  "a market street at night with lanterns", "a boat drifts on a calm lake"};
  std::vector<engine::GenerationRequest> batch;
  for (int i = 0; i < clips; ++i) {
    engine::GenerationRequest r;
    r.positive = std::string("painterly hand painted animation, brush stroke texture, ") + actions[i % 6] +
                 ", slow pan left, wide lens, golden hour, warm palette, rule of thirds";
    r.negative = "photoreal, live action, 3d render, extra figures, blurry, watermark, text";
    r.seed = 1000 + static_cast<std::uint64_t>(i);
    r.frames = shape.frames;
    r.width = shape.width;
    r.height = shape.height;
    batch.push_back(std::move(r));
  }
  return batch;
}

engine::Engine load_engine(const std::string& model_dir, const std::string& device) {
  return engine::Engine::load(model_dir, engine::parse_device_choice(device));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Median step time of one generate() call with `steps` steps (≥ 3).
double measure_step_seconds(engine::Engine& engine, int clips, int steps, const Shape& shape) {
  std::vector<Clock::time_point> stamps;
  engine::SamplerSettings settings;
  settings.steps = steps;
  engine.generate(make_batch(clips, shape), settings, [&stamps](int, int, int, int) { stamps.push_back(Clock::now()); });
  std::vector<double> intervals;
  for (std::size_t i = 1; i < stamps.size(); ++i)
    intervals.push_back(std::chrono::duration<double>(stamps[i] - stamps[i - 1]).count());
  return median(intervals);
}

double matmul_gflops(int n, int repeats) {
  c10::InferenceMode inference_mode;
  torch::Tensor a = torch::rand({n, n}), b = torch::rand({n, n}), c = torch::empty({n, n});
  torch::mm_out(c, a, b);  // warm-up
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    torch::mm_out(c, a, b);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return 2.0 * n * n * static_cast<double>(n) / best / 1e9;
}

json thread_state_json() {
  const engine::CpuThreadState state = engine::cpu_thread_state();
  return {{"torch_threads", state.torch_threads},
          {"blas_threads", state.blas_threads},
          {"blas_controllable", state.blas_controllable},
          {"blas_library", state.blas_library},
          {"loop_threads", state.loop_threads},
          {"hardware_threads", std::thread::hardware_concurrency()}};
}

void run_machine(int matmul_size) {
  engine::ensure_cpu_threads();
  json out;
  out["engine_threads"] = thread_state_json();
  out["libtorch"] = TORCH_VERSION;
  // The machine's peak: the large matmul with BLAS on every core (what BLAS can reach at best).
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  json peaks = json::array();
  double peak = 0;
  for (int blas : {1, hardware}) {
    engine::apply_cpu_threads({.torch = hardware, .blas = blas});
    const double gflops = matmul_gflops(matmul_size, 5);
    peaks.push_back({{"blas_threads", blas}, {"gflops", gflops}});
    peak = std::max(peak, gflops);
  }
  out["matmul_size"] = matmul_size;
  out["matmul"] = peaks;
  out["peak_gflops"] = peak;
  std::cout << out.dump() << "\n";
}

void run_steps(const std::string& model_dir, const std::string& device, const std::vector<int>& batches, int steps,
               int clip_steps, const Shape& shape) {
  engine::Engine engine = load_engine(model_dir, device);
  const engine::ModelInfo info = engine.info();
  json out;
  out["threads"] = thread_state_json();
  out["device"] = info.device;
  out["parameters"] = info.parameter_count;
  out["shape"] = {{"frames", shape.frames}, {"width", shape.width}, {"height", shape.height}};
  out["clip_steps"] = clip_steps;
  measure_step_seconds(engine, 1, 3, shape);  // warm-up: first-touch allocations, lazy init
  for (int clips : batches) {
    const double step = measure_step_seconds(engine, clips, steps, shape);
    const double flops = bench::denoiser_forward_flops(info.config, 2 * clips, shape.frames, shape.height, shape.width);
    out["batches"].push_back({{"clips", clips},
                              {"rows", 2 * clips},
                              {"step_s", step},
                              {"step_per_clip_s", step / clips},
                              {"clips_per_s", clips / (clip_steps * step)},
                              {"step_gflop", flops / 1e9},
                              {"gflops", flops / step / 1e9}});
    std::cerr << "  shotgen batch " << clips << ": " << step * 1e3 << " ms/step\n";
  }
  std::cout << out.dump() << "\n";
}

void run_threads(const std::string& model_dir, const std::vector<int>& batches, int steps, const Shape& shape) {
  engine::Engine engine = load_engine(model_dir, "cpu");
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  json out = json::array();
  std::vector<std::pair<int, int>> splits;
  for (int torch_threads = 1; torch_threads <= hardware; ++torch_threads)
    for (int blas : {1, hardware}) splits.emplace_back(torch_threads, blas);
  splits.erase(std::unique(splits.begin(), splits.end()), splits.end());
  for (auto [torch_threads, blas] : splits) {
    engine::apply_cpu_threads({.torch = torch_threads, .blas = blas});
    measure_step_seconds(engine, 1, 3, shape);
    json row = {{"torch_threads", torch_threads}, {"blas_threads", blas}};
    for (int clips : batches) {
      const double step = measure_step_seconds(engine, clips, steps, shape);
      row["step_s"][std::to_string(clips)] = step;
      std::cerr << "  torch " << torch_threads << " blas " << blas << " batch " << clips << ": " << step * 1e3
                << " ms/step\n";
    }
    out.push_back(row);
  }
  engine::apply_cpu_threads();
  std::cout << json{{"splits", out}}.dump() << "\n";
}

engine::TensorBytes to_bytes(const torch::Tensor& tensor) {
  torch::Tensor t = tensor.to(torch::kCPU, torch::kFloat32).contiguous();
  engine::TensorBytes bytes;
  bytes.dtype = engine::DType::F32;
  bytes.shape = t.sizes().vec();
  bytes.bytes.assign(reinterpret_cast<const char*>(t.data_ptr<float>()), static_cast<std::size_t>(t.numel()) * 4);
  return bytes;
}

// One forward of the whole network (text encoder + denoiser) on a guided batch, with a given
// first frame so the conditioning path is exercised too.
void run_export(const std::string& model_dir, int clips, double t, const std::string& out_path, const Shape& shape) {
  engine::Engine engine = load_engine(model_dir, "cpu");
  engine::Engine::Impl& impl = engine.impl();
  c10::InferenceMode inference_mode;
  const std::vector<engine::GenerationRequest> batch = make_batch(clips, shape);
  const int branches = 2;
  const std::int64_t rows = branches * clips;
  engine::ContextInputs inputs = engine::build_context_inputs(impl, batch, branches);
  engine::Context context = impl.model->encode_context(inputs);

  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
  // The denoiser's own space: latents for a latent model (the autoencoder is not part of a step).
  std::vector<std::int64_t> data_shape = impl.model->data_shape(shape.frames, shape.height, shape.width);
  data_shape.insert(data_shape.begin(), rows);
  torch::Tensor x_t = torch::randn(data_shape, generator, torch::kFloat32);
  torch::Tensor cond_frames = torch::rand(data_shape, generator).mul(2).sub(1);
  torch::Tensor cond_mask = torch::zeros({rows, 1, shape.frames, 1, 1});
  cond_mask.select(2, 0).fill_(1.0);
  torch::Tensor times = torch::full({rows}, t);
  torch::Tensor velocity = impl.model->forward(x_t, times, cond_frames, cond_mask.to(torch::kBool), context);

  engine::SafetensorsFile file;
  file.tensors["token_ids"] = to_bytes(inputs.token_ids);
  file.tensors["token_weights"] = to_bytes(inputs.token_weights);
  file.tensors["x_t"] = to_bytes(x_t);
  file.tensors["t"] = to_bytes(times);
  file.tensors["cond_frames"] = to_bytes(cond_frames);
  file.tensors["cond_mask"] = to_bytes(cond_mask);
  file.tensors["velocity"] = to_bytes(velocity);
  file.metadata["model_dir"] = model_dir;
  file.metadata["clips"] = std::to_string(clips);
  engine::write_safetensors(out_path, file);
  std::cout << json{{"exported", out_path}, {"rows", rows}}.dump() << "\n";
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) values.push_back(std::stoi(item));
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shotgen engine benchmarks (see bench/README.md)"};
  app.require_subcommand(1);
  std::string model_dir = engine::default_model_dir().string(), device = "cpu", batches = "1,4,16", out_path;
  int steps = 8, clip_steps = 24, matmul_size = 2048, clips = 2;
  double t = 0.7;
  Shape shape;
  auto add_shape = [&](CLI::App* sub) {
    sub->add_option("--model", model_dir, "Model directory")->capture_default_str();
    sub->add_option("--frames", shape.frames)->capture_default_str();
    sub->add_option("--width", shape.width)->capture_default_str();
    sub->add_option("--height", shape.height)->capture_default_str();
  };
  CLI::App* machine = app.add_subcommand("machine", "BLAS, threads, peak matmul");
  machine->add_option("--size", matmul_size, "Matmul size n (n×n by n×n, f32)")->capture_default_str();
  CLI::App* steps_cmd = app.add_subcommand("steps", "Step time and clips/s per batch");
  add_shape(steps_cmd);
  steps_cmd->add_option("--device", device)->capture_default_str();
  steps_cmd->add_option("--batches", batches, "Clips per batch, comma-separated")->capture_default_str();
  steps_cmd->add_option("--steps", steps, "Timed sampler steps per batch (median interval)")->capture_default_str();
  steps_cmd->add_option("--clip-steps", clip_steps, "Sampler steps of one clip, for clips/s")->capture_default_str();
  CLI::App* threads_cmd = app.add_subcommand("threads", "Step time per torch/BLAS thread split");
  add_shape(threads_cmd);
  threads_cmd->add_option("--batches", batches)->capture_default_str();
  threads_cmd->add_option("--steps", steps)->capture_default_str();
  CLI::App* random_cmd = app.add_subcommand("random-model", "Write a random-weight default-config model");
  random_cmd->add_option("--out", out_path, "Model directory to write")->required();
  CLI::App* export_cmd = app.add_subcommand("export", "Inputs and velocity of one forward (agreement check)");
  add_shape(export_cmd);
  export_cmd->add_option("--clips", clips)->capture_default_str();
  export_cmd->add_option("--t", t, "Timestep")->capture_default_str();
  export_cmd->add_option("--out", out_path, "safetensors file to write")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    if (*machine) run_machine(matmul_size);
    if (*steps_cmd) run_steps(model_dir, device, parse_list(batches), std::max(3, steps), clip_steps, shape);
    if (*threads_cmd) run_threads(model_dir, parse_list(batches), std::max(3, steps), shape);
    if (*export_cmd) run_export(model_dir, clips, t, out_path, shape);
    if (*random_cmd) {
      engine::ModelConfig config;
      for (const char* word : {"painterly", "figure", "hill", "green", "red", "sky", "night", "river"})
        config.vocabulary.emplace_back(word);
      engine::Engine::create_random(config, 1).save(out_path);
      std::cout << json{{"random_model", out_path}}.dump() << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
