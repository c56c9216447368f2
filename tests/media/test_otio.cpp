#include "media/otio.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace shotgen::media {
namespace {

using nlohmann::json;

std::vector<FilmCut> cuts() {
  return {
      {"/work/film renders/s01_take1.mp4", 1.0, false, 0, "s01", 1},
      {"renders/s02_take3.mp4", 2.0, false, 0, "s02", 3},
      {"/r/s03_take1.mp4", 1.5, true, 0.5, "s03", 1},
  };
}

TEST(Otio, TimelineHasOneVideoTrackWithClipsAndATransition) {
  const json timeline = json::parse(otio_timeline_json("My Film", 24, cuts()));
  EXPECT_EQ(timeline["OTIO_SCHEMA"], "Timeline.1");
  EXPECT_EQ(timeline["name"], "My Film");
  const json& stack = timeline["tracks"];
  EXPECT_EQ(stack["OTIO_SCHEMA"], "Stack.1");
  ASSERT_EQ(stack["children"].size(), 1u);
  const json& track = stack["children"][0];
  EXPECT_EQ(track["OTIO_SCHEMA"], "Track.1");
  EXPECT_EQ(track["kind"], "Video");
  const json& children = track["children"];
  ASSERT_EQ(children.size(), 4u);
  EXPECT_EQ(children[0]["OTIO_SCHEMA"], "Clip.1");
  EXPECT_EQ(children[1]["OTIO_SCHEMA"], "Clip.1");
  EXPECT_EQ(children[2]["OTIO_SCHEMA"], "Transition.1");
  EXPECT_EQ(children[3]["OTIO_SCHEMA"], "Clip.1");

  const json& transition = children[2];
  EXPECT_EQ(transition["transition_type"], "SMPTE_Dissolve");
  EXPECT_EQ(transition["in_offset"]["OTIO_SCHEMA"], "RationalTime.1");
  EXPECT_EQ(transition["in_offset"]["value"], 6.0);  // 12 frames around the cut point
  EXPECT_EQ(transition["out_offset"]["value"], 6.0);
  EXPECT_EQ(transition["out_offset"]["rate"], 24.0);
}

TEST(Otio, ClipRangesAddUpToTheAssembledFilm) {
  const json timeline = json::parse(otio_timeline_json("t", 24, cuts()));
  const json& children = timeline["tracks"]["children"][0]["children"];
  std::vector<std::pair<double, double>> ranges;  // start, duration in frames
  for (const json& child : children) {
    if (child["OTIO_SCHEMA"] != "Clip.1") continue;
    const json& range = child["source_range"];
    EXPECT_EQ(range["OTIO_SCHEMA"], "TimeRange.1");
    EXPECT_EQ(range["start_time"]["rate"], 24.0);
    ranges.emplace_back(range["start_time"]["value"], range["duration"]["value"]);
  }
  ASSERT_EQ(ranges.size(), 3u);
  // s02 gives its last 6 frames to the dissolve as a handle, s03 its first 6.
  EXPECT_EQ(ranges[0], std::make_pair(0.0, 24.0));
  EXPECT_EQ(ranges[1], std::make_pair(0.0, 42.0));
  EXPECT_EQ(ranges[2], std::make_pair(6.0, 30.0));
  EXPECT_EQ(ranges[0].second + ranges[1].second + ranges[2].second, plan_film(cuts(), 24).total_frames);
}

TEST(Otio, MediaReferencesPointAtTheTakes) {
  const json timeline = json::parse(otio_timeline_json("t", 24, cuts()));
  const json& children = timeline["tracks"]["children"][0]["children"];
  const json& first = children[0]["media_reference"];
  EXPECT_EQ(first["OTIO_SCHEMA"], "ExternalReference.1");
  EXPECT_EQ(first["target_url"], "file:///work/film%20renders/s01_take1.mp4");
  EXPECT_EQ(children[1]["media_reference"]["target_url"], "renders/s02_take3.mp4");
  EXPECT_EQ(children[1]["name"], "s02 take 3");
  EXPECT_EQ(children[1]["metadata"]["shotgen"]["take"], 3);
}

TEST(Otio, MediaReferencesGiveTheTakesAvailableRangeAndProvenance) {
  auto described = cuts();
  described[0].available_frames = 30;  // longer than the 24 frames the cut uses
  described[0].media_fps = 24;
  described[0].backend = "turbo";
  described[0].status = "approved";
  const json timeline = json::parse(otio_timeline_json("t", 24, described));
  const json& clip = timeline["tracks"]["children"][0]["children"][0];
  const json& range = clip["media_reference"]["available_range"];
  EXPECT_EQ(range["OTIO_SCHEMA"], "TimeRange.1");
  EXPECT_EQ(range["start_time"]["value"], 0.0);
  EXPECT_EQ(range["duration"]["value"], 30.0);
  EXPECT_EQ(range["duration"]["rate"], 24.0);
  EXPECT_EQ(clip["metadata"]["shotgen"]["backend"], "turbo");
  EXPECT_EQ(clip["metadata"]["shotgen"]["status"], "approved");
}

TEST(Otio, WriteOtioWritesTheSameJson) {
  testing::TempDir dir;
  write_otio(dir.path() / "film.otio", "t", 24, cuts());
  EXPECT_EQ(testing::read_text(dir.path() / "film.otio"), otio_timeline_json("t", 24, cuts()));
}

}  // namespace
}  // namespace shotgen::media
