// The fast noise's generator (src/core/fast_normal.hpp): its vector path gives each lane's
// sequential stream, and the deviates are standard normal.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/fast_normal.hpp"

namespace spikernn {
namespace {

TEST(FastNormal, FillGivesEachLanesSequentialStream) {
  // 40,003 deviates: about 600 of them through the rejection path, and a remainder of 3.
  const int64_t n = 40003;
  FastNormal vectorised(7), lane_by_lane(7);
  std::vector<double> filled(n);
  vectorised.fill(filled.data(), n, 0.5);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(filled[i], lane_by_lane.normal(static_cast<int>(i % FastNormal::kLanes)) * 0.5)
        << "deviate " << i;
  // Both streams are at the same place afterwards.
  EXPECT_EQ(vectorised.uniform(), lane_by_lane.uniform());
  std::vector<float> single(5);
  vectorised.fill(single.data(), 5, 1.0);
  for (int64_t i = 0; i < 5; ++i)
    EXPECT_EQ(single[i], static_cast<float>(lane_by_lane.normal(static_cast<int>(i % 4))));
}

TEST(FastNormal, DeviatesAreStandardNormal) {
  const int64_t n = 1 << 22;
  std::vector<double> x(n);
  FastNormal(1).fill(x.data(), n, 1.0);
  double sum = 0, squares = 0, fourth = 0;
  int64_t beyond_2 = 0, beyond_r = 0;
  for (double v : x) {
    sum += v;
    squares += v * v;
    fourth += v * v * v * v;
    beyond_2 += std::abs(v) > 2;
    beyond_r += std::abs(v) > 3.6541528853610088;  // the ziggurat's tail
  }
  const double count = static_cast<double>(n), se = 1 / std::sqrt(count);
  EXPECT_NEAR(sum / count, 0, 5 * se);
  EXPECT_NEAR(squares / count, 1, 5 * std::sqrt(2.0) * se);
  EXPECT_NEAR(fourth / count, 3, 5 * std::sqrt(96.0) * se);
  // P(|x| > 2) = 0.0455, P(|x| > r) = 2.58e-4, within five binomial standard deviations.
  EXPECT_NEAR(beyond_2 / count, 0.0455003, 5 * std::sqrt(0.0455 * 0.9545 / count));
  EXPECT_NEAR(beyond_r / count, 2.5802e-4, 5 * std::sqrt(2.58e-4 / count));
}

TEST(FastNormal, LanesAndSeedsGiveDifferentStreams) {
  std::vector<double> a(8), b(8);
  FastNormal(1).fill(a.data(), 8, 1.0);
  FastNormal(2).fill(b.data(), 8, 1.0);
  EXPECT_NE(a, b);
  for (int l = 1; l < FastNormal::kLanes; ++l) EXPECT_NE(a[0], a[l]);
}

}  // namespace
}  // namespace spikernn
