// Neural detectors (src/ml/detectors.cpp): what must hold for any seed and CPU.
#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/eval/classification.hpp"

namespace {
namespace cr = fingen::credit;

/// 600 normal rows on a 2-dimensional plane inside 6 dimensions, and 20 positives off it.
void planted(Eigen::MatrixXd& x, std::vector<int>& y) {
  fingen::Rng rng(4);
  x.resize(620, 6);
  y.assign(620, 0);
  for (Eigen::Index i = 0; i < 620; ++i) {
    const double a = rng.normal(), b = rng.normal();
    for (Eigen::Index j = 0; j < 6; ++j)
      x(i, j) = (j % 2 ? a : b) * (1 + 0.1 * j) + 0.05 * rng.normal();
    if (i >= 600) {
      y[static_cast<std::size_t>(i)] = 1;
      for (Eigen::Index j = 0; j < 6; ++j) x(i, j) += (j < 3 ? 2.5 : -2.5);
    }
  }
}

TEST(NeuralDetectors, AutoencoderFlagsRowsOffTheNormalManifoldAndMlpSeparatesClasses) {
  Eigen::MatrixXd x;
  std::vector<int> y;
  planted(x, y);
  for (const char* kind : {"autoencoder", "mlp"}) {
    SCOPED_TRACE(kind);
    auto a = cr::make_detector(kind, {{"steps", 400}}, 3);
    auto b = cr::make_detector(kind, {{"steps", 400}}, 3);
    EXPECT_EQ(a->supervised(), std::string(kind) == "mlp");
    a->fit(x, y);
    b->fit(x, y);
    const Eigen::VectorXd s = a->score(x);
    EXPECT_EQ(s, b->score(x));  // same seed, same scores
    const std::vector<double> sv(s.data(), s.data() + s.size());
    EXPECT_GT(fingen::eval::auroc(sv, y), 0.95);
    if (a->supervised()) {
      EXPECT_GE(s.minCoeff(), 0.0);
      EXPECT_LE(s.maxCoeff(), 1.0);
    }
  }
  EXPECT_THROW(cr::make_detector("mlp", {{"hidden", 0}}, 1), fingen::Error);
  EXPECT_THROW(cr::make_detector("autoencoder", {{"cod", 4}}, 1), fingen::Error);
}

}  // namespace
