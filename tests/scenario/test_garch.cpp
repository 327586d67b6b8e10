// GARCH(1,1): likelihood and maximum-likelihood fits against R's fGarch, parameter recovery on
// simulated data, save/load.
// Golden values: tests/data/golden/garch_fits.csv from tests/data/golden/make_garch_golden.R
// (R 4.2.2, fGarch 4022.89; percent log returns 100 * diff(log(price))).
#include "fingen/scenario/garch.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include <gtest/gtest.h>

#include "fingen/core/rng.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"
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
  const Eigen::VectorXd px =
      p.values.col(static_cast<Eigen::Index>(p.column(series == "sp500" ? "close" : "DAX")));
  std::vector<double> r;
  for (Eigen::Index i = 1; i < px.size(); ++i)
    r.push_back(100.0 * (std::log(px(i)) - std::log(px(i - 1))));
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

// Simulated GARCH(1,1)-t data with known parameters (percent-return scale). The tolerances are five
// times the approximate asymptotic standard errors at n = 20,000 (about 0.012 for mu, 0.006 for
// alpha, 0.01 for beta, 0.35 for nu, 0.01 for omega).
TEST(Garch, RecoversKnownParameters) {
  const Garch11 truth{Innovation::StudentT, 0.02, 0.05, 0.08, 0.9, 6.0};
  const std::size_t n = 20000;
  Rng rng(31);
  std::vector<double> x(n);
  double h = truth.unconditional_variance();
  for (std::size_t t = 0; t < n; ++t) {
    const double e = std::sqrt(h) * rng.standardized_t(truth.shape);
    x[t] = truth.mu + e;
    h = truth.omega + truth.alpha * e * e + truth.beta * h;
  }
  const GarchFit fit = fit_garch11(x.data(), n, Innovation::StudentT);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.model.mu, truth.mu, 0.06);
  EXPECT_NEAR(fit.model.omega, truth.omega, 0.05);
  EXPECT_NEAR(fit.model.alpha, truth.alpha, 0.03);
  EXPECT_NEAR(fit.model.beta, truth.beta, 0.05);
  EXPECT_NEAR(fit.model.shape, truth.shape, 1.75);
  EXPECT_GE(fit.loglik, garch11_loglik(x.data(), n, truth));  // the MLE beats the truth in sample
}

Panel sp500_returns() {
  const Panel px = data::read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv"));
  Panel r;
  r.values_kind = ValueKind::Returns;
  r.names = {"close"};
  const Eigen::VectorXd c = px.values.col(3);
  r.values.resize(c.size() - 1, 1);
  for (Eigen::Index i = 1; i < c.size(); ++i) {
    r.index.push_back(px.index[static_cast<std::size_t>(i)]);
    r.values(i - 1, 0) = std::log(c(i)) - std::log(c(i - 1));
  }
  return r;
}

TEST(GarchGenerator, PathsClusterAndStartFromTheContext) {
  const Panel r = sp500_returns();
  GarchGenerator g(Innovation::StudentT);
  g.fit(r);
  ASSERT_EQ(g.models().size(), 1u);
  EXPECT_GT(g.next_variance()(0), 0.0);
  // Volatility clustering: squared returns of one long path are autocorrelated.
  const Scenarios long_path = g.generate(1, 20000, 4);
  std::vector<double> sq(long_path.data.size());
  for (std::size_t i = 0; i < sq.size(); ++i) sq[i] = long_path.data[i] * long_path.data[i];
  EXPECT_GT(stats::acf(sq.data(), sq.size(), 1)[1], 0.05);
  // Conditioning: after the 2008 crash the first step is far more volatile than after calm 2017.
  auto rows_between = [&](const char* from, const char* to) {
    const auto a =
        std::lower_bound(r.index.begin(), r.index.end(), *parse_date(from)) - r.index.begin();
    const auto b =
        std::lower_bound(r.index.begin(), r.index.end(), *parse_date(to)) - r.index.begin();
    return Eigen::MatrixXd(r.values.middleRows(a, b - a));
  };
  const Scenarios crisis = g.generate_from(rows_between("2008-09-01", "2008-11-01"), 4000, 1, 8);
  const Scenarios calm = g.generate_from(rows_between("2017-01-01", "2017-12-01"), 4000, 1, 8);
  const double sd_crisis = stats::moments(crisis.data).sd, sd_calm = stats::moments(calm.data).sd;
  EXPECT_GT(sd_crisis, 4.0 * sd_calm);
  test::expect_error([&] { g.generate_from(Eigen::MatrixXd::Zero(10, 2), 1, 1, 1); },
                     ErrorCategory::Usage, {"2 series"});
}

TEST(GarchGenerator, SeveralAssetsKeepTheirCorrelation) {
  const Panel px = data::read_panel(test::bundled("eu_stock_markets.csv"));
  Panel r;
  r.values_kind = ValueKind::Returns;
  r.names = px.names;
  r.values = (px.values.bottomRows(px.values.rows() - 1).array().log() -
              px.values.topRows(px.values.rows() - 1).array().log())
                 .matrix();
  r.index.assign(px.index.begin() + 1, px.index.end());
  GarchGenerator g(Innovation::StudentT);
  g.fit(r);
  EXPECT_EQ(g.correlation().rows(), 4);
  EXPECT_GT(g.correlation()(0, 1), 0.5);  // DAX and SMI move together
  const Scenarios s = g.generate(2000, 20, 2);
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 4, Eigen::RowMajor>> flat(s.data.data(),
                                                                                   40000, 4);
  const Eigen::MatrixXd c = flat.rowwise() - flat.colwise().mean();
  const double corr =
      c.col(0).dot(c.col(1)) / std::sqrt(c.col(0).squaredNorm() * c.col(1).squaredNorm());
  EXPECT_NEAR(corr, g.correlation()(0, 1), 0.05);
}

// A hand-written two-asset model.json with every parameter valid; the test breaks one at a time.
nlohmann::json valid_garch_params() {
  return {{"innovation", "normal"},
          {"assets",
           {{{"mu", 0.0005}, {"omega", 2e-6}, {"alpha", 0.08}, {"beta", 0.9}},
            {{"mu", 0.0003}, {"omega", 3e-6}, {"alpha", 0.1}, {"beta", 0.85}}}},
          {"correlation", {{1.0, 0.5}, {0.5, 1.0}}},
          {"next_variance", {1e-4, 2e-4}}};
}

TEST(GarchGenerator, LoadRefusesImpossibleParameters) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  auto load_with = [&](const std::function<void(nlohmann::json&)>& edit) {
    ModelFile m("garch", {"a", "b"});
    m.params() = valid_garch_params();
    edit(m.params());
    m.write(d);
    return GarchGenerator::load(d);
  };
  EXPECT_EQ(load_with([](nlohmann::json&) {})->generate(5, 5, 1).data.size(), 50u);
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
      {[](nlohmann::json& p) { p["next_variance"][0] = 1e308; }, "\"next_variance\"[0] = 1e+308"},
      {[](nlohmann::json& p) { p["next_variance"][1] = 0.0; }, "\"next_variance\"[1]"},
      {[](nlohmann::json& p) {
         p["assets"][0]["alpha"] = 0.5;
         p["assets"][0]["beta"] = 1.0;
       },
       "asset 1: alpha + beta = 1.5 is not below 1"},
      {[](nlohmann::json& p) { p["assets"][1]["alpha"] = 0.5; }, "asset 2: alpha + beta"},
      {[](nlohmann::json& p) { p["assets"][0]["omega"] = 0.0; }, "0 < omega"},
      {[](nlohmann::json& p) { p["assets"][1]["omega"] = -1e-6; }, "asset 2"},
      {[](nlohmann::json& p) { p["assets"][0]["omega"] = 1e300; }, "0 < omega"},
      {[](nlohmann::json& p) { p["assets"][0]["mu"] = 1e300; }, "|mu|"},
      {[](nlohmann::json& p) {
         p["correlation"] = {{1.0, 1.5}, {1.5, 1.0}};
       },
       "outside [-1, 1]"},
      {[](nlohmann::json& p) {
         p["correlation"] = {{1.0, 0.3}, {0.5, 1.0}};
       },
       "not symmetric"},
      {[](nlohmann::json& p) {
         p["correlation"] = {{2.0, 0.0}, {0.0, 1.0}};
       },
       "outside [-1, 1]"},
      {[](nlohmann::json& p) {
         p["correlation"] = {{0.5, 0.0}, {0.0, 1.0}};
       },
       "diagonal"},
      {[](nlohmann::json& p) {
         p["correlation"] = {{1.0, 1.0}, {1.0, 1.0}};
       },
       "not positive definite"},
  };
  for (const auto& [edit, needle] : cases)
    test::expect_error([&] { load_with(edit); }, ErrorCategory::Input, {"model.json", needle});
  // Three assets whose pairwise correlations are each in [-1, 1] but jointly impossible.
  ModelFile m("garch", {"a", "b", "c"});
  m.params() = valid_garch_params();
  m.params()["assets"].push_back(m.params()["assets"][0]);
  m.params()["correlation"] = {{1.0, 0.9, -0.9}, {0.9, 1.0, 0.9}, {-0.9, 0.9, 1.0}};
  m.params()["next_variance"] = {1e-4, 1e-4, 1e-4};
  m.write(d);
  test::expect_error([&] { GarchGenerator::load(d); }, ErrorCategory::Input,
                     {"model.json", "not positive definite"});
}

TEST(Scenarios, CheckFiniteNamesThePosition) {
  Scenarios s(2, 3, 2);
  EXPECT_NO_THROW(check_finite(s, "gbm"));
  s.at(1, 2, 1) = std::numeric_limits<double>::infinity();
  test::expect_error([&] { check_finite(s, "garch"); }, ErrorCategory::Numeric,
                     {"garch", "non-finite value (inf) at path 2, step 3, series 2"});
}

}  // namespace
}  // namespace fingen::scenario
