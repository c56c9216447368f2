// shotgen_finish_bench: the finishing passes on this machine (bench/README.md, "Finishing").
//
//   shotgen_finish_bench chain [--frames N] [--repeats R] [--passes grade,upscale,...]
//       time per frame of the full chain (grade, palette lock, Lanczos-3 upscale 128x64 -> 512x256,
//       grain, letterbox 2.39) on the CPU reference and on every Vulkan device the loader offers
//       (lavapipe here); frames are world clips. Also checks that both give the same pixels.
//   shotgen_finish_bench upscale [--seeds N]
//       upscale quality on the world's frames: a 256x128 world frame, box-averaged to 128x64 and
//       scaled back, compared with the original (PSNR, and the mean difference of Sobel gradient
//       magnitude, "edge error") for Lanczos-3, bilinear and FFmpeg's bicubic (what the encoder
//       scaled with before finishing).
//   shotgen_finish_bench before-after WORKSPACE OUT.png SHOT...
//       for each shot's chosen take: its generated middle frame scaled as before finishing existed
//       (bicubic, no grade) beside the same frame finished with the shot's current [finish].
//   shotgen_finish_bench world-before-after OUT.png [--rows N]
//       the same for world clips at 128x64 through the demo film's [finish] (no render needed).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <iostream>

#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "finish/deflicker.h"
#include "finish/finisher.h"
#include "finish/gpu_passes.h"
#include "finish/palette_match.h"
#include "finish/source_frames.h"
#include "finish/style_texture.h"
#include "finish/upscale.h"
#include "finish/vulkan_context.h"
#include "media/png.h"
#include "media/resize.h"
#include "world/sample.h"

namespace {

using namespace shotgen;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

Image box_downscale(const Image& image, int factor) {
  Image small(image.width / factor, image.height / factor);
  for (int y = 0; y < small.height; ++y)
    for (int x = 0; x < small.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int j = 0; j < factor; ++j)
          for (int i = 0; i < factor; ++i) sum += image.pixel(x * factor + i, y * factor + j)[c];
        small.pixel(x, y)[c] = static_cast<std::uint8_t>((sum + factor * factor / 2) / (factor * factor));
      }
  return small;
}

double psnr(const Image& a, const Image& b) {
  double squared = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) squared += std::pow(double(a.rgb[i]) - double(b.rgb[i]), 2);
  return 10 * std::log10(255.0 * 255.0 / (squared / a.rgb.size()));
}

// Sobel gradient magnitude of the luma, per pixel (borders left at 0).
std::vector<double> edges(const Image& image) {
  auto y = [&](int x, int yy) {
    const std::uint8_t* p = image.pixel(x, yy);
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
  };
  std::vector<double> out(static_cast<std::size_t>(image.width) * image.height, 0.0);
  for (int j = 1; j + 1 < image.height; ++j)
    for (int i = 1; i + 1 < image.width; ++i) {
      const double gx = y(i + 1, j - 1) + 2 * y(i + 1, j) + y(i + 1, j + 1) - y(i - 1, j - 1) - 2 * y(i - 1, j) - y(i - 1, j + 1);
      const double gy = y(i - 1, j + 1) + 2 * y(i, j + 1) + y(i + 1, j + 1) - y(i - 1, j - 1) - 2 * y(i, j - 1) - y(i + 1, j - 1);
      out[static_cast<std::size_t>(j) * image.width + i] = std::hypot(gx, gy);
    }
  return out;
}

double edge_error(const Image& original, const Image& scaled) {
  const auto a = edges(original), b = edges(scaled);
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum / a.size();
}

void run_upscale(int seeds) {
  struct Row {
    const char* name;
    double psnr = 0, edge = 0;
  };
  Row rows[] = {{"lanczos3"}, {"bilinear"}, {"bicubic (swscale, before finishing)"}};
  for (int seed = 1; seed <= seeds; ++seed) {
    const Clip clip = world::sample(static_cast<std::uint64_t>(seed), 4, 256, 128).clip;
    for (const Image& original : clip.frames) {
      const Image small = box_downscale(original, 2);
      const auto geometry = finish::upscale_geometry(128, 64, 256, 128, film::FrameFit::Crop);
      const Image scaled[] = {finish::upscale_reference(small, geometry, film::UpscaleKernel::Lanczos3),
                              finish::upscale_reference(small, geometry, film::UpscaleKernel::Bilinear),
                              media::resize_image(small, 256, 128)};
      for (int k = 0; k < 3; ++k) {
        rows[k].psnr += psnr(original, scaled[k]);
        rows[k].edge += edge_error(original, scaled[k]);
      }
    }
  }
  const int frames = seeds * 4;
  json out = json::array();
  for (const Row& row : rows)
    out.push_back({{"kernel", row.name}, {"psnr_db", row.psnr / frames}, {"edge_error", row.edge / frames}});
  std::cout << json{{"frames", frames}, {"source", "world 256x128 -> box 128x64 -> back"}, {"results", out}}.dump(2)
            << "\n";
}

// The chain of `passes` (every pass when empty) with the demo film's LUT and warm palette.
finish::FinishPlan chain_plan(const std::vector<std::string>& passes) {
  const fs::path demo = fs::path(SHOTGEN_SOURCE_DIR) / "projects" / "arcane_short";
  film::Film film = film::load_film_file(demo / "film.toml");
  film.finish.passes = std::vector(film::all_finish_passes().begin(), film::all_finish_passes().end());
  if (!passes.empty()) {
    film.finish.passes->clear();
    for (const auto& name : passes) {
      const auto pass = film::finish_pass_from_name(name);
      if (!pass) throw Error("unknown pass '" + name + "'", "--passes", "deflicker, style_texture, palette_match, grade, palette_lock, upscale, grain, letterbox");
      film.finish.passes->push_back(*pass);
    }
  }
  film.finish.aspect = 2.39;
  finish::FinishPlanner planner(film, demo);
  return planner.plan(film.scenes.front().shots.front());
}

void run_chain(int frames, int repeats, const std::vector<std::string>& passes) {
  const finish::FinishPlan plan = chain_plan(passes);
  const Clip clip = world::sample(7, frames, 128, 64).clip;
  json devices = json::array();
  auto time_device = [&](const std::string& name, auto&& finish_frame) {
    std::vector<Image> outputs;
    finish_frame(clip.frames[0], 0);  // warm-up: pipeline compilation, buffers
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < repeats; ++r) {
      outputs.clear();
      const auto start = Clock::now();
      const double cpu_start = process_cpu_seconds();
      for (int i = 0; i < clip.frame_count(); ++i) outputs.push_back(finish_frame(clip.frames[i], i));
      best = std::min(best, seconds_since(start) / clip.frame_count());
      best_cpu = std::min(best_cpu, (process_cpu_seconds() - cpu_start) / clip.frame_count());
    }
    // Wall time, and the CPU time of every thread of the process (lavapipe's included): on a
    // machine shared with other work the second is what the chain costs.
    devices.push_back({{"device", name}, {"ms_per_frame", best * 1000}, {"cpu_ms_per_frame", best_cpu * 1000}});
    return outputs;
  };
  const auto cpu = time_device("cpu reference", [&](const Image& frame, int i) {
    return finish::finish_frame_reference(frame, plan, 1234, static_cast<std::uint32_t>(i));
  });
  auto context = finish::VulkanContext::create();
  int worst = 0;
  if (context) {
    finish::GpuPasses gpu(std::move(context).value());
    const auto vulkan = time_device("vulkan: " + gpu.device_name(), [&](const Image& frame, int i) {
      return gpu.finish_frame(frame, plan, 1234, static_cast<std::uint32_t>(i));
    });
    for (std::size_t f = 0; f < cpu.size(); ++f)
      for (std::size_t i = 0; i < cpu[f].rgb.size(); ++i) worst = std::max(worst, std::abs(cpu[f].rgb[i] - vulkan[f].rgb[i]));
  } else {
    std::cerr << "no Vulkan device: " << context.problem().message() << "\n";
  }
  // The clip passes run on the CPU over the whole clip (the deflicker's and the texture's motion
  // search, the fills' colour search, the palette match's ranking are per clip): each is timed so,
  // best of the repeats, per frame.
  const auto clip_pass_cost = [&](const std::function<Clip(const Clip&)>& pass) {
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < repeats; ++r) {
      const auto start = Clock::now();
      const double cpu_start = process_cpu_seconds();
      const int frames_out = pass(clip).frame_count();
      best = std::min(best, seconds_since(start) / frames_out);
      best_cpu = std::min(best_cpu, (process_cpu_seconds() - cpu_start) / frames_out);
    }
    return json{{"ms_per_frame", best * 1000}, {"cpu_ms_per_frame", best_cpu * 1000}};
  };
  json deflicker = nullptr;
  if (plan.has(film::FinishPass::Deflicker))
    deflicker = clip_pass_cost([&](const Clip& c) { return finish::deflicker(c, static_cast<float>(plan.deflicker)); });
  json style_texture = nullptr;
  if (plan.has(film::FinishPass::StyleTexture)) {
    style_texture = json::object();
    for (const world::Style style : {world::Style::Photoreal, world::Style::Painterly, world::Style::Flat2D})
      style_texture[std::string(world::word(style))] =
          clip_pass_cost([&](const Clip& c) { return finish::draw_style_texture(c, style, 1234); });
  }
  json palette_match = nullptr;
  if (plan.has(film::FinishPass::PaletteMatch)) {
    palette_match = json::object();
    for (const world::Palette palette : {world::Palette::Monochrome, world::Palette::Pastel})
      palette_match[std::string(world::word(palette))] =
          clip_pass_cost([&](const Clip& c) { return finish::match_palette(c, palette, 1234); });
  }
  std::cout << json{{"chain", plan.to_json()["passes"]},
                    {"deflicker_on_the_cpu", deflicker},
                    {"style_texture_on_the_cpu", style_texture},
                    {"palette_match_on_the_cpu", palette_match},
                    {"from", "128x64"},
                    {"to", "512x256"},
                    {"frames", frames},
                    {"repeats", repeats},
                    {"max_channel_difference", worst},
                    {"devices", devices}}
                   .dump(2)
            << "\n";
}

void run_before_after(const fs::path& workspace, const fs::path& out, const std::vector<std::string>& shots) {
  const film::Film film = film::load_film_file(workspace / "film.toml");
  auto database = db::open_project_database(workspace / "shotgen.db");
  db::ProjectStore store(database);
  finish::FinishPlanner planner(film, workspace);
  const int w = film.info.resolution.width, h = film.info.resolution.height;
  Image sheet(2 * w + 8, static_cast<int>(shots.size()) * (h + 8) - 8);
  int row = 0;
  for (const auto& shot_id : shots) {
    const film::Shot* shot = film.find_shot(shot_id);
    std::optional<db::TakeRecord> chosen;
    for (auto& take : store.takes(shot_id))
      if (take.status == db::TakeStatus::Done && !take.source_path.empty()) chosen = take;
    if (!shot || !chosen) throw Error("no finished take with source frames", "shot " + shot_id, "render it first");
    const int frames = json::parse(chosen->finish_json)["source"]["frames"];
    const Clip generated = finish::read_source_frames(workspace / chosen->source_path, frames);
    const int middle = frames / 2;
    const Image before = media::resize_image(generated.frames[middle], w, h);
    // The grain is seeded as the take's frame `middle` would be.
    const Image after = finish::finish_frame_reference(generated.frames[middle], planner.plan(*shot),
                                                       finish::grain_seed(chosen->seed), middle);
    for (int y = 0; y < h; ++y) {
      std::copy_n(before.pixel(0, y), w * 3, sheet.pixel(0, row * (h + 8) + y));
      std::copy_n(after.pixel(0, y), w * 3, sheet.pixel(w + 8, row * (h + 8) + y));
    }
    ++row;
  }
  media::write_png(out, sheet);
  std::cout << "wrote " << out.string() << " (left: before finishing, right: finished)\n";
}

// Without a rendered workspace: world clips at the generation size (128x64, what the bundled model
// is trained to produce), each row one clip's middle frame scaled as before finishing existed
// (bicubic, no grade) beside the same frame through the demo film's [finish] for one shot of each
// scene (its palette lock follows that scene's look).
void run_world_before_after(const fs::path& out, int rows) {
  const fs::path demo = fs::path(SHOTGEN_SOURCE_DIR) / "projects" / "arcane_short";
  const film::Film film = film::load_film_file(demo / "film.toml");
  finish::FinishPlanner planner(film, demo);
  const int w = film.info.resolution.width, h = film.info.resolution.height;
  Image sheet(2 * w + 8, rows * (h + 8) - 8);
  for (int row = 0; row < rows; ++row) {
    const auto& scene = film.scenes[static_cast<std::size_t>(row) % film.scenes.size()];
    const finish::FinishPlan plan = planner.plan(scene.shots.front());
    const auto sample = world::sample(static_cast<std::uint64_t>(11 + row), 9, 128, 64);
    const Image& generated = sample.clip.frames[4];
    const Image before = media::resize_image(generated, w, h);
    const Image after = finish::finish_frame_reference(generated, plan, finish::grain_seed(row + 1), 4);
    for (int y = 0; y < h; ++y) {
      std::copy_n(before.pixel(0, y), w * 3, sheet.pixel(0, row * (h + 8) + y));
      std::copy_n(after.pixel(0, y), w * 3, sheet.pixel(w + 8, row * (h + 8) + y));
    }
    std::cout << "row " << row + 1 << ": scene " << scene.id << ", world clip: " << sample.caption << "\n";
  }
  media::write_png(out, sheet);
  std::cout << "wrote " << out.string() << " (left: before finishing, right: finished)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shotgen_finish_bench: finishing passes, CPU reference vs Vulkan"};
  app.require_subcommand(1);
  int frames = 24, repeats = 3, seeds = 8;
  std::vector<std::string> passes;
  auto* chain = app.add_subcommand("chain", "Time per 512x256 frame of the full chain");
  chain->add_option("--frames", frames, "Frames per repeat")->capture_default_str();
  chain->add_option("--repeats", repeats, "Repeats (the best is reported)")->capture_default_str();
  chain->add_option("--passes", passes, "Only these passes (default: all five)")->delimiter(',');
  chain->callback([&] { run_chain(frames, repeats, passes); });
  auto* upscale = app.add_subcommand("upscale", "Upscale quality on world frames");
  upscale->add_option("--seeds", seeds, "World clips (4 frames each)")->capture_default_str();
  upscale->callback([&] { run_upscale(seeds); });
  std::string workspace, out;
  std::vector<std::string> shots;
  auto* before_after = app.add_subcommand("before-after", "Before/after image of shots' chosen takes");
  before_after->add_option("workspace", workspace)->required();
  before_after->add_option("out", out)->required();
  before_after->add_option("shots", shots)->required();
  before_after->callback([&] { run_before_after(workspace, out, shots); });
  int rows = 3;
  auto* world_before_after =
      app.add_subcommand("world-before-after", "Before/after image of world clips through the demo's [finish]");
  world_before_after->add_option("out", out)->required();
  world_before_after->add_option("--rows", rows, "World clips (one row each)")->capture_default_str();
  world_before_after->callback([&] { run_world_before_after(out, rows); });
  try {
    CLI11_PARSE(app, argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
