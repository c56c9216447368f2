#include "engine/runtime/moving_noise.h"

#include <gtest/gtest.h>

using namespace shotgen;
using namespace shotgen::engine;

namespace {

torch::Tensor field(std::int64_t channels, std::int64_t height, std::int64_t width, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randn({channels, height, width});
}

TEST(MovingNoise, StaticMotionRepeatsTheField) {
  const torch::Tensor f = field(2, 8, 16, 1);
  const torch::Tensor moved = move_with_camera(f, 5, CameraMotion{});
  ASSERT_EQ(moved.sizes(), (std::vector<std::int64_t>{2, 5, 8, 16}));
  for (int t = 0; t < 5; ++t) EXPECT_TRUE(torch::equal(moved.select(1, t), f));
}

TEST(MovingNoise, PansAndTiltsTranslateByWholeCellsAndWrap) {
  const torch::Tensor f = field(3, 8, 16, 2);
  // Content moving right by 1 cell per frame: frame t is the field rolled t cells right.
  const torch::Tensor right = move_with_camera(f, 4, CameraMotion{1, 0, 1});
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(torch::equal(right.select(1, t), torch::roll(f, t, 2))) << t;
  const torch::Tensor up = move_with_camera(f, 4, CameraMotion{0, -2, 1});
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(torch::equal(up.select(1, t), torch::roll(f, -2 * t, 1))) << t;
  // Half a cell per frame moves by the rounded total: 0, 1 (0.5 rounds away from 0), 1, 2.
  // A later window continues the translation from its first frame's place in the clip.
  const torch::Tensor later = move_with_camera(f, 4, CameraMotion{1, 0, 1}, 6);
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(torch::equal(later.select(1, t), torch::roll(f, 6 + t, 2))) << t;
  const torch::Tensor half = move_with_camera(f, 4, CameraMotion{0.5, 0, 1});
  EXPECT_TRUE(torch::equal(half.select(1, 2), torch::roll(f, 1, 2)));
  EXPECT_TRUE(torch::equal(half.select(1, 3), torch::roll(f, 2, 2)));
}

TEST(MovingNoise, ZoomsOnlyMagnifyAndKeepTheFieldsValues) {
  const torch::Tensor f = field(1, 16, 32, 3);
  const torch::Tensor push = move_with_camera(f, 8, CameraMotion{0, 0, 1.05});
  EXPECT_TRUE(torch::equal(push.select(1, 0), f));  // growing content: the first frame is the field
  // A zoom starts again in every window (no translation to carry over).
  EXPECT_TRUE(torch::equal(move_with_camera(f, 8, CameraMotion{0, 0, 1.05}, 6), push));
  const torch::Tensor pull = move_with_camera(f, 8, CameraMotion{0, 0, 1 / 1.05});
  EXPECT_TRUE(torch::equal(pull.select(1, 7), f));  // shrinking content: the last frame is
  // Magnified frames repeat cells of the field (nearest neighbour), so every value is one of its
  // values, fewer distinct ones the more magnified, and the centre cell stays where it was.
  const torch::Tensor last = push.select(1, 7);
  EXPECT_TRUE(torch::isin(last.flatten(), f.flatten()).all().item<bool>());
  const auto distinct = [](const torch::Tensor& t) { return std::get<0>(torch::_unique(t.flatten())).numel(); };
  EXPECT_LT(distinct(last), distinct(push.select(1, 3)));
  EXPECT_LT(distinct(push.select(1, 3)), distinct(f));
  EXPECT_EQ(last[0][8][16].item<float>(), f[0][8][16].item<float>());
  // Content grows: a feature right of the centre moves further right from frame to frame.
  EXPECT_EQ(push[0][7][8][16 + 7].item<float>(), f[0][8][16 + 5].item<float>());  // 16 + 7.5 / 1.05^7
}

}  // namespace
