// A shot's finishing plan: [finish] merged film <- scene <- shot, passes in running order, the LUT
// read and hashed, the palette taken from the shot's merged look; every problem lint must report.
#include <gtest/gtest.h>

#include "film/film_loader.h"
#include "finish/finish_plan.h"
#include "finish/finisher.h"
#include "finish_fixtures.h"
#include "support/test_support.h"

namespace shotgen::finish {
namespace {

namespace fs = std::filesystem;
using shotgen::testing::TempDir;
using shotgen::testing::write_text;

std::string replaced(std::string text, const std::string& old_text, const std::string& new_text) {
  text.replace(text.find(old_text), old_text.size(), new_text);
  return text;
}

std::string cube_text(int size) {
  std::string text = "LUT_3D_SIZE " + std::to_string(size) + "\n";
  for (int b = 0; b < size; ++b)
    for (int g = 0; g < size; ++g)
      for (int r = 0; r < size; ++r)
        text += std::to_string(r / float(size - 1)) + " " + std::to_string(g / float(size - 1)) + " " +
                std::to_string(b / float(size - 1) * 0.9f) + "\n";
  return text;
}

const std::string kFilm = R"([film]
title = "Plan"
resolution = "256x128"

[style]
block = "hand-painted 2D animation"

[negative]
format = ["live action"]

[look]
palette = "warm"

[finish]
passes = ["grain", "upscale", "grade", "palette_lock"]
lut = "luts/look.cube"
grain = 0.05

[render]
size = "64x32"

[[scenes]]
id = "night"
look = { palette = "teal and orange" }
finish = { lut_interpolation = "trilinear" }

[[scenes.shots]]
id = "a"
action = "rain"

[[scenes.shots]]
id = "b"
action = "a lamp"
finish = { passes = ["letterbox"], aspect = 2.39 }
)";

class FinishPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "luts");
    write_text(dir_.path() / "luts" / "look.cube", cube_text(5));
  }
  film::Film film(const std::string& text = kFilm) { return film::load_film_string(text, "film.toml"); }
  const TempDir dir_;
};

TEST_F(FinishPlanTest, MergesTheLevelsAndRunsPassesInTheirOrder) {
  const film::Film f = film();
  FinishPlanner planner(f, dir_.path());
  const FinishPlan a = planner.plan(f.scenes[0].shots[0]);
  EXPECT_EQ(a.passes, (std::vector{film::FinishPass::Grade, film::FinishPass::PaletteLock, film::FinishPass::Upscale,
                                   film::FinishPass::Grain}));
  EXPECT_EQ(a.interpolation, film::LutInterpolation::Trilinear);  // the scene's
  EXPECT_EQ(a.palette.name, "teal and orange");                   // the scene's look
  EXPECT_EQ(a.grain, 0.05);
  EXPECT_EQ(a.grain_size, film::kDefaultGrainSize);
  EXPECT_EQ(a.lut->size, 5);
  EXPECT_EQ(a.lut_sha256.size(), 64u);
  EXPECT_EQ(a.output, (film::Resolution{256, 128}));
  const FinishPlan b = planner.plan(f.scenes[0].shots[1]);
  EXPECT_EQ(b.passes, std::vector{film::FinishPass::Letterbox});
  EXPECT_DOUBLE_EQ(b.aspect, 2.39);
}

TEST_F(FinishPlanTest, TheDeflickerRunsFirstWithItsStrength) {
  // Listed last, run first; the default strength where no level sets one, the shot's where it does.
  const film::Film f = film(replaced(replaced(kFilm, R"(passes = ["grain", "upscale", "grade", "palette_lock"])",
                                              R"(passes = ["grain", "upscale", "deflicker"])"),
                                     R"(finish = { passes = ["letterbox"], aspect = 2.39 })",
                                     R"(finish = { deflicker = 0.4 })"));
  FinishPlanner planner(f, dir_.path());
  const FinishPlan a = planner.plan(f.scenes[0].shots[0]);
  EXPECT_EQ(a.passes, (std::vector{film::FinishPass::Deflicker, film::FinishPass::Upscale, film::FinishPass::Grain}));
  EXPECT_EQ(a.deflicker, film::kDefaultDeflicker);
  EXPECT_EQ(a.to_json()["passes"][0], nlohmann::json({{"pass", "deflicker"}, {"strength", film::kDefaultDeflicker}}));
  const FinishPlan b = planner.plan(f.scenes[0].shots[1]);
  EXPECT_EQ(b.deflicker, 0.4);
  EXPECT_NE(b.block_hash(), a.block_hash());  // takes finished at another strength are outdated
}

TEST_F(FinishPlanTest, TheReframeTakesThePromptsCameraMoveAndNeedsTheUpscale) {
  // The scene's zoom for shot a, shot b's own.
  std::string text = replaced(kFilm, R"(passes = ["grain", "upscale", "grade", "palette_lock"])",
                              R"(passes = ["reframe", "upscale"])");
  text = replaced(text, R"(finish = { lut_interpolation = "trilinear" })", R"(finish = { reframe_zoom = 1.5 })");
  text = replaced(text, R"(finish = { passes = ["letterbox"], aspect = 2.39 })", R"(finish = { reframe_zoom = 1.2 })");
  const film::Film f = film(text);
  FinishPlanner planner(f, dir_.path());
  const FinishPlan a = planner.plan(f.scenes[0].shots[0]);
  EXPECT_EQ(a.passes, (std::vector{film::FinishPass::Reframe, film::FinishPass::Upscale}));
  EXPECT_EQ(a.reframe_zoom, 1.5);
  EXPECT_EQ(a.to_json()["passes"][0], nlohmann::json({{"pass", "reframe"}, {"zoom", 1.5}}));
  const FinishPlan b = planner.plan(f.scenes[0].shots[1]);
  EXPECT_EQ(b.reframe_zoom, 1.2);
  EXPECT_NE(a.block_hash(), b.block_hash());  // a take reframed at another zoom is outdated

  // The move is the one the take's prompt names (the look's camera_move, which the assembler writes
  // before the action, or the action's words; a camera word the world does not know is skipped):
  // drawn static, that move; drawn moving, no move named, or no pass: nothing.
  EXPECT_EQ(a.reframe_for("hand-painted, slow push in, warm palette, rain", world::CameraMove::Static),
            world::CameraMove::PushIn);
  EXPECT_EQ(a.reframe_for("hand-painted, handheld, the camera pans left over a lamp", world::CameraMove::Static),
            world::CameraMove::PanLeft);
  EXPECT_EQ(a.reframe_for("hand-painted, slow push in, rain", world::CameraMove::PanRight), std::nullopt);
  EXPECT_EQ(a.reframe_for("hand-painted, static camera, rain", world::CameraMove::Static), std::nullopt);
  EXPECT_EQ(a.reframe_for("hand-painted, rain", world::CameraMove::Static), std::nullopt);
  FinishPlan without = a;
  without.passes = {film::FinishPass::Upscale};
  EXPECT_EQ(without.reframe_for("slow push in", world::CameraMove::Static), std::nullopt);

  // The record says what was drawn; a take left as drawn records nothing.
  EXPECT_EQ(recorded_decisions(finish_record(a, 1, "cpu reference", 64, 32, 8, {world::CameraMove::PushIn}).dump()).reframe,
            world::CameraMove::PushIn);
  EXPECT_EQ(recorded_decisions(finish_record(a, 1, "cpu reference", 64, 32, 8).dump()).reframe, std::nullopt);
  EXPECT_EQ(recorded_decisions("").reframe, std::nullopt);
  EXPECT_EQ(recorded_decisions("not json").reframe, std::nullopt);

  // The style texture: the style the prompt names where the model drew another, only with the pass;
  // recorded like the reframe.
  FinishPlan textured = a;
  textured.passes.insert(textured.passes.begin(), film::FinishPass::StyleTexture);
  EXPECT_EQ(a.style_texture_for("photorealistic, a harbor", world::Style::Painterly), std::nullopt);
  EXPECT_EQ(textured.style_texture_for("photorealistic, a harbor", world::Style::Painterly), world::Style::Photoreal);
  EXPECT_EQ(textured.style_texture_for("photorealistic, a harbor", world::Style::Photoreal), std::nullopt);
  EXPECT_EQ(textured.to_json()["passes"][0], nlohmann::json({{"pass", "style_texture"}}));
  EXPECT_NE(textured.block_hash(), a.block_hash());
  EXPECT_EQ(recorded_decisions(finish_record(textured, 1, "cpu reference", 64, 32, 8, {.texture = world::Style::Flat2D})
                                 .dump())
                .texture,
            world::Style::Flat2D);
  EXPECT_EQ(recorded_decisions(finish_record(textured, 1, "cpu reference", 64, 32, 8).dump()).texture, std::nullopt);
  EXPECT_EQ(recorded_decisions("not json").texture, std::nullopt);

  // The palette match: the palette the prompt names where the model drew another, only with the
  // pass; recorded like the others.
  FinishPlan matched = a;
  matched.passes.insert(matched.passes.begin(), film::FinishPass::PaletteMatch);
  EXPECT_EQ(a.palette_match_for("monochrome, a harbor", world::Palette::GreenTones), std::nullopt);
  EXPECT_EQ(matched.palette_match_for("monochrome, a harbor", world::Palette::GreenTones), world::Palette::Monochrome);
  EXPECT_EQ(matched.palette_match_for("monochrome, a harbor", world::Palette::Monochrome), std::nullopt);
  EXPECT_EQ(matched.to_json()["passes"][0], nlohmann::json({{"pass", "palette_match"}}));
  EXPECT_NE(matched.block_hash(), a.block_hash());
  const auto record = finish_record(matched, 1, "cpu reference", 64, 32, 8, {.palette = world::Palette::Pastel});
  EXPECT_EQ(record["palette_matched"], "pastel");
  EXPECT_EQ(recorded_decisions(record.dump()).palette, world::Palette::Pastel);
  EXPECT_EQ(recorded_decisions(finish_record(matched, 1, "cpu reference", 64, 32, 8).dump()).palette, std::nullopt);

  // Without the upscale: one problem for the film, not one per shot.
  const auto problems = check_finish(film(replaced(text, R"(passes = ["reframe", "upscale"])", R"(passes = ["reframe"])")),
                                     dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "reframe-without-upscale");
  EXPECT_NE(problems[0].fix.find("upscale"), std::string::npos);
}

TEST_F(FinishPlanTest, HashChangesWithTheBlockAndTheLutBytes) {
  const film::Film f = film();
  const std::string before = FinishPlanner(f, dir_.path()).plan(f.scenes[0].shots[0]).block_hash();
  EXPECT_EQ(FinishPlanner(f, dir_.path()).plan(f.scenes[0].shots[0]).block_hash(), before);
  const film::Film g = film(replaced(kFilm, "grain = 0.05", "grain = 0.06"));
  EXPECT_NE(FinishPlanner(g, dir_.path()).plan(g.scenes[0].shots[0]).block_hash(), before);
  write_text(dir_.path() / "luts" / "look.cube", cube_text(5) + "# edited\n");
  EXPECT_NE(FinishPlanner(f, dir_.path()).plan(f.scenes[0].shots[0]).block_hash(), before);
}

TEST_F(FinishPlanTest, RecordCarriesHashSeedDeviceAndSource) {
  const film::Film f = film();
  const FinishPlan plan = FinishPlanner(f, dir_.path()).plan(f.scenes[0].shots[0]);
  const auto record = finish_record(plan, 42, "cpu reference", 64, 32, 12);
  EXPECT_EQ(record["block_hash"], plan.block_hash());
  EXPECT_EQ(record["passes"][0]["lut_sha256"], plan.lut_sha256);
  EXPECT_EQ(record["device"], "cpu reference");
  EXPECT_EQ(record["source"]["frames"], 12);
  EXPECT_EQ(recorded_block_hash(record.dump()), plan.block_hash());
  EXPECT_EQ(recorded_block_hash(""), "");
}

TEST_F(FinishPlanTest, LintFindsEveryProblemOnce) {
  EXPECT_TRUE(check_finish(film(), dir_.path()).empty());

  fs::remove(dir_.path() / "luts" / "look.cube");
  auto problems = check_finish(film(), dir_.path());
  ASSERT_EQ(problems.size(), 1u);  // one missing file, not one per shot
  EXPECT_EQ(problems[0].code, "lut-file-missing");
  EXPECT_EQ(problems[0].kind, ErrorKind::NotFound);

  fs::create_directory(dir_.path() / "luts" / "look.cube");  // a directory named as the LUT: refused, not read
  problems = check_finish(film(), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "lut-unreadable");
  EXPECT_EQ(problems[0].kind, ErrorKind::NotARegularFile);
  fs::remove(dir_.path() / "luts" / "look.cube");

  write_text(dir_.path() / "luts" / "look.cube", "LUT_3D_SIZE 2\n0 0 0\n0 0 x\n");
  problems = check_finish(film(), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "malformed-lut");
  EXPECT_EQ(problems[0].where, (dir_.path() / "luts" / "look.cube").string() + ":3");

  write_text(dir_.path() / "luts" / "look.cube", "LUT_3D_SIZE 3\n0 0 0\n1 1 1\n");
  problems = check_finish(film(), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "lut-wrong-size");

  const std::string no_palette = replaced(kFilm, "\"teal and orange\"", "\"psychedelic\"");
  write_text(dir_.path() / "luts" / "look.cube", cube_text(5));
  problems = check_finish(film(no_palette), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "unknown-palette");
  EXPECT_NE(problems[0].where.find("shot a"), std::string::npos) << problems[0].where;

  const std::string no_aspect = replaced(kFilm, ", aspect = 2.39", "");
  problems = check_finish(film(no_aspect), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "missing-aspect");

  const std::string outside = replaced(kFilm, "luts/look.cube", "../look.cube");
  problems = check_finish(film(outside), dir_.path());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "lut-outside-workspace");
}

TEST_F(FinishPlanTest, VulkanChainMatchesTheCpuChain) {
  const film::Film f = film();
  FinishPlanner planner(f, dir_.path());
  for (const auto& shot : f.scenes[0].shots) {
    const FinishPlan plan = planner.plan(shot);
    const Image generated = testing::gradient_image(64, 32);
    const Image cpu = finish_frame_reference(generated, plan, 99, 3);
    const Image vulkan = testing::gpu().finish_frame(generated, plan, 99, 3);
    EXPECT_LE(testing::max_difference(cpu, vulkan), 1) << shot.id;
  }
}

TEST_F(FinishPlanTest, FinisherOnTheCpuFinishesEveryFrameWithItsOwnGrain) {
  const film::Film f = film();
  const FinishPlan plan = FinishPlanner(f, dir_.path()).plan(f.scenes[0].shots[0]);
  Clip clip;
  clip.frames = {testing::gradient_image(64, 32), testing::gradient_image(64, 32)};
  auto finisher = Finisher::open(FinishDevice::Cpu, {});
  EXPECT_EQ(finisher.device(), "cpu reference");
  const Clip finished = finisher.finish(clip, plan, 5);
  ASSERT_EQ(finished.frame_count(), 2);
  EXPECT_EQ(finished.width(), 256);
  EXPECT_NE(finished.frames[0], finished.frames[1]);  // grain differs frame to frame
  EXPECT_EQ(finished.frames[1], finish_frame_reference(clip.frames[1], plan, grain_seed(5), 1));
  EXPECT_EQ(finisher.finish(clip, FinishPlan{}, 5), clip);  // no passes: untouched
}

}  // namespace
}  // namespace shotgen::finish
