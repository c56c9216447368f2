// Assembling the workspace's film from takes rendered by a fake backend (test double).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "render/film_output.h"
#include "render/render_runner.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;
using shotgen::testing::read_text;

// Renders `spec` with a fake backend, then rewrites film.toml as `edited` (the duration changed
// after rendering) and assembles; returns the error assemble throws.
Error assemble_error(FilmSpec spec, const FilmSpec& edited) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", spec);
  BackendRegistry registry;
  registry.add(std::make_shared<FakeBackend>("final"));
  registry.add(std::make_shared<FakeBackend>("turbo"));
  RenderRequest all;
  all.all = true;
  EXPECT_TRUE(render_shots(root, all, registry, nullptr, nullptr).ok());
  write_text(root / "film.toml", film_toml(edited));
  try {
    assemble_workspace_film(root);
  } catch (const Error& error) {
    EXPECT_FALSE(fs::exists(root / "renders" / "test_reel.mp4")) << "nothing is written on a mismatch";
    return error;
  }
  ADD_FAILURE() << "assemble accepted a duration its take does not have";
  return Error("", "");
}

TEST(FilmOutput, DurationLongerThanTheTakeIsReportedNotStretched) {
  FilmSpec spec;
  spec.shots = {{"a"}, {"b"}};
  FilmSpec edited = spec;
  edited.shots[1].duration = 1.0;  // the take has 0.5 s = 4 frames at 8 fps
  const Error error = assemble_error(spec, edited);
  EXPECT_EQ(error.kind(), ErrorKind::DurationMismatch) << error.what();
  EXPECT_NE(std::string(error.what()).find("b (1 s = 8 frames at 8 fps; take 1 has 4)"), std::string::npos)
      << error.what();
  EXPECT_NE(error.problem().fix.find("render"), std::string::npos);
}

TEST(FilmOutput, DurationBeyondTheLongestTakeSaysSo) {
  // 40 s at 8 fps is 320 frames; takes are at most kMaxShotFrames (240), so the take is shorter.
  FilmSpec spec;
  spec.shots = {{"a"}};
  spec.shots[0].duration = 40.0;
  const Error error = assemble_error(spec, spec);
  EXPECT_EQ(error.kind(), ErrorKind::DurationMismatch) << error.what();
  EXPECT_NE(std::string(error.what()).find("take 1 has 240"), std::string::npos) << error.what();
  EXPECT_NE(error.problem().fix.find("at most 240 frames"), std::string::npos) << error.problem().fix;
}

TEST(FilmOutput, TimelineClipsReferenceTheirMediaWithRangeAndProvenance) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", FilmSpec{});
  BackendRegistry registry;
  registry.add(std::make_shared<FakeBackend>("final"));
  registry.add(std::make_shared<FakeBackend>("turbo"));
  RenderRequest all;
  all.all = true;
  ASSERT_TRUE(render_shots(root, all, registry, nullptr, nullptr).ok());
  const auto outputs = assemble_workspace_film(root);
  const auto timeline = nlohmann::json::parse(read_text(outputs.timeline));
  const auto& clips = timeline["tracks"]["children"][0]["children"];
  ASSERT_EQ(clips.size(), 3u);
  for (const auto& clip : clips) {
    const auto& media = clip["media_reference"];
    ASSERT_TRUE(media["available_range"].is_object()) << media.dump();
    EXPECT_EQ(media["available_range"]["duration"]["value"], 4.0);  // 0.5 s at 8 fps
    const std::string url = media["target_url"];
    EXPECT_EQ(url.rfind("file:///", 0), 0u) << url;
    EXPECT_EQ(clip["metadata"]["shotgen"]["backend"], "final");
    EXPECT_EQ(clip["metadata"]["shotgen"]["status"], "kept");
  }
}

}  // namespace
}  // namespace shotgen::render
