#include "media/film_assembler.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "media/media_fixtures.h"
#include "media/video_reader.h"
#include "support/test_support.h"

namespace shotgen::media {
namespace {

using testing::TempDir;

std::vector<FilmCut> three_cuts(const std::filesystem::path& folder) {
  return {
      {folder / "red.mp4", 1.0, false, 0, "s01", 1},
      {folder / "green.mp4", 1.0, false, 0, "s02", 1},
      {folder / "blue.mp4", 1.0, true, 0.5, "s03", 2},
  };
}

TEST(PlanFilm, HardCutsAddUpAndCrossfadesOverlap) {
  const FilmPlan plan = plan_film(three_cuts("/takes"), 12);
  ASSERT_EQ(plan.cuts.size(), 3u);
  EXPECT_EQ(plan.cuts[0].frames, 12);
  EXPECT_EQ(plan.cuts[1].start_frame, 12);
  EXPECT_EQ(plan.cuts[2].crossfade_frames, 6);
  EXPECT_EQ(plan.cuts[2].start_frame, 18);
  EXPECT_EQ(plan.total_frames, 30);  // 36 frames minus the 6-frame overlap
}

TEST(PlanFilm, CrossfadeIsClampedToWhatBothCutsHave) {
  std::vector<FilmCut> cuts = {{"a.mp4", 0.5, false, 0, "a", 1},
                               {"b.mp4", 1.0, true, 5.0, "b", 1},   // longer than a: clamped to 6
                               {"c.mp4", 2.0, true, 3.0, "c", 1}};  // b has 12 - 6 left
  const FilmPlan plan = plan_film(cuts, 12);
  EXPECT_EQ(plan.cuts[1].crossfade_frames, 6);
  EXPECT_EQ(plan.cuts[2].crossfade_frames, 6);
  EXPECT_EQ(plan.total_frames, 6 + 12 + 24 - 12);
  cuts.front().crossfade_in = true;  // nothing to fade from: ignored
  cuts.front().crossfade_seconds = 1;
  EXPECT_EQ(plan_film(cuts, 12).cuts[0].crossfade_frames, 0);
}

TEST(PlanFilm, NonPositiveDurationNamesTheShot) {
  std::vector<FilmCut> cuts = {{"a.mp4", 0.0, false, 0, "s07", 3}};
  try {
    plan_film(cuts, 24);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("s07"), std::string::npos) << error.what();
  }
}

TEST(PlanFilm, HugeDurationIsOutOfRangeNotOneFrame) {
  for (const double duration : {1e9, 1e300}) {
    std::vector<FilmCut> cuts = {{"a.mp4", 1.0, false, 0, "a", 1}, {"b.mp4", duration, true, 0.5, "b", 1}};
    try {
      const FilmPlan plan = plan_film(cuts, 12);
      FAIL() << duration << " s planned as " << plan.total_frames << " frames";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::OutOfRange) << error.what();
      EXPECT_NE(std::string(error.what()).find("shot b"), std::string::npos) << error.what();
    }
  }
}

TEST(PlanFilm, AFilmOfManyLongCutsIsCheckedBeforeItsLengthWraps) {
  // Each cut alone is allowed; together they pass the limit (and INT_MAX long before 300 cuts).
  std::vector<FilmCut> cuts(300, FilmCut{"a.mp4", 1e6, false, 0, "a", 1});
  try {
    plan_film(cuts, 12);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::OutOfRange) << error.what();
  }
}

class AssembledFilm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    EncodeOptions take;
    take.fps = 12;
    take.preset = "ultrafast";
    auto solid_clip = [](int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
      return Clip{std::vector<Image>(14, testing::solid(w, h, r, g, b))};
    };
    encode_mp4(dir_->path() / "red.mp4", solid_clip(32, 32, 220, 30, 30), take);
    encode_mp4(dir_->path() / "green.mp4", solid_clip(32, 32, 30, 220, 30), take);
    encode_mp4(dir_->path() / "blue.mp4", solid_clip(64, 48, 30, 30, 220), take);  // other size: scaled
    EncodeOptions film;
    film.fps = 12;
    film.preset = "ultrafast";
    film.out_width = 32;
    film.out_height = 32;
    film.metadata = {{"title", "Assembled"}};
    assemble_film(three_cuts(dir_->path()), dir_->path() / "film.mp4", film);
    frames_ = new Clip(decode_video(dir_->path() / "film.mp4"));
  }
  static void TearDownTestSuite() {
    delete frames_;
    delete dir_;
  }
  static const std::uint8_t* centre(int frame) { return frames_->frames.at(frame).pixel(16, 16); }

  static TempDir* dir_;
  static Clip* frames_;
};
TempDir* AssembledFilm::dir_ = nullptr;
Clip* AssembledFilm::frames_ = nullptr;

TEST_F(AssembledFilm, HasThePlannedLength) {
  const VideoProbe probe = probe_video(dir_->path() / "film.mp4");
  EXPECT_EQ(probe.frames, 30);
  EXPECT_NEAR(probe.duration_seconds, 2.5, 0.001);
  EXPECT_EQ(probe.width, 32);
  EXPECT_EQ(probe.height, 32);
  EXPECT_EQ(probe.metadata.at("title"), "Assembled");
  EXPECT_EQ(frames_->frame_count(), 30);
}

TEST_F(AssembledFilm, HardCutSwitchesBetweenFrames) {
  EXPECT_NEAR(centre(11)[0], 220, 6);
  EXPECT_NEAR(centre(11)[1], 30, 6);
  EXPECT_NEAR(centre(12)[0], 30, 6);
  EXPECT_NEAR(centre(12)[1], 220, 6);
}

TEST_F(AssembledFilm, CrossfadeFramesAreLinearBlends) {
  // Frames 18..23: green fading to blue with incoming weight (k+1)/7.
  for (int k = 0; k < 6; ++k) {
    const double a = (k + 1) / 7.0;
    SCOPED_TRACE("overlap frame " + std::to_string(k));
    EXPECT_NEAR(centre(18 + k)[1], (1 - a) * 220 + a * 30, 8);
    EXPECT_NEAR(centre(18 + k)[2], (1 - a) * 30 + a * 220, 8);
  }
  EXPECT_NEAR(centre(17)[1], 220, 6);  // last pure green frame
  EXPECT_NEAR(centre(24)[2], 220, 6);  // first pure blue frame
  EXPECT_NEAR(centre(29)[2], 220, 6);
}

TEST(AssembleFilm, BadTakeIsNamedAndNoFilmIsLeft) {
  TempDir dir;
  testing::write_text(dir.path() / "broken.mp4", "garbage");
  EncodeOptions film;
  film.fps = 12;
  film.out_width = 32;
  film.out_height = 32;
  std::vector<FilmCut> cuts = {{dir.path() / "broken.mp4", 1.0, false, 0, "s01", 1}};
  try {
    assemble_film(cuts, dir.path() / "film.mp4", film);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken.mp4"), std::string::npos) << error.what();
  }
  EXPECT_EQ(testing::entries_in(dir.path()), 1);  // only the broken take
}

}  // namespace
}  // namespace shotgen::media
