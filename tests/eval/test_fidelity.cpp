// Fidelity metrics against NumPy: tests/data/golden/fidelity_*.csv from
// tests/data/golden/make_fidelity_golden.py (NumPy 1.24) on bundled S&P 500 and Dow Jones returns,
// with scenarios made of consecutive real windows (so the memorisation check has a known answer).
#include "fingen/eval/fidelity.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "fingen/stats/descriptive.hpp"
#include "test_util.hpp"

namespace fingen::eval {
namespace {

std::map<std::string, double> golden(const std::string& file) {
  std::map<std::string, double> out;
  for (const auto& r : test::read_golden_csv(file))
    out[r.at("metric")] = test::golden_number(r, "value");
  return out;
}

struct Inputs {
  Panel real, train;
  Scenarios scen;
};

Inputs load_inputs(const std::string& file, const std::vector<std::string>& cols, std::size_t paths,
                   std::size_t horizon) {
  Inputs in;
  in.scen = Scenarios(paths, horizon, cols.size());
  std::vector<std::vector<double>> real, train;
  for (const auto& r : test::read_golden_csv(file)) {
    std::vector<double> v;
    for (const auto& c : cols) v.push_back(test::golden_number(r, c));
    const std::string role = r.at("role");
    if (role == "real")
      real.push_back(v);
    else if (role == "train")
      train.push_back(v);
    else
      for (std::size_t a = 0; a < cols.size(); ++a)
        in.scen.at(std::stoul(r.at("path")), std::stoul(r.at("step")), a) = v[a];
  }
  auto to_panel = [&](const std::vector<std::vector<double>>& rows) {
    Panel p;
    p.kind = IndexKind::Observation;
    p.values_kind = ValueKind::Returns;
    p.names = cols;
    p.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      p.index.push_back(static_cast<std::int64_t>(i + 1));
      for (std::size_t a = 0; a < cols.size(); ++a)
        p.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(a)) = rows[i][a];
    }
    return p;
  };
  in.real = to_panel(real);
  in.train = to_panel(train);
  return in;
}

double metric(const FidelityReport& r, const std::string& key) {
  for (const auto& m : r.metrics)
    if (m.key == key) return m.value;
  ADD_FAILURE() << "no metric " << key;
  return 0;
}

double target(const FidelityReport& r, const std::string& key) {
  for (const auto& m : r.metrics)
    if (m.key == key) return m.target;
  return 0;
}

void near(double got, double want, const std::string& what, double rel = 1e-9) {
  EXPECT_LE(std::abs(got - want), std::max(1e-13, rel * std::abs(want)))
      << what << ": got " << got << ", want " << want;
}

TEST(FidelityGolden, UnivariateStylizedFactsAndDistancesMatchNumPy) {
  const auto g = golden("golden/fidelity_univariate.csv");
  const Inputs in = load_inputs("golden/fidelity_inputs_sp500.csv", {"r"}, 75, 60);
  ASSERT_EQ(in.real.rows(), 577u);
  ASSERT_EQ(in.train.rows(), 4527u);
  const FidelityReport rep =
      evaluate_fidelity(in.real, in.scen, in.train, FidelityOptions().aggregation_lags({1, 5, 20}));
  near(metric(rep, "hill_left"), g.at("hill_scen"), "hill scen");
  near(target(rep, "hill_left"), g.at("hill_real"), "hill real");
  for (const char* m : {"mean", "sd"}) {
    near(metric(rep, m), g.at(std::string(m) + "_scen"), m);
    near(target(rep, m), g.at(std::string(m) + "_real"), m);
  }
  near(metric(rep, "skewness"), g.at("skew_scen"), "skew");
  near(metric(rep, "excess_kurtosis"), g.at("exkurt_scen"), "kurtosis");
  near(target(rep, "excess_kurtosis"), g.at("exkurt_real"), "kurtosis real");
  for (const char* q : {"0.001", "0.01", "0.05", "0.5", "0.95", "0.99", "0.999"}) {
    near(metric(rep, std::string("q") + q), g.at(std::string("q") + q + "_scen"), q);
    near(target(rep, std::string("q") + q), g.at(std::string("q") + q + "_real"), q);
  }
  for (int lag : {1, 5, 20}) {
    near(metric(rep, "w1_lag" + std::to_string(lag)), g.at("w1_lag" + std::to_string(lag)), "w1");
    near(metric(rep, "ks_lag" + std::to_string(lag)), g.at("ks_lag" + std::to_string(lag)), "ks");
  }
  const Curves& c = rep.curves.at(0);
  for (std::size_t k = 1; k <= 20; ++k) {
    const std::string s = std::to_string(k);
    near(c.acf_r_real[k - 1], g.at("acf_r_real_" + s), "acf r real " + s);
    near(c.acf_r_synthetic[k - 1], g.at("acf_r_scen_" + s), "acf r scen " + s, 1e-8);
    near(c.acf_abs_real[k - 1], g.at("acf_abs_real_" + s), "acf |r| real " + s);
    near(c.acf_abs_synthetic[k - 1], g.at("acf_abs_scen_" + s), "acf |r| scen " + s, 1e-8);
    near(c.acf_sq_real[k - 1], g.at("acf_sq_real_" + s), "acf r2 real " + s);
    near(c.acf_sq_synthetic[k - 1], g.at("acf_sq_scen_" + s), "acf r2 scen " + s, 1e-8);
    if (k <= 10) {
      near(c.leverage_real[k - 1], g.at("lev_real_" + s), "leverage real " + s);
      near(c.leverage_synthetic[k - 1], g.at("lev_scen_" + s), "leverage scen " + s, 1e-8);
    }
  }
  near(metric(rep, "max_drawdown_mean"), g.at("mdd_mean_scen"), "mdd scen");
  near(target(rep, "max_drawdown_mean"), g.at("mdd_mean_real"), "mdd real");
  near(metric(rep, "max_drawdown_w1"), g.at("mdd_w1"), "mdd w1");
  near(metric(rep, "realized_vol_mean"), g.at("rvol_mean_scen"), "rvol scen");
  near(metric(rep, "realized_vol_w1"), g.at("rvol_w1"), "rvol w1");
  // The scenarios are training windows: every synthetic window is an exact copy.
  const Memorisation m = memorisation(in.train.values, in.scen, in.real.values, 20);
  EXPECT_EQ(m.exact_copies, static_cast<std::size_t>(g.at("mem_exact_copies")));
  near(m.median_heldout, g.at("mem_median_heldout"), "held-out median distance");
  EXPECT_EQ(m.ratio, 0.0);
  EXPECT_TRUE(m.flagged);
}

TEST(FidelityGolden, CorrelationAndTailDependenceMatchNumPy) {
  const auto g = golden("golden/fidelity_multivariate.csv");
  const Inputs in = load_inputs("golden/fidelity_inputs_dj.csv", {"AA", "IBM", "KO"}, 40, 50);
  const Eigen::MatrixXd tr = tail_dependence(in.real.values);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      if (i != j) near(tr(i, j), g.at(fmt::format("tail_real_{}_{}", i, j)), "tail real");
  const FidelityReport rep =
      evaluate_fidelity(in.real, in.scen, Panel(), FidelityOptions().aggregation_lags({1, 5}));
  near(metric(rep, "correlation_error"), g.at("corr_error"), "correlation error");
  near(metric(rep, "tail_dependence_error"), g.at("tail_error"), "tail dependence error");
  // Keys carry the asset name; the target is the real series' own statistic.
  const Eigen::VectorXd aa = in.real.values.col(0);
  near(target(rep, "AA/sd"),
       stats::moments(std::vector<double>(aa.data(), aa.data() + aa.size())).sd, "AA sd");
}

TEST(Fidelity, KnownAnswersAndBadInput) {
  // Max drawdown: up 10%, down to 0.8 of the peak, recover: 1 - exp(-(log 1.1 - log 0.88)).
  const std::vector<double> r = {std::log(1.1), std::log(0.8), std::log(1.2)};
  EXPECT_NEAR(max_drawdown(r.data(), r.size()), 0.2, 1e-15);
  Panel real;
  real.values_kind = ValueKind::Returns;
  real.names = {"a"};
  real.values = Eigen::MatrixXd::Zero(40, 1);
  for (int i = 0; i < 40; ++i) real.index.push_back(i);
  test::expect_error([&] { evaluate_fidelity(real, Scenarios(5, 10, 2), Panel()); },
                     ErrorCategory::Usage, {"1 series", "2"});
}

}  // namespace
}  // namespace fingen::eval
