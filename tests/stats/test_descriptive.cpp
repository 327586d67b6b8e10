#include "fingen/stats/descriptive.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::stats {
namespace {

// Hand-computed: x = {1,2,3,4,10}, mean 4, deviations -3,-2,-1,0,6,
// m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8.
const std::vector<double> kX = {1, 2, 3, 4, 10};

TEST(Descriptive, MomentsByHand) {
  const Moments m = moments(kX);
  EXPECT_EQ(m.n, 5u);
  EXPECT_DOUBLE_EQ(m.mean, 4.0);
  EXPECT_DOUBLE_EQ(m.sd, std::sqrt(12.5));
  EXPECT_NEAR(m.skewness, 36.0 / std::pow(10.0, 1.5), 1e-15);
  EXPECT_NEAR(m.excess_kurtosis, 2.788 - 3.0, 1e-15);
  EXPECT_EQ(m.min, 1.0);
  EXPECT_EQ(m.max, 10.0);
  EXPECT_DOUBLE_EQ(variance(kX.data(), kX.size()), 12.5);
}

TEST(Descriptive, ConstantSampleHasNoShape) {
  const std::vector<double> c(10, 0.5);
  const Moments m = moments(c);
  EXPECT_EQ(m.sd, 0.0);
  EXPECT_EQ(m.skewness, 0.0);
  EXPECT_EQ(m.excess_kurtosis, 0.0);
  EXPECT_EQ(acf(c.data(), c.size(), 2)[1], 0.0);
}

TEST(Descriptive, QuantileType7) {
  // R: quantile(c(1,2,3,4,10), c(0, .25, .5, .9, 1)) = 1 2 3 7.6 10
  EXPECT_DOUBLE_EQ(quantile(kX, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile(kX, 0.25), 2.0);
  EXPECT_DOUBLE_EQ(quantile({10, 4, 3, 2, 1}, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile(kX, 0.9), 7.6);
  EXPECT_DOUBLE_EQ(quantile(kX, 1.0), 10.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_THROW(quantile(kX, 1.5), Error);
}

TEST(Descriptive, AcfByHand) {
  const auto r = acf(kX.data(), kX.size(), 2);
  EXPECT_DOUBLE_EQ(r[0], 1.0);
  EXPECT_NEAR(r[1], 8.0 / 50.0, 1e-15);   // (-3)(-2) + (-2)(-1) + (-1)(0) + (0)(6) = 8
  EXPECT_NEAR(r[2], -3.0 / 50.0, 1e-15);  // (-3)(-1) + (-2)(0) + (-1)(6) = -3
}

TEST(Descriptive, JarqueBeraAndLjungBoxByHand) {
  const TestResult jb = jarque_bera(kX.data(), kX.size());
  EXPECT_NEAR(jb.statistic, 5.0 / 6.0 * (1.296 + 0.212 * 0.212 / 4.0), 1e-12);
  EXPECT_EQ(jb.df, 2.0);
  EXPECT_NEAR(jb.p_value, std::exp(-jb.statistic / 2.0), 1e-15);  // chi^2(2) tail is exp(-x/2)
  const TestResult lb = ljung_box(kX.data(), kX.size(), 2);
  EXPECT_NEAR(lb.statistic, 35.0 * (0.0256 / 4.0 + 0.0036 / 3.0), 1e-14);
  EXPECT_EQ(lb.df, 2.0);
  EXPECT_EQ(ljung_box(kX.data(), kX.size(), 2, 1).df, 1.0);
}

TEST(Descriptive, ChiSquaredTailIsAccurateFarOut) {
  // df = 2: P(X > x) = exp(-x/2) exactly; R's 1 - pchisq() would round this to 0.
  EXPECT_NEAR(chi_squared_sf(100.0, 2.0) / std::exp(-50.0), 1.0, 1e-12);
  EXPECT_NEAR(chi_squared_sf(3.841458820694124, 1.0), 0.05, 1e-14);  // qchisq(0.95, 1)
  EXPECT_EQ(chi_squared_sf(0.0, 3.0), 1.0);
  EXPECT_EQ(chi_squared_sf(std::numeric_limits<double>::infinity(), 3.0), 0.0);
}

TEST(Descriptive, RejectsBadInput) {
  const std::vector<double> with_nan = {1.0, std::numeric_limits<double>::quiet_NaN(), 2.0};
  test::expect_error([&] { moments(with_nan); }, ErrorCategory::Numeric, {"position 1"});
  test::expect_error([] { mean(nullptr, 0); }, ErrorCategory::Usage, {"at least 1"});
  test::expect_error([] { moments(std::vector<double>{1.0}); }, ErrorCategory::Usage,
                     {"at least 2"});
  test::expect_error([&] { acf(kX.data(), kX.size(), 5); }, ErrorCategory::Usage, {"lag 5"});
}

TEST(Descriptive, MeanIsAccurateForLongSeries) {
  // 10^6 values of 0.1 plus alternating +-1e-3: exact mean 0.1.
  std::vector<double> x(1000000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.1 + (i % 2 ? 1e-3 : -1e-3);
  EXPECT_NEAR(mean(x.data(), x.size()), 0.1, 1e-15);
}

}  // namespace
}  // namespace fingen::stats
