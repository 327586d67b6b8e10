// The composite stylized-facts distance used to choose GAN weights: known answers.
#include "fingen/eval/selection.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"

namespace fingen::eval {
namespace {

// GARCH(1,1) returns (omega 1e-6, alpha 0.1, beta 0.85): volatility clustering and fat tails.
Eigen::MatrixXd garch_history(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd r(static_cast<Eigen::Index>(n), 1);
  double h = 2e-5;
  for (std::size_t t = 0; t < n; ++t) {
    const double x = std::sqrt(h) * rng.normal();
    r(static_cast<Eigen::Index>(t), 0) = x;
    h = 1e-6 + 0.1 * x * x + 0.85 * h;
  }
  return r;
}

// The history cut into paths of `len` steps, exactly as summarize_history windows it.
Scenarios as_paths(const Eigen::MatrixXd& r, std::size_t len) {
  const std::size_t count = static_cast<std::size_t>(r.rows()) / len;
  Scenarios s(count, len, static_cast<std::size_t>(r.cols()));
  for (std::size_t p = 0; p < count; ++p)
    for (std::size_t t = 0; t < len; ++t)
      for (Eigen::Index a = 0; a < r.cols(); ++a)
        s.at(p, t, static_cast<std::size_t>(a)) = r(static_cast<Eigen::Index>(p * len + t), a);
  return s;
}

TEST(Selection, SameWindowsGiveZeroDistance) {
  const Eigen::MatrixXd r = garch_history(5000, 1);
  const StylizedSummary real = summarize_history(r, 250);
  EXPECT_EQ(real.assets[0].acf_abs.size(), 50u);
  EXPECT_EQ(real.assets[0].leverage.size(), 20u);
  EXPECT_NEAR(stylized_distance(real, summarize_paths(as_paths(r, 250))), 0.0, 1e-12);
}

TEST(Selection, ScaleAloneCostsItsLogRatio) {
  const Eigen::MatrixXd r = garch_history(5000, 2);
  const StylizedSummary real = summarize_history(r, 250);
  // Doubling every return leaves kurtosis, ACF and leverage as they are: the sd term is ln 2 and
  // the quantile term the mean quantile distance divided by the sd.
  const StylizedSummary doubled = summarize_paths(as_paths(2.0 * r, 250));
  double q = 0;
  for (double v : real.assets[0].quantiles) q += std::abs(v) / 4;
  EXPECT_NEAR(stylized_distance(real, doubled), std::log(2.0) + q / real.assets[0].sd, 1e-9);
}

TEST(Selection, ClusteringIsRewarded) {
  // Against a GARCH history, independent draws with the same marginal distribution (the history
  // shuffled) lose their volatility clustering and are farther than another GARCH sample.
  const Eigen::MatrixXd r = garch_history(20000, 3);
  const StylizedSummary real = summarize_history(r, 250);
  Eigen::MatrixXd shuffled = garch_history(20000, 4);
  Rng rng(5);
  for (Eigen::Index i = shuffled.rows() - 1; i > 0; --i)
    std::swap(shuffled(i, 0),
              shuffled(static_cast<Eigen::Index>(rng.uniform() * static_cast<double>(i + 1)), 0));
  const double d_garch =
      stylized_distance(real, summarize_paths(as_paths(garch_history(20000, 4), 250)));
  const double d_iid = stylized_distance(real, summarize_paths(as_paths(shuffled, 250)));
  EXPECT_LT(d_garch, d_iid);
  EXPECT_GT(d_iid - d_garch, 0.1);  // 2 x the mean ACF(|r|) gap of ~0.1 at lags 1..50
}

TEST(Selection, CorrelationCountsForSeveralAssets) {
  Rng rng(6);
  Eigen::MatrixXd r(4000, 2), u(4000, 2);
  for (Eigen::Index t = 0; t < 4000; ++t) {
    const double a = rng.normal(), b = rng.normal(), c = rng.normal();
    r(t, 0) = a;
    r(t, 1) = 0.8 * a + 0.6 * b;  // correlation 0.8
    u(t, 0) = a;
    u(t, 1) = c;  // uncorrelated
  }
  const StylizedSummary real = summarize_history(r, 200);
  const double same = stylized_distance(real, summarize_paths(as_paths(r, 200)));
  const double indep = stylized_distance(real, summarize_paths(as_paths(u, 200)));
  EXPECT_NEAR(same, 0.0, 1e-12);
  EXPECT_GT(indep, 0.7);  // |0.8 - corr(u)|, about 0.8
}

TEST(Selection, RefusesShortWindowsAndCollapsedPaths) {
  const Eigen::MatrixXd r = garch_history(500, 7);
  EXPECT_THROW(summarize_history(r, 30), Error);
  const StylizedSummary real = summarize_history(r, 100);
  Scenarios flat(5, 100, 1);  // all zero: sd 0
  SelectionOptions o;
  const StylizedSummary zero = summarize_paths(flat, o);
  EXPECT_TRUE(std::isinf(stylized_distance(real, zero)));
}

}  // namespace
}  // namespace fingen::eval
