// TimeGAN's post-hoc discriminative and predictive scores on cases with known answers.
#include "fingen/ml/posthoc.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/rng.hpp"
#include "test_util.hpp"

namespace fingen::ml {
namespace {

// n windows of T steps of an AR(1) with coefficient phi (phi = 0: white noise), plus a shift.
WindowSet ar_windows(std::size_t n, std::size_t T, double phi, double shift, uint64_t seed) {
  Rng rng(seed);
  WindowSet w{n, T, 1, std::vector<double>(n * T)};
  for (std::size_t i = 0; i < n; ++i) {
    double x = rng.normal() / std::sqrt(1 - phi * phi);
    for (std::size_t t = 0; t < T; ++t) {
      x = phi * x + rng.normal();
      w.data[i * T + t] = x * std::sqrt(1 - phi * phi) + shift;  // unit variance
    }
  }
  return w;
}

const PosthocOptions kFast = PosthocOptions().iterations(300).batch_size(64).seed(2);

TEST(Posthoc, SameDistributionIsIndistinguishable) {
  // 250 test windows per class: accuracy 0.5 +- 0.032 for a classifier that cannot tell them apart.
  const PosthocScores s = ml::posthoc_scores(ar_windows(1250, 24, 0.5, 0.0, 1),
                                             ar_windows(1250, 24, 0.5, 0.0, 2), kFast);
  EXPECT_LT(s.discriminative, 0.12);
}

TEST(Posthoc, ObviousDifferencesAreCaught) {
  const PosthocScores s =
      ml::posthoc_scores(ar_windows(500, 24, 0.5, 0.0, 1), ar_windows(500, 24, 0.5, 2.0, 2), kFast);
  EXPECT_GT(s.accuracy, 0.9);
  EXPECT_NEAR(s.discriminative, s.accuracy - 0.5, 1e-12);
}

TEST(Posthoc, TrainingOnTheRightDynamicsPredictsBetter) {
  const WindowSet real = ar_windows(600, 24, 0.9, 0.0, 1);
  const PosthocScores good = ml::posthoc_scores(real, ar_windows(600, 24, 0.9, 0.0, 3), kFast);
  const PosthocScores bad = ml::posthoc_scores(real, ar_windows(600, 24, 0.0, 0.0, 3), kFast);
  EXPECT_LT(good.predictive_tstr, bad.predictive_tstr);
  EXPECT_NEAR(good.predictive_trtr, bad.predictive_trtr, 1e-12);  // same real data, same seed
  test::expect_error([&] { ml::posthoc_scores(real, ar_windows(600, 12, 0.9, 0.0, 3), kFast); },
                     ErrorCategory::Usage, {"same shape"});
}

}  // namespace
}  // namespace fingen::ml
