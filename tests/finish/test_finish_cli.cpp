// [finish] end to end, run as a user would: render finishes takes and records it, audit reports
// takes finished with an outdated block, `shotgen finish` re-finishes them without generating,
// a malformed .cube is one error with file:line and writes nothing, no Vulkan device is one note
// and the CPU reference's pixels, and assemble's dip to black passes through black.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "media/png.h"
#include "media/video_reader.h"
#include "finish_fixtures.h"
#include "support/test_support.h"

namespace shotgen::finish {
namespace {

namespace fs = std::filesystem;
using shotgen::testing::CommandResult;
using shotgen::testing::read_text;
using shotgen::testing::run_program;
using shotgen::testing::TempDir;
using shotgen::testing::write_text;

std::string tiny_model() { return std::string(SHOTGEN_TEST_DATA) + "/engine/tiny_model"; }

// A 5-point warm contrast LUT in .cube form.
std::string warm_cube() {
  std::string text = "TITLE \"warm\"\nLUT_3D_SIZE 5\n";
  for (int b = 0; b < 5; ++b)
    for (int g = 0; g < 5; ++g)
      for (int r = 0; r < 5; ++r) {
        auto curve = [](int v) { const float x = v / 4.0f; return x * x * (3 - 2 * x); };
        text += std::to_string(std::min(1.0f, curve(r) * 1.1f)) + " " + std::to_string(curve(g)) + " " +
                std::to_string(curve(b) * 0.85f) + "\n";
      }
  return text;
}

std::string film_toml(const std::string& finish) {
  return R"(format_version = 1
[film]
title = "Finish Reel"
fps = 8
resolution = "64x32"
default_shot_duration = 0.5
seed = 3

[style]
block = "Hand-painted 2D animation, brushstroke texture on every surface."

[negative]
format = ["low detail"]
anatomy = ["extra fingers"]
quality = ["blurry"]

[look]
palette = "warm"

)" + finish + R"(
[render]
size = "32x16"
steps = 2

[[scenes]]
id = "s1"

[[scenes.shots]]
id = "s1_01"
action = "a lamplighter walks along the harbor"

[[scenes.shots]]
id = "s1_02"
action = "the lighthouse at dusk"
transition = "dip_to_black"
transition_seconds = 0.375
)";
}

const std::string kFinish = R"([finish]
passes = ["grade", "palette_lock", "upscale", "grain"]
lut = "luts/warm.cube"
grain = 0.05
)";

class FinishCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root() / "luts");
    write_text(root() / "luts" / "warm.cube", warm_cube());
    write_text(root() / "film.toml", film_toml(kFinish));
  }
  fs::path root() const { return dir_.path() / "ws"; }
  CommandResult shotgen(std::vector<std::string> args, const std::vector<std::string>& env = {}) const {
    args.insert(args.begin(), {"-C", root().string()});
    args.insert(args.begin(), SHOTGEN_BINARY);
    args.insert(args.begin(), env.begin(), env.end());
    return run_program("env", args);
  }
  void render() const {
    const auto result = shotgen({"render", "--all", "--model", tiny_model()});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  nlohmann::json take(const std::string& shot) const {
    return nlohmann::json::parse(shotgen({"take", "list", shot, "--json"}).out).at(0);
  }
  std::map<std::string, std::string> mp4_tags(const std::string& shot) const {
    return media::probe_video(root() / take(shot)["mp4"].get<std::string>()).metadata;
  }
  void edit_film(const std::string& from, const std::string& to) const {
    std::string text = read_text(root() / "film.toml");
    text.replace(text.find(from), from.size(), to);
    write_text(root() / "film.toml", text);
  }
  TempDir dir_;
};

TEST_F(FinishCli, RenderFinishesEveryTakeAndRecordsHow) {
  render();
  const auto tags = mp4_tags("s1_01");
  ASSERT_TRUE(tags.count("shotgen_finish"));
  const auto record = nlohmann::json::parse(tags.at("shotgen_finish"));
  EXPECT_EQ(record["passes"].size(), 4u);
  EXPECT_EQ(record["passes"][0]["pass"], "grade");
  EXPECT_EQ(record["passes"][0]["lut_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(record["passes"][2]["to"], "64x32");
  EXPECT_EQ(record["source"]["width"], 32);
  const auto probe = media::probe_video(root() / take("s1_01")["mp4"].get<std::string>());
  EXPECT_EQ(probe.width, 64);
  EXPECT_TRUE(fs::exists(root() / "renders" / "s1_01"));
  bool has_source = false;
  for (const auto& entry : fs::directory_iterator(root() / "renders" / "s1_01"))
    has_source |= entry.path().string().ends_with("_source.png");
  EXPECT_TRUE(has_source);
  const auto audit = shotgen({"audit"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_NE(audit.out.find("0 take(s) finished with an outdated [finish] block"), std::string::npos) << audit.out;
}

TEST_F(FinishCli, AuditReportsAnOutdatedBlockAndFinishRefinishesWithoutGenerating) {
  render();
  const std::string mp4 = take("s1_01")["mp4"];
  const std::string before = read_text(root() / mp4);
  const auto old_hash = nlohmann::json::parse(mp4_tags("s1_01").at("shotgen_finish"))["block_hash"];
  edit_film("grain = 0.05", "grain = 0.12");

  const auto outdated = shotgen({"audit", "--json"});
  EXPECT_EQ(outdated.exit_code, 1);
  const auto report = nlohmann::json::parse(outdated.out);
  ASSERT_EQ(report["outdated_finish"].size(), 2u) << outdated.out;
  EXPECT_EQ(report["outdated_finish"][0]["shot"], "s1_01");

  const auto finish = shotgen({"finish", "s1_01:1"});
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  EXPECT_NE(finish.out.find("finished s1_01:1"), std::string::npos) << finish.out;
  EXPECT_NE(read_text(root() / mp4), before);
  EXPECT_EQ(take("s1_01")["mp4"], mp4);  // the same take, not a new render
  EXPECT_EQ(nlohmann::json::parse(shotgen({"take", "list", "s1_01", "--json"}).out).size(), 1u);
  EXPECT_NE(nlohmann::json::parse(mp4_tags("s1_01").at("shotgen_finish"))["block_hash"], old_hash);
  EXPECT_EQ(mp4_tags("s1_01").at("shotgen_shot"), "s1_01");  // the take's other tags are kept

  EXPECT_EQ(nlohmann::json::parse(shotgen({"audit", "--json"}).out)["outdated_finish"].size(), 1u);
  ASSERT_EQ(shotgen({"finish", "--outdated"}).exit_code, 0);
  EXPECT_EQ(shotgen({"audit"}).exit_code, 0);
}

TEST_F(FinishCli, MalformedCubeIsOneErrorWithFileAndLineAndWritesNothing) {
  render();
  const std::string mp4 = take("s1_01")["mp4"], poster = take("s1_01")["poster"];
  const std::string mp4_bytes = read_text(root() / mp4), poster_bytes = read_text(root() / poster);
  std::string cube = warm_cube();
  const auto third = cube.find('\n', cube.find('\n', cube.find('\n') + 1) + 1);  // end of line 3
  cube.insert(third, " 0.5");
  write_text(root() / "luts" / "warm.cube", cube);

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"finish", "--all"}, {"render", "--all", "--model", tiny_model()}, {"lint"}}) {
    const auto result = shotgen(command);
    EXPECT_EQ(result.exit_code, 2) << command[0] << ": " << result.out << result.err;
    const std::string& text = command[0] == "lint" ? result.out : result.err;
    EXPECT_NE(text.find("luts/warm.cube:3: expected three numbers"), std::string::npos) << command[0] << ": " << text;
    if (command[0] != "lint") {
      EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    }
  }
  EXPECT_EQ(read_text(root() / mp4), mp4_bytes);
  EXPECT_EQ(read_text(root() / poster), poster_bytes);
}

TEST_F(FinishCli, LintReportsUnknownPassMissingLutAndWrongSize) {
  edit_film("\"grain\"]", "\"grian\"]");
  auto lint = shotgen({"lint"});
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.out.find("unknown finishing pass 'grian'"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("did you mean 'grain'?"), std::string::npos) << lint.out;
  edit_film("\"grian\"]", "\"grain\"]");

  fs::rename(root() / "luts" / "warm.cube", root() / "luts" / "gone.cube");
  lint = shotgen({"lint", "--json"});
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.out.find("\"code\": \"lut-file-missing\""), std::string::npos) << lint.out;

  write_text(root() / "luts" / "warm.cube", "LUT_3D_SIZE 3\n0 0 0\n1 1 1\n");
  lint = shotgen({"lint", "--json"});
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.out.find("\"code\": \"lut-wrong-size\""), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("needs 27"), std::string::npos) << lint.out;
  EXPECT_FALSE(fs::exists(root() / "shotgen.db"));  // lint writes nothing
}

TEST_F(FinishCli, WithoutAVulkanDeviceOneNoteAndTheCpuReferencesPixels) {
  render();
  const std::string poster = take("s1_01")["poster"];
  edit_film("grain = 0.05", "grain = 0.09");  // so that finishing writes new files
  const auto vulkan = shotgen({"finish", "s1_01:1"}, {"SHOTGEN_FINISH_DEVICE=vulkan"});
  ASSERT_EQ(vulkan.exit_code, 0) << vulkan.err;
  EXPECT_NE(vulkan.out.find("on vulkan: "), std::string::npos) << vulkan.out;
  const Image on_vulkan = media::read_png(root() / poster);

  const auto without = shotgen({"finish", "s1_01:1"}, {"SHOTGEN_FINISH_DEVICE=vulkan", "VK_ICD_FILENAMES=/nonexistent/icd.json",
                                                       "VK_DRIVER_FILES=/nonexistent/icd.json"});
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(std::count(without.err.begin(), without.err.end(), '\n'), 1) << without.err;
  EXPECT_EQ(without.err.rfind("note: no Vulkan device (", 0), 0u) << without.err;
  EXPECT_NE(without.err.find("finishing on the CPU reference"), std::string::npos) << without.err;
  EXPECT_NE(without.out.find("on cpu reference"), std::string::npos) << without.out;
  EXPECT_LE(testing::max_difference(media::read_png(root() / poster), on_vulkan), 1);
}

TEST_F(FinishCli, FinishNamesItsTakesOrRefuses) {
  render();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"finish"}, {"finish", "nosuch:1"},
                                               {"finish", "s1_01:7"}, {"finish", "s1_01:1", "--all"}}) {
    const auto result = shotgen(args);
    EXPECT_EQ(result.exit_code, 2) << result.out;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  const auto json = shotgen({"finish", "s1_01", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto finished = nlohmann::json::parse(json.out);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_TRUE(finished[0]["was_current"]);
}

TEST_F(FinishCli, DipToBlackPassesThroughBlack) {
  render();
  const auto assemble = shotgen({"assemble", "--json"});
  ASSERT_EQ(assemble.exit_code, 0) << assemble.err;
  // 4 frames a shot, a 3-frame dip: film frames 1..3 overlap and frame 2 is the black middle.
  const Clip film = media::decode_video(nlohmann::json::parse(assemble.out)["film"].get<std::string>());
  ASSERT_EQ(film.frame_count(), 5);
  auto mean = [](const Image& image) {
    double sum = 0;
    for (auto v : image.rgb) sum += v;
    return sum / image.rgb.size();
  };
  EXPECT_LT(mean(film.frames[2]), 6.0);
  EXPECT_GT(mean(film.frames[0]), 12.0);
}

}  // namespace
}  // namespace shotgen::finish
