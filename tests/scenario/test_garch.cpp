// GARCH(1,1): likelihood and maximum-likelihood fits against R's fGarch, parameter recovery on
// simulated data, save/load.
// Golden values: tests/data/golden/garch_fits.csv from tests/data/golden/make_garch_golden.R
// (R 4.2.2, fGarch 4022.89; percent log returns 100 * diff(log(price))).
#include "fingen/scenario/garch.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/rng.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"
#include "test_util.hpp"

namespace fingen::scenario {
namespace {

struct GoldenFit {
  std::string name, series, dist;
  std::size_t n;
  Garch11 model;
  double loglik;
};

std::vector<GoldenFit> golden() {
  const auto doc = data::CsvDocument::open(test::test_data("golden/garch_fits.csv"));
  std::vector<GoldenFit> out;
  data::CsvRow row;
  auto cursor = doc.rows();
  auto num = [&](std::size_t j) {
    double v = std::numeric_limits<double>::quiet_NaN();
    if (row.fields[j] != "NA") {
      EXPECT_TRUE(data::parse_double(row.fields[j], v)) << row.fields[j];
    }
    return v;
  };
  while (cursor.next(row)) {
    GoldenFit g;
    g.name = std::string(row.fields[0]);
    g.series = std::string(row.fields[1]);
    g.dist = std::string(row.fields[2]);
    g.n = static_cast<std::size_t>(num(3));
    g.model.innovation = g.dist == "std" ? Innovation::StudentT : Innovation::Normal;
    g.model.mu = num(4);
    g.model.omega = num(5);
    g.model.alpha = num(6);
    g.model.beta = num(7);
    g.model.shape = num(8);
    g.loglik = num(9);
    out.push_back(g);
  }
  return out;
}

std::vector<double> percent_returns(const std::string& series) {
  Panel p = series == "sp500" ? data::read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv"))
                              : data::read_panel(test::bundled("eu_stock_markets.csv"));
  const Eigen::VectorXd px = p.values.col(static_cast<Eigen::Index>(p.column(series == "sp500" ? "close" : "DAX")));
  std::vector<double> r;
  for (Eigen::Index i = 1; i < px.size(); ++i) r.push_back(100.0 * (std::log(px(i)) - std::log(px(i - 1))));
  return r;
}

TEST(GarchGolden, LikelihoodAtFixedParametersMatchesFGarch) {
  int checked = 0;
  for (const auto& g : golden()) {
    if (g.name.find("_at_fixed") == std::string::npos) continue;
    const std::vector<double> r = percent_returns(g.series);
    ASSERT_EQ(r.size(), g.n);
    EXPECT_NEAR(garch11_loglik(r.data(), r.size(), g.model) / g.loglik, 1.0, 1e-9) << g.name;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(GarchGolden, FittedParametersMatchFGarch) {
  int checked = 0;
  for (const auto& g : golden()) {
    if (g.name.find("_at_fixed") != std::string::npos) continue;
    const std::vector<double> r = percent_returns(g.series);
    const GarchFit fit = fit_garch11(r.data(), r.size(), g.model.innovation);
    EXPECT_TRUE(fit.converged) << g.name;
    EXPECT_NEAR(fit.model.mu, g.model.mu, 1e-3) << g.name;
    EXPECT_NEAR(fit.model.omega, g.model.omega, 1e-3) << g.name;
    EXPECT_NEAR(fit.model.alpha, g.model.alpha, 1e-3) << g.name;
    EXPECT_NEAR(fit.model.beta, g.model.beta, 1e-3) << g.name;
    if (g.model.innovation == Innovation::StudentT) {
      EXPECT_NEAR(fit.model.shape, g.model.shape, 1e-3) << g.name;
    }
    // The maximum itself: no worse than fGarch's, to within rounding.
    EXPECT_GE(fit.loglik, g.loglik - 1e-6) << g.name;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace fingen::scenario
