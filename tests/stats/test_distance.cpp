#include "fingen/stats/distance.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/rng.hpp"
#include "test_util.hpp"

namespace fingen::stats {
namespace {

TEST(Distance, Wasserstein1KnownAnswers) {
  EXPECT_DOUBLE_EQ(wasserstein1({0.0}, {1.0}), 1.0);
  EXPECT_DOUBLE_EQ(wasserstein1({0, 1, 2}, {0, 1, 2}), 0.0);
  // Equal sizes: mean |x_(i) - y_(i)| over the sorted samples {0,1,5} and {1,2,3} = (1 + 1 + 2)
  // / 3.
  EXPECT_NEAR(wasserstein1({5, 0, 1}, {3, 1, 2}), 4.0 / 3.0, 1e-15);
  // Unequal sizes: F = step at 0 (weight 1), G = half at 0, half at 2: W1 = 0.5 * 2 = 1.
  EXPECT_NEAR(wasserstein1({0}, {0, 2}), 1.0, 1e-15);
  // A shift by c moves W1 by exactly c.
  Rng rng(1);
  std::vector<double> x(1000), y(1000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = rng.normal();
    y[i] = x[i] + 0.3;
  }
  EXPECT_NEAR(wasserstein1(x, y), 0.3, 1e-12);
  EXPECT_NEAR(wasserstein1(y, x), 0.3, 1e-12);
  EXPECT_THROW(wasserstein1({}, {1.0}), Error);
}

TEST(Distance, KolmogorovSmirnovKnownAnswers) {
  EXPECT_DOUBLE_EQ(ks_statistic({0, 1}, {2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(ks_statistic({0, 1, 2, 3}, {0, 1, 2, 3}), 0.0);
  // R: ks.test(c(1,2,3,4), c(3,4,5,6))$statistic = 0.5
  EXPECT_DOUBLE_EQ(ks_statistic({1, 2, 3, 4}, {3, 4, 5, 6}), 0.5);
}

}  // namespace
}  // namespace fingen::stats
