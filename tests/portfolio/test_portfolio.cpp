// Portfolio optimisers against R's fPortfolio on the bundled Swiss indices
// (tests/portfolio/golden/make_portfolio_golden.R -> portfolio_golden.json), and the properties
// each optimiser must have on any data.
#include <cmath>
#include <numeric>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/data/load.hpp"
#include "fingen/portfolio/backtest.hpp"
#include "fingen/portfolio/optimize.hpp"
#include "fingen/portfolio/screen.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/trading/backtest.hpp"

namespace {
using fingen::portfolio::Constraints;
using fingen::portfolio::Moments;
using fingen::portfolio::Portfolio;
namespace pf = fingen::portfolio;
using json = nlohmann::json;

json golden() {
  return json::parse(fingen::read_file(std::string(FINGEN_TEST_DATA_DIR) +
                                       "/../portfolio/golden/portfolio_golden.json"));
}

Eigen::MatrixXd swiss_returns() {
  fingen::data::ReturnsSource src;
  src.file = std::string(FINGEN_BUNDLED_DATA_DIR) + "/swiss_indices_2000_2007.csv";
  return fingen::data::load_returns(src).values;
}

const json& golden_case(const json& g, const std::string& name) {
  for (const json& c : g.at("cases"))
    if (c.at("name") == name) return c;
  throw std::runtime_error("no golden case " + name);
}

void expect_weights(const Portfolio& p, const json& c, double tol = 1e-6) {
  const auto w = c.at("weights").get<std::vector<double>>();
  ASSERT_EQ(p.weights.size(), w.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    EXPECT_NEAR(p.weights[i], w[i], tol) << c.at("name") << " asset " << i;
  EXPECT_NEAR(p.sd, c.at("sd").get<double>(), 1e-4 * c.at("sd").get<double>() + 1e-9)
      << c.at("name");
}

double sum(const std::vector<double>& w) {
  return std::accumulate(w.begin(), w.end(), 0.0);
}

TEST(Portfolio, ReturnsMatchTheGoldenData) {
  const json g = golden();
  const Eigen::MatrixXd R = swiss_returns();
  ASSERT_EQ(R.rows(), g.at("observations").get<Eigen::Index>());
  const auto mean = g.at("mean").get<std::vector<double>>();
  for (Eigen::Index i = 0; i < R.cols(); ++i)
    EXPECT_NEAR(R.col(i).mean(), mean[static_cast<std::size_t>(i)], 1e-15);
}

TEST(Portfolio, MinimumVarianceMatchesFPortfolio) {
  const Moments m = Moments::of(swiss_returns());
  const Portfolio p = pf::min_variance(m, Constraints::long_only(6));
  expect_weights(p, golden_case(golden(), "min_variance_long_only"));
  EXPECT_NEAR(sum(p.weights), 1, 1e-9);
}

TEST(Portfolio, MeanVarianceMatchesFPortfolio) {
  const json g = golden();
  const Moments m = Moments::of(swiss_returns());
  const json& lo = golden_case(g, "mean_variance_long_only");
  const Portfolio p = pf::mean_variance(m, Constraints::long_only(6), lo.at("target_return"));
  expect_weights(p, lo);
  EXPECT_NEAR(p.mean, lo.at("target_return").get<double>(), 1e-12);

  const json& box = golden_case(g, "mean_variance_box");
  expect_weights(pf::mean_variance(m, Constraints::box(6, 0.05, 0.4), box.at("target_return")),
                 box);

  // Unlimited short selling: fPortfolio's closed form (solveRshortExact).
  const json& sh = golden_case(g, "mean_variance_short");
  expect_weights(pf::mean_variance(m, Constraints::long_short(6, 1e6), sh.at("target_return")), sh);
}

TEST(Portfolio, MaximumSharpeMatchesFPortfolio) {
  const Moments m = Moments::of(swiss_returns());
  const Portfolio p = pf::max_sharpe(m, Constraints::long_only(6));
  // fPortfolio finds the tangency by a one-dimensional search along the frontier: its weights are
  // accurate to about 1e-4, ours are the exact solution of the convex problem.
  expect_weights(p, golden_case(golden(), "max_sharpe_long_only"), 2e-3);
  // No frontier point has a higher Sharpe ratio.
  for (const Portfolio& f : pf::frontier(m, Constraints::long_only(6), 25))
    EXPECT_LE(f.mean / f.sd, p.mean / p.sd + 1e-9);
}

TEST(Portfolio, MeanCvarMatchesFPortfolio) {
  const json g = golden();
  const json& c = golden_case(g, "mean_cvar_long_only");
  const Eigen::MatrixXd R = swiss_returns();
  const Portfolio p =
      pf::mean_cvar(R, c.at("alpha"), Constraints::long_only(6), c.at("target_return"));
  expect_weights(p, c);
  EXPECT_NEAR(p.cvar, c.at("cvar").get<double>(), 1e-9);
  // The LP's value is the Acerbi-Tasche expected shortfall of the portfolio's scenario losses.
  EXPECT_NEAR(p.cvar, pf::scenario_cvar(R, p.weights, c.at("alpha")), 1e-10);
}

TEST(Portfolio, MinimumCvarIsNoWorseThanAnyOtherPortfolio) {
  const Eigen::MatrixXd R = swiss_returns();
  const Moments m = Moments::of(R);
  const Portfolio p = pf::mean_cvar(R, 0.05, Constraints::long_only(6));
  for (const Portfolio& q : {pf::min_variance(m, Constraints::long_only(6)), pf::equal_weight(m)})
    EXPECT_LE(p.cvar, pf::scenario_cvar(R, q.weights, 0.05) + 1e-12);
}

TEST(Portfolio, RiskParityEqualisesRiskContributions) {
  const Moments m = Moments::of(swiss_returns());
  const Portfolio p = pf::risk_parity(m);
  const Eigen::Map<const Eigen::VectorXd> w(p.weights.data(), 6);
  const Eigen::VectorXd rc = w.cwiseProduct(m.cov * w);
  for (Eigen::Index i = 0; i < 6; ++i) {
    EXPECT_GT(w(i), 0);
    EXPECT_NEAR(rc(i) / rc.sum(), 1.0 / 6, 1e-9);
  }
  EXPECT_NEAR(sum(p.weights), 1, 1e-12);
}

TEST(Portfolio, FrontierIsIncreasingInRiskAndReturn) {
  const Moments m = Moments::of(swiss_returns());
  const auto f = pf::frontier(m, Constraints::long_only(6), 12);
  ASSERT_EQ(f.size(), 12u);
  const auto [lo, hi] = pf::return_range(m.mean, Constraints::long_only(6));
  EXPECT_NEAR(hi, m.mean.maxCoeff(), 1e-15);  // long-only: all in the best asset
  EXPECT_NEAR(lo, m.mean.minCoeff(), 1e-15);
  for (std::size_t k = 1; k < f.size(); ++k) {
    EXPECT_GT(f[k].mean, f[k - 1].mean);
    EXPECT_GE(f[k].sd, f[k - 1].sd - 1e-12);
  }
  EXPECT_NEAR(f.back().mean, hi, 1e-12);
}

TEST(Portfolio, GroupLimitsHold) {
  const Moments m = Moments::of(swiss_returns());
  Constraints c = Constraints::long_only(6);
  c.groups.push_back({"pension benchmarks", {3, 4, 5}, 0.5, 0.6});
  const Portfolio p = pf::min_variance(m, c);
  const double g = p.weights[3] + p.weights[4] + p.weights[5];
  EXPECT_GE(g, 0.5 - 1e-9);
  EXPECT_LE(g, 0.6 + 1e-9);
  // The unconstrained minimum holds 19% there: the limit binds.
  EXPECT_NEAR(g, 0.5, 1e-7);
}

TEST(Portfolio, InfeasibleConstraintsAreNamed) {
  const Moments m = Moments::of(swiss_returns());
  auto message = [&](const Constraints& c) {
    try {
      pf::min_variance(m, c);
    } catch (const fingen::Error& e) {
      EXPECT_EQ(e.category(), fingen::ErrorCategory::Usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(Constraints::box(6, 0.2, 1)).find("lower bounds sum to 1.2"),
            std::string::npos);
  EXPECT_NE(message(Constraints::box(6, 0, 0.1)).find("upper bounds sum to 0.6"),
            std::string::npos);
  Constraints g = Constraints::long_only(6);
  g.groups.push_back({"bonds", {0}, 0, 0.1});
  g.groups.push_back({"all but bonds", {1, 2, 3, 4, 5}, 0, 0.5});
  // Each group is satisfiable alone; together they cap the budget at 0.6: the solver proves it.
  EXPECT_NE(message(g).find("infeasible"), std::string::npos) << message(g);
  Constraints bad = Constraints::long_only(6);
  bad.groups.push_back({"stocks", {1}, 0.2, 0.1});
  EXPECT_NE(message(bad).find("group 'stocks'"), std::string::npos);
  EXPECT_THROW(pf::mean_variance(m, Constraints::long_only(6), 1.0), fingen::Error);
  try {
    pf::mean_variance(m, Constraints::long_only(6), 1.0);
  } catch (const fingen::Error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the range"), std::string::npos) << e.what();
  }
}

TEST(Portfolio, SingularCovarianceStillSolvesOrSaysWhy) {
  // Two identical assets: a singular covariance. Minimum variance is any split; it must solve.
  Eigen::MatrixXd R(300, 2);
  fingen::Rng rng(5);
  for (Eigen::Index t = 0; t < R.rows(); ++t) R(t, 0) = R(t, 1) = 0.01 * rng.normal();
  const Portfolio p = pf::min_variance(Moments::of(R), Constraints::long_only(2));
  EXPECT_NEAR(sum(p.weights), 1, 1e-9);
  // Constant returns have no risk to balance.
  const Eigen::MatrixXd C = Eigen::MatrixXd::Constant(50, 2, 0.25);  // exact: variance 0
  EXPECT_THROW(pf::risk_parity(Moments::of(C)), fingen::Error);
}

TEST(Portfolio, MeanCvarScalesToManyScenariosAndAssets) {
  // 2,000 scenarios of 50 assets with a factor structure: solves, and the weights satisfy the
  // constraints (the solver's answer is checked in the library too).
  const Eigen::Index S = 2000, N = 50;
  Eigen::MatrixXd R(S, N);
  fingen::Rng rng(11);
  for (Eigen::Index s = 0; s < S; ++s) {
    const double f = rng.normal();
    for (Eigen::Index i = 0; i < N; ++i)
      R(s, i) = 0.0002 * static_cast<double>(i % 7) + 0.01 * (0.6 * f + 0.8 * rng.normal());
  }
  const Portfolio p = pf::mean_cvar(R, 0.05, Constraints::box(N, 0, 0.1));
  EXPECT_NEAR(sum(p.weights), 1, 1e-9);
  for (double w : p.weights) {
    EXPECT_GE(w, -1e-9);
    EXPECT_LE(w, 0.1 + 1e-9);
  }
  EXPECT_NEAR(p.cvar, pf::scenario_cvar(R, p.weights, 0.05), 1e-10);
}

}  // namespace

namespace {
fingen::trading::Market swiss_market() {
  fingen::data::ReturnsSource src;
  src.file = std::string(FINGEN_BUNDLED_DATA_DIR) + "/swiss_indices_2000_2007.csv";
  return fingen::trading::read_market(src);
}

TEST(PortfolioBacktest, EveryMethodOverTheSameBarsNetBelowGross) {
  const auto m = swiss_market();
  pf::RollingOptions o;
  o.window = 250;
  o.every = 63;
  const auto rs = pf::rolling_backtest(m, pf::method_names(), o);
  ASSERT_EQ(rs.size(), pf::method_names().size());
  const std::size_t E = m.bars() - o.window;
  for (const auto& r : rs) {
    EXPECT_EQ(r.index.size(), E);
    EXPECT_EQ(r.index.front(), m.index[o.window]);
    // Rebalances at evaluation bars 0, 63, ... (not the last bar: nothing left to trade).
    EXPECT_EQ(r.rebalances, (E - 2) / o.every + 1) << r.method;
    EXPECT_LT(r.run.net.metrics.total_return, r.run.gross.metrics.total_return) << r.method;
    EXPECT_GT(r.run.net.costs, 0) << r.method;
    // The realised CVaR from the net curve, recomputed.
    std::vector<double> losses;
    for (std::size_t t = 1; t < r.run.net.equity.size(); ++t)
      losses.push_back(1 - r.run.net.equity[t] / r.run.net.equity[t - 1]);
    EXPECT_NEAR(r.realised_cvar, fingen::risk::empirical_var_es(losses, 0.95).es, 1e-15);
  }
}

TEST(PortfolioBacktest, CalendarRebalancingTradesEvenWhenTargetsStay) {
  const auto m = swiss_market();
  pf::RollingOptions o;
  o.window = 250;
  o.every = 100;
  const auto r = pf::rolling_backtest(m, {"equal-weight"}, o).front();
  // 1/N never changes, yet every rebalance trades the drift back: more fills than assets.
  EXPECT_GT(r.run.net.metrics.trades, 6 * (r.rebalances - 1));
}

TEST(PortfolioBacktest, NoLookAhead) {
  // The curve up to bar X is the same when the prices after X are not there at all.
  const auto full = swiss_market();
  pf::RollingOptions o;
  o.window = 250;
  o.every = 40;
  const std::size_t X = 900;
  fingen::trading::Market cut = full;
  cut.close = full.close.topRows(static_cast<Eigen::Index>(X + 1));
  cut.index.resize(X + 1);
  for (const std::string method : {"min-variance", "mean-cvar", "max-sharpe"}) {
    const auto a = pf::rolling_backtest(full, {method}, o).front();
    const auto b = pf::rolling_backtest(cut, {method}, o).front();
    ASSERT_EQ(b.run.net.equity.size(), X + 1 - o.window);
    for (std::size_t t = 0; t < b.run.net.equity.size(); ++t)
      ASSERT_DOUBLE_EQ(a.run.net.equity[t], b.run.net.equity[t]) << method << " bar " << t;
  }
}

TEST(PortfolioBacktest, TooShortAndUnknownMethodsAreUsageErrors) {
  const auto m = swiss_market();
  pf::RollingOptions o;
  o.window = 5000;
  EXPECT_THROW(pf::rolling_backtest(m, {"min-variance"}, o), fingen::Error);
  o.window = 250;
  EXPECT_THROW(pf::rolling_backtest(m, {"astrology"}, o), fingen::Error);
}
}  // namespace

namespace {
fingen::Scenarios two_asset_scenarios() {
  // Asset 1: drift 0.001, sd 0.005; asset 2: no drift, sd 0.02. 400 paths of 50 steps.
  fingen::Scenarios s(400, 50, 2);
  s.names = {"calm", "wild"};
  fingen::Rng rng(3);
  for (std::size_t k = 0; k < s.data.size(); k += 2) {
    s.data[k] = 0.001 + 0.005 * rng.normal();
    s.data[k + 1] = 0.02 * rng.normal();
  }
  return s;
}

TEST(PortfolioScreen, SingleAssetMetricsAgreeWithADirectComputation) {
  const auto s = two_asset_scenarios();
  pf::ScreenOptions o;
  o.random = 0;
  o.single_assets = true;
  const auto r = pf::screen(s, {}, o);
  ASSERT_EQ(r.evaluated, 2u);
  ASSERT_EQ(r.passed.size(), 2u);                   // no thresholds: everything passes
  EXPECT_EQ(r.passed.front().label, "asset calm");  // ranked by Sharpe
  // The calm asset alone: V_H = exp(sum of its log returns) on each path.
  std::vector<double> losses;
  double mean = 0;
  std::size_t deep = 0;
  for (std::size_t p = 0; p < s.paths; ++p) {
    double cum = 0, peak = 1, mdd = 0;
    for (std::size_t t = 0; t < s.horizon; ++t) {
      cum += s.data[(p * s.horizon + t) * 2];
      peak = std::max(peak, std::exp(cum));
      mdd = std::max(mdd, 1 - std::exp(cum) / peak);
    }
    losses.push_back(1 - std::exp(cum));
    mean += std::exp(cum) - 1;
    deep += mdd > o.drawdown;
  }
  const auto& c = r.passed.front();
  EXPECT_NEAR(c.expected_return, mean / static_cast<double>(s.paths), 1e-12);
  EXPECT_NEAR(c.cvar, fingen::risk::empirical_var_es(losses, 0.95).es, 1e-12);
  EXPECT_NEAR(c.drawdown_probability, static_cast<double>(deep) / static_cast<double>(s.paths),
              1e-15);
  // Per-step simple returns have mean ~exp(0.001 + 0.005^2/2) - 1, sd ~0.005: Sharpe ~3.2.
  EXPECT_NEAR(c.sharpe, 3.2, 0.4);
}

TEST(PortfolioScreen, ThresholdsFilterAndSayWhy) {
  const auto s = two_asset_scenarios();
  pf::ScreenOptions o;
  o.random = 200;
  o.min_sharpe = 2.0;
  o.max_drawdown_probability = 0.01;
  const auto r = pf::screen(s, {}, o);
  EXPECT_EQ(r.evaluated, 200u);
  ASSERT_FALSE(r.passed.empty());
  EXPECT_LT(r.passed.size(), 200u);
  for (const auto& c : r.passed) {
    EXPECT_GE(c.sharpe, 2.0);
    EXPECT_LE(c.drawdown_probability, 0.01);
    ASSERT_EQ(c.checks.size(), 2u);
    EXPECT_NE(c.checks[0].find(">="), std::string::npos) << c.checks[0];
    EXPECT_NEAR(c.weights[0] + c.weights[1], 1, 1e-12);
  }
  for (std::size_t k = 1; k < r.passed.size(); ++k)
    EXPECT_GE(r.passed[k - 1].sharpe, r.passed[k].sharpe);
  // The same seed gives the same screen.
  const auto again = pf::screen(s, {}, o);
  ASSERT_EQ(again.passed.size(), r.passed.size());
  EXPECT_EQ(again.passed.front().label, r.passed.front().label);
}
}  // namespace

namespace {
double turnover(const std::vector<double>& w, const std::vector<double>& c) {
  double t = 0;
  for (std::size_t i = 0; i < w.size(); ++i) t += std::abs(w[i] - c[i]);
  return t;
}

TEST(PortfolioTurnover, LimitHoldsBindsAndVanishesWhenLoose) {
  const Eigen::MatrixXd R = swiss_returns();
  const Moments m = Moments::of(R);
  Constraints c = Constraints::long_only(6);
  c.current.assign(6, 1.0 / 6);
  const Portfolio free = pf::min_variance(m, Constraints::long_only(6));
  ASSERT_GT(turnover(free.weights, c.current), 0.5);
  c.max_turnover = 0;
  for (double w : pf::min_variance(m, c).weights) EXPECT_NEAR(w, 1.0 / 6, 1e-9);
  c.max_turnover = 0.2;
  for (const Portfolio& p :
       {pf::min_variance(m, c), pf::max_sharpe(m, c), pf::mean_cvar(R, 0.05, c)}) {
    EXPECT_LE(turnover(p.weights, c.current), 0.2 + 1e-9) << p.method;
    EXPECT_NEAR(turnover(p.weights, c.current), 0.2, 1e-6) << p.method;  // it binds
    EXPECT_NEAR(sum(p.weights), 1, 1e-9) << p.method;
  }
  EXPECT_GT(pf::min_variance(m, c).sd, free.sd);
  c.max_turnover = 10;
  const Portfolio loose = pf::min_variance(m, c);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(loose.weights[i], free.weights[i], 1e-7);
}

TEST(PortfolioTurnover, PrimalCvarProgramAgreesWithTheDual) {
  // A loose turnover limit sends mean-CVaR through the Rockafellar-Uryasev LP itself: the same
  // portfolio and value as its dual, two formulations solved separately.
  const Eigen::MatrixXd R = swiss_returns();
  const Portfolio dual = pf::mean_cvar(R, 0.05, Constraints::long_only(6), 1.3e-4);
  Constraints c = Constraints::long_only(6);
  c.current.assign(6, 0.0);
  c.current[0] = 1;
  c.max_turnover = 100;
  const Portfolio primal = pf::mean_cvar(R, 0.05, c, 1.3e-4);
  EXPECT_NEAR(primal.cvar, dual.cvar, 1e-10);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(primal.weights[i], dual.weights[i], 1e-6);
  Constraints bad = Constraints::long_only(6);
  bad.max_turnover = 0.1;  // no current weights
  EXPECT_THROW(pf::min_variance(Moments::of(R), bad), fingen::Error);
}
}  // namespace
