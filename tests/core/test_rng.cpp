#include "fingen/core/rng.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "fingen/stats/descriptive.hpp"

namespace fingen {
namespace {

TEST(Rng, SameSeedSameNumbers) {
  Rng a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    (void)c;
  }
  EXPECT_NE(Rng(7).uniform(), Rng(8).uniform());
  EXPECT_EQ(Rng::stream(1, 5).uniform(), Rng::stream(1, 5).uniform());
  EXPECT_NE(Rng::stream(1, 5).uniform(), Rng::stream(1, 6).uniform());
  EXPECT_NE(Rng::stream(1, 5).uniform(), Rng::stream(2, 5).uniform());
}

TEST(Rng, MtEngineIsTheStandardOne) {
  // C++ [rand.predef]: the 10000th output of a default-constructed mt19937_64 is
  // 9981545732273789042.
  std::mt19937_64 ref;
  ref.discard(9999);
  EXPECT_EQ(ref(), 9981545732273789042ULL);
}

// Moments of n draws, checked to 5 standard errors (a fixed seed makes the test deterministic; the
// bound is what the sample size supports, not a tuned number).
void check_moments(std::vector<double> x, double mean, double var) {
  const double n = static_cast<double>(x.size());
  const stats::Moments m = stats::moments(x);
  EXPECT_NEAR(m.mean, mean, 5.0 * std::sqrt(var / n));
  EXPECT_NEAR(m.sd * m.sd / var, 1.0, 5.0 * std::sqrt(2.0 / n) * 3.0);  // generous for heavy tails
}

TEST(Rng, DistributionsHaveTheirMoments) {
  Rng rng(2024);
  const std::size_t n = 200000;
  std::vector<double> u(n), z(n), g(n), t(n);
  for (std::size_t i = 0; i < n; ++i) {
    u[i] = rng.uniform();
    z[i] = rng.normal();
    g[i] = rng.gamma(2.5);
    t[i] = rng.standardized_t(8.0);
  }
  check_moments(u, 0.5, 1.0 / 12.0);
  check_moments(z, 0.0, 1.0);
  check_moments(g, 2.5, 2.5);
  check_moments(t, 0.0, 1.0);
  // Normal tails: P(|Z| > 1.96) = 0.05 within 5 standard errors.
  std::size_t beyond = 0;
  for (double v : z) beyond += std::abs(v) > 1.959963984540054;
  EXPECT_NEAR(static_cast<double>(beyond) / n, 0.05, 5.0 * std::sqrt(0.05 * 0.95 / n));
  // Gamma with shape < 1 goes through the boost step.
  std::vector<double> small(n);
  for (auto& v : small) v = rng.gamma(0.5);
  check_moments(small, 0.5, 0.5);
  for (std::size_t i = 0; i < 1000; ++i) EXPECT_LT(rng.below(7), 7u);
}

}  // namespace
}  // namespace fingen
