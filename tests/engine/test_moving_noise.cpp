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

// Pearson correlation of two tensors' values.
double correlation(const torch::Tensor& x, const torch::Tensor& y) {
  const torch::Tensor a = x - x.mean(), b = y - y.mean();
  return ((a * b).mean() / (a.std(false) * b.std(false))).item<double>();
}

TEST(MovingNoise, SubCellsSumToUnitCellsAndPanByWholeCellsExactly) {
  const torch::Tensor fine = field(2, 8 * 4, 16 * 4, 4);
  // A still frame: each cell is its 4×4 sub-cells summed and divided by 4 (unit noise again).
  const torch::Tensor still = move_with_camera(fine, 3, CameraMotion{}, 0, 4);
  ASSERT_EQ(still.sizes(), (std::vector<std::int64_t>{2, 3, 8, 16}));
  const torch::Tensor blocks = fine.reshape({2, 8, 4, 16, 4}).sum({2, 4}) / 4;
  EXPECT_TRUE(torch::allclose(still.select(1, 0), blocks, 1e-5, 1e-5));
  for (int t = 1; t < 3; ++t) EXPECT_TRUE(torch::equal(still.select(1, t), still.select(1, 0)));
  // A whole cell a frame moves the frame by whole cells, as with k = 1.
  const torch::Tensor right = move_with_camera(fine, 4, CameraMotion{1, 0, 1}, 0, 4);
  for (int t = 0; t < 4; ++t)
    EXPECT_TRUE(torch::allclose(right.select(1, t), torch::roll(right.select(1, 0), t, 2), 1e-5, 1e-5)) << t;
}

TEST(MovingNoise, SubCellsMoveTheNoiseByFractionsOfACell) {
  const torch::Tensor fine = field(4, 32 * 4, 64 * 4, 5);
  // A quarter cell a frame: frame 1 shares 3 of each cell's 4 sub-columns with frame 0 (correlation
  // 3/4), frame 4 is frame 0 one whole cell on. Whole cells would move nothing until frame 2.
  const torch::Tensor slow = move_with_camera(fine, 5, CameraMotion{0.25, 0, 1}, 0, 4);
  EXPECT_NEAR(correlation(slow.select(1, 1), slow.select(1, 0)), 0.75, 0.03);
  EXPECT_NEAR(correlation(slow.select(1, 2), slow.select(1, 0)), 0.5, 0.03);
  EXPECT_TRUE(torch::allclose(slow.select(1, 4), torch::roll(slow.select(1, 0), 1, 2), 1e-5, 1e-5));
}

TEST(MovingNoise, SubCellZoomsKeepCellsUnitAndIndependent) {
  const CameraMotion push{0, 0, 1.05};
  const torch::Tensor fine = field(4, 32 * 4, 64 * 4, 6);
  const torch::Tensor zoomed = move_with_camera(fine, 8, push, 0, 4);
  const torch::Tensor coarse = move_with_camera(fine.reshape({4, 32, 4, 64, 4}).sum({2, 4}) / 4, 8, push);
  for (int t = 0; t < 8; ++t) {
    const torch::Tensor frame = zoomed.select(1, t);
    EXPECT_NEAR(frame.std().item<double>(), 1.0, 0.05) << t;
    // Neighbouring cells draw on disjoint sub-cells: nearly independent even 1.4× magnified, where
    // whole cells repeat (nearest neighbour) and neighbours are often the same value.
    EXPECT_LT(std::abs(correlation(frame.narrow(2, 0, 63), frame.narrow(2, 1, 63))), 0.1) << t;
  }
  const torch::Tensor last_coarse = coarse.select(1, 7);
  EXPECT_GT(correlation(last_coarse.narrow(2, 0, 63), last_coarse.narrow(2, 1, 63)), 0.2);
  // The noise follows the content: each frame resembles the frame before magnified 1.05× about the
  // centre (resampled here with whole cells, half a cell off on average) far more than that frame
  // in place, which the zoom has moved by over a cell at the edges.
  for (int t = 1; t < 8; ++t) {
    const torch::Tensor before = zoomed.select(1, t - 1), frame = zoomed.select(1, t);
    const torch::Tensor followed = move_with_camera(before, 2, push).select(1, 1);
    EXPECT_GT(correlation(frame, followed), 0.4) << t;
    EXPECT_LT(correlation(frame, before), 0.3) << t;
  }
}

}  // namespace
