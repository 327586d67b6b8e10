// The tabular GAN (src/ml/tabular_gan.cpp): the oversampler "gan" and the detector "gan". What
// must hold for any seed and CPU: valid categorical levels, rows of the asked class, the same
// rows for the same seed, normal rows scored below planted anomalies.
#include <gtest/gtest.h>

#include <cmath>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/credit/evaluate.hpp"
#include "fingen/eval/classification.hpp"
#include "test_util.hpp"

namespace {
namespace cr = fingen::credit;

/// Columns: two numeric (class 1 centred at +2 / +1, class 0 at -1 / 0), then a categorical
/// variable of levels a (reference), b, c as two one-hot columns standardised as a fold would be:
/// class 0 mostly a, class 1 mostly c. groups = {-1, -1, 0, 0}.
void table(Eigen::MatrixXd& x, std::vector<int>& y, std::vector<int>& groups) {
  fingen::Rng rng(11);
  const Eigen::Index n = 600;
  x.resize(n, 4);
  y.assign(static_cast<std::size_t>(n), 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    const bool pos = i % 4 == 0;  // 25% positives
    y[static_cast<std::size_t>(i)] = pos;
    x(i, 0) = (pos ? 2.0 : -1.0) + 0.5 * rng.normal();
    x(i, 1) = (pos ? 1.0 : 0.0) + 0.3 * rng.normal();
    const double u = rng.uniform();
    const int level = pos ? (u < 0.8 ? 2 : (u < 0.9 ? 1 : 0)) : (u < 0.8 ? 0 : (u < 0.9 ? 1 : 2));
    x(i, 2) = level == 1 ? 1.7 : -0.4;  // two values per one-hot column, as after scaling
    x(i, 3) = level == 2 ? 2.1 : -0.3;
  }
  groups = {-1, -1, 0, 0};
}

TEST(TabularGan, OversamplerMakesValidRowsOfThePositiveClass) {
  Eigen::MatrixXd x;
  std::vector<int> y, groups;
  table(x, y, groups);
  const auto gan = cr::make_oversampler("gan", {{"steps", 300}}, groups);
  const Eigen::MatrixXd a = gan(x, y, 400, 5), b = gan(x, y, 400, 5);
  ASSERT_EQ(a.rows(), 400);
  ASSERT_EQ(a.cols(), 4);
  EXPECT_EQ(a, b);  // same seed, same rows
  EXPECT_TRUE(a.allFinite());
  double level_c = 0, mean0 = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    // Each one-hot column holds one of its two real values, and at most one is on.
    EXPECT_TRUE(a(i, 2) == 1.7 || a(i, 2) == -0.4) << a(i, 2);
    EXPECT_TRUE(a(i, 3) == 2.1 || a(i, 3) == -0.3) << a(i, 3);
    EXPECT_FALSE(a(i, 2) == 1.7 && a(i, 3) == 2.1);
    level_c += a(i, 3) == 2.1;
    mean0 += a(i, 0);
  }
  level_c /= 400;
  mean0 /= 400;
  // Positives: 80% level c and column 0 centred at +2 (negatives: 10% and -1).
  EXPECT_GT(level_c, 0.5);
  EXPECT_GT(mean0, 0.5);
  EXPECT_THROW(cr::make_oversampler("gan", {{"loss", "hinge"}}, groups), fingen::Error);
  EXPECT_THROW(cr::make_oversampler("gan", {{"stepz", 3}}, groups), fingen::Error);
  EXPECT_THROW(gan(x, std::vector<int>(600, 0), 10, 1), fingen::Error);  // no positives
}

TEST(TabularGan, DiscriminatorScoresRowsOffTheNormalDataHigher) {
  // 600 normal rows on a plane in 6 dimensions; 20 rows off it.
  fingen::Rng rng(4);
  Eigen::MatrixXd x(620, 6);
  std::vector<int> y(620, 0);
  for (Eigen::Index i = 0; i < 620; ++i) {
    const double a = rng.normal(), b = rng.normal();
    for (Eigen::Index j = 0; j < 6; ++j)
      x(i, j) = (j % 2 ? a : b) * (1 + 0.1 * j) + 0.05 * rng.normal();
    if (i >= 600) {
      y[static_cast<std::size_t>(i)] = 1;
      for (Eigen::Index j = 0; j < 6; ++j) x(i, j) += (j < 3 ? 2.5 : -2.5);
    }
  }
  for (const char* loss : {"ns", "wgan-gp"}) {
    SCOPED_TRACE(loss);
    auto d = cr::make_detector("gan", {{"steps", 400}, {"loss", loss}}, 3);
    EXPECT_FALSE(d->supervised());
    d->fit(x, y);
    const Eigen::VectorXd s = d->score(x);
    const std::vector<double> sv(s.data(), s.data() + s.size());
    EXPECT_GT(fingen::eval::auroc(sv, y), 0.8);
    // Saved and loaded, the critic scores the same rows the same.
    fingen::test::TempDir dir;
    fingen::scenario::ModelFile m("credit-detector", {"a", "b", "c", "d", "e", "f"});
    d->save(m, dir.path().string());
    m.write(dir.path().string());
    auto back = cr::make_detector("gan", {{"steps", 400}, {"loss", loss}}, 3);
    back->load(fingen::scenario::ModelFile::read(dir.path().string(), "credit-detector"));
    EXPECT_EQ(back->score(x), s);
  }
}

}  // namespace

namespace {
// Cross-validation runs its folds in parallel; each fold's models run on one thread, seeded by the
// fold, so one thread and two give identical scores, neural detectors and the GAN oversampler
// included (their initial weights are drawn from LibTorch's global generator under a lock).
TEST(TabularGan, CrossValidationGivesTheSameResultsOnAnyNumberOfThreads) {
  Eigen::MatrixXd x;
  std::vector<int> y, groups;
  table(x, y, groups);
  const std::vector<cr::DetectorSpec> specs = {{"mlp", "mlp", {{"steps", 60}}},
                                               {"autoencoder", "autoencoder", {{"steps", 60}}},
                                               {"gan", "gan", {{"steps", 30}}},
                                               {"logistic", "logistic", nlohmann::json::object()}};
  const std::vector<std::pair<std::string, cr::Oversampler>> samplers = {
      {"gan", cr::make_oversampler("gan", {{"steps", 30}}, groups)}};
  auto run = [&](int threads) {
    return cr::cross_validate(
        x, y, specs,
        cr::CvOptions().folds(3).repeats(2).oversample_to(0.4).groups(groups).threads(threads),
        samplers, nullptr);
  };
  const auto one = run(1), two = run(2);
  ASSERT_EQ(one.size(), 6u);  // 4 specs, the 2 supervised ones again with the oversampler
  ASSERT_EQ(two.size(), one.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].name + one[i].oversampling, two[i].name + two[i].oversampling);
    EXPECT_EQ(one[i].auroc, two[i].auroc) << one[i].name << " " << one[i].oversampling;
    EXPECT_EQ(one[i].auprc, two[i].auprc) << one[i].name;
    for (std::size_t r = 0; r < one[i].oof.size(); ++r)
      ASSERT_EQ(one[i].oof[r], two[i].oof[r]) << one[i].name << " row " << r;
  }
  EXPECT_GT(one[3].auroc_ci.mean, 0.9);  // logistic separates the planted classes
}
}  // namespace
