// shotgen world sample: writes one clip of the procedural training world for inspection.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/frame_sizes.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "media/png.h"
#include "world/sample.h"

namespace shotgen::cli {
namespace {

struct WorldSampleOptions {
  std::uint64_t seed = 0;
  int frames = 8;
  std::string size = "128x64";
  std::string out;
};

void run_world_sample(const WorldSampleOptions& o) {
  const auto [width, height] = parse_frame_size(o.size, "--size", 8, 2048);
  if (o.frames < 1 || o.frames > 1024)
    throw Error("frame count " + std::to_string(o.frames) + " is out of range", "--frames", "use 1..1024");
  const std::filesystem::path out(o.out);
  const world::WorldSample s = world::sample(o.seed, o.frames, width, height);
  media::write_frame_pngs(out, s.clip);
  nlohmann::json info = {{"seed", o.seed},       {"frames", o.frames},
                         {"width", width},       {"height", height},
                         {"caption", s.caption}, {"attributes", world::to_json(s.attributes)}};
  if (s.reference) {
    media::write_png(out / "reference.png", s.reference->image);
    nlohmann::json shared = nlohmann::json::array();
    for (auto d : s.reference->shared) shared.push_back(std::string(world::word(d)));
    info["reference"] = {{"image", "reference.png"},
                         {"shared", shared},
                         {"attributes", world::to_json(s.reference->attributes)}};
  }
  write_file_atomic(out / "caption.txt", s.caption + "\n");
  write_file_atomic(out / "attributes.json", info.dump(2) + "\n");
  std::cout << "wrote " << o.frames << " frames to " << out.string() << "\n" << "caption: " << s.caption << "\n";
}

}  // namespace

void setup_world(CLI::App& app, const GlobalOptions& global) {
  auto* world_cmd = app.add_subcommand("world", "The procedural film world the default model is trained on");
  world_cmd->require_subcommand(1);
  auto options = std::make_shared<WorldSampleOptions>();
  auto* cmd = world_cmd->add_subcommand("sample", "Write one world clip: PNG frames, caption.txt, attributes.json");
  cmd->add_option("--seed", options->seed, "Seed (the same seed gives the same clip)");
  cmd->add_option("--frames", options->frames, "Number of frames (default 8)");
  cmd->add_option("--size", options->size, "WIDTHxHEIGHT (default 128x64)");
  cmd->add_option("--out", options->out, "Output directory")->required();
  cmd->callback([options] { run_world_sample(*options); });
}

}  // namespace shotgen::cli
