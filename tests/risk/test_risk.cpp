// Risk measures and backtests against golden values from tests/data/golden/make_risk_golden.R
// (base R 4.2: pbinom, pchisq, qnorm/dnorm, qt/dt, t.test, quantile type 1), plus known answers.
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/gbm.hpp"
#include "fingen/stats/descriptive.hpp"
#include "test_util.hpp"

namespace fingen::risk {
namespace {

void expect_close(double got, double want, const std::string& what, double rel = 1e-9,
                  double abs = 1e-12) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want NA";
    return;
  }
  EXPECT_LE(std::abs(got - want), std::max(abs, rel * std::abs(want)))
      << what << ": got " << got << ", want " << want;
}

TEST(RiskGolden, ExceptionAndEsTestsMatchR) {
  const auto hits_rows = test::read_golden_csv("golden/risk_hits.csv");
  std::map<std::string, std::vector<std::map<std::string, std::string>>> by_case;
  for (const auto& r : hits_rows) by_case[r.at("case")].push_back(r);
  const auto tests = test::read_golden_csv("golden/risk_tests.csv");
  ASSERT_EQ(tests.size(), 5u);
  for (const auto& g : tests) {
    const std::string c = g.at("case");
    const auto& days = by_case.at(c);
    std::vector<int> hits;
    std::vector<double> loss, var, es, sigma;
    for (const auto& d : days) {
      hits.push_back(std::stoi(d.at("hit")));
      loss.push_back(test::golden_number(d, "loss"));
      var.push_back(test::golden_number(d, "var"));
      es.push_back(test::golden_number(d, "es"));
      sigma.push_back(test::golden_number(d, "sigma"));
    }
    const double level = test::golden_number(g, "level");
    const ExceptionTests t = exception_tests(hits, level);
    EXPECT_EQ(t.n, static_cast<std::size_t>(std::stoi(g.at("n")))) << c;
    EXPECT_EQ(t.exceptions, static_cast<std::size_t>(std::stoi(g.at("exceptions")))) << c;
    EXPECT_EQ(t.n00, static_cast<std::size_t>(std::stoi(g.at("n00")))) << c;
    EXPECT_EQ(t.n01, static_cast<std::size_t>(std::stoi(g.at("n01")))) << c;
    EXPECT_EQ(t.n10, static_cast<std::size_t>(std::stoi(g.at("n10")))) << c;
    EXPECT_EQ(t.n11, static_cast<std::size_t>(std::stoi(g.at("n11")))) << c;
    // Likelihood ratios near 0 are differences of close numbers: relative 1e-9 or absolute 1e-10.
    expect_close(t.lr_pof, test::golden_number(g, "lr_pof"), c + " lr_pof", 1e-9, 1e-10);
    expect_close(t.p_pof, test::golden_number(g, "p_pof"), c + " p_pof", 1e-8, 1e-10);
    expect_close(t.lr_ind, test::golden_number(g, "lr_ind"), c + " lr_ind", 1e-9, 1e-10);
    expect_close(t.p_ind, test::golden_number(g, "p_ind"), c + " p_ind", 1e-8, 1e-10);
    expect_close(t.lr_cc, test::golden_number(g, "lr_cc"), c + " lr_cc", 1e-9, 1e-10);
    expect_close(t.p_cc, test::golden_number(g, "p_cc"), c + " p_cc", 1e-8, 1e-10);
    expect_close(t.binomial_cdf, test::golden_number(g, "binom_cdf"), c + " binom_cdf");
    EXPECT_EQ(t.zone, g.at("zone")) << c;
    const EsTests e = es_tests(loss, var, es, sigma, level);
    EXPECT_EQ(e.exceptions, static_cast<std::size_t>(std::stoi(g.at("mf_n")))) << c;
    expect_close(e.mf_t, test::golden_number(g, "mf_t"), c + " mf_t");
    expect_close(e.mf_p, test::golden_number(g, "mf_p"), c + " mf_p", 1e-8, 1e-12);
    expect_close(e.z2, test::golden_number(g, "z2"), c + " z2");
  }
}

TEST(RiskGolden, ParametricVarEsMatchR) {
  const auto rows = test::read_golden_csv("golden/risk_measures.csv");
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& g : rows) {
    const double level = test::golden_number(g, "level"), h = test::golden_number(g, "horizon");
    const double mu = test::golden_number(g, "mu"), sigma = test::golden_number(g, "sigma");
    const VarEs v = g.at("case") == "normal"
                        ? normal_var_es(mu, sigma, level, h)
                        : student_t_var_es(mu, sigma, test::golden_number(g, "nu"), level, h);
    const std::string tag = g.at("case") + " " + g.at("level") + " h" + g.at("horizon");
    expect_close(v.var, test::golden_number(g, "var"), tag + " var", 1e-10);
    expect_close(v.es, test::golden_number(g, "es"), tag + " es", 1e-10);
  }
}

TEST(RiskGolden, EmpiricalVarEsAndIntervalMatchR) {
  std::vector<double> losses;
  for (const auto& r : test::read_golden_csv("golden/risk_losses.csv"))
    losses.push_back(test::golden_number(r, "loss"));
  ASSERT_EQ(losses.size(), 1000u);
  for (const auto& g : test::read_golden_csv("golden/risk_empirical.csv")) {
    const double level = test::golden_number(g, "level");
    const VarEsInterval v = empirical_var_es_interval(losses, level, 0.95, 200, 3);
    expect_close(v.estimate.var, test::golden_number(g, "var"), "var", 1e-15);
    expect_close(v.estimate.es, test::golden_number(g, "es"), "es", 1e-14);
    expect_close(v.var_lo, test::golden_number(g, "var_lo"), "var_lo", 1e-15);
    expect_close(v.var_hi, test::golden_number(g, "var_hi"), "var_hi", 1e-15);
    EXPECT_LE(v.es_lo, v.estimate.es);
    EXPECT_GE(v.es_hi, v.estimate.es);
  }
}

// Acerbi & Tasche (2002): exactly n (1 - a) worst losses, the last one with a fractional weight.
TEST(Risk, EmpiricalEsAveragesExactlyTheTail) {
  std::vector<double> losses(500);
  for (std::size_t i = 0; i < losses.size(); ++i) losses[i] = static_cast<double>(500 - i);
  const VarEs v = empirical_var_es(losses, 0.99);  // 500 (1 - 0.99) = 5 up to rounding
  EXPECT_EQ(v.var, 495.0);
  EXPECT_DOUBLE_EQ(v.es, (500 + 499 + 498 + 497 + 496) / 5.0);  // not the worst 6 (mean 497.5)
  std::vector<double> ten = {3, 1, 4, 10, 5, 9, 2, 6, 8, 7};
  const VarEs f = empirical_var_es(ten, 0.75);  // m = 2.5: 10 + 9 + 0.5 x 8
  EXPECT_EQ(f.var, 8.0);
  EXPECT_DOUBLE_EQ(f.es, (10 + 9 + 0.5 * 8) / 2.5);
  std::vector<double> few = {1, 2, 3};
  const VarEs w = empirical_var_es(few, 0.99);  // m = 0.03 < 1: the worst loss
  EXPECT_EQ(w.var, 3.0);
  EXPECT_DOUBLE_EQ(w.es, 3.0);
}

// The worst losses of a sample seen in pieces (blocks, ranks) give the estimates of the whole.
TEST(Risk, LossTailInPiecesEqualsTheWholeSample) {
  Rng rng(11);
  for (std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{500}, std::size_t{10007}}) {
    std::vector<double> losses(n);
    for (double& v : losses) v = rng.normal() * (1 + 3 * rng.uniform());  // heavy-ish tails
    const std::vector<double> levels = {0.95, 0.975, 0.99};
    // Three pieces of uneven sizes, each reduced to its own tail, merged into one.
    LossTail whole(n, levels, 0.95);
    const std::size_t a = n / 7, b = n / 2;
    LossTail first(n, levels, 0.95), second(n, levels, 0.95);
    first.add(losses.data(), a);
    first.add(losses.data() + a, b - a);
    second.add(losses.data() + b, n - b);
    EXPECT_LE(first.worst().size(), first.keep());
    whole.merge(first.worst(), b);
    whole.merge(second.worst(), n - b);
    EXPECT_EQ(whole.seen(), n);
    for (double level : levels) {
      std::vector<double> work = losses;
      const VarEs e = empirical_var_es(work, level);
      const VarEsInterval ci = empirical_var_es_interval(losses, level, 0.95, 100, 1);
      const VarEs t = whole.var_es(level);
      EXPECT_EQ(t.var, e.var) << n << " " << level;  // the same order statistic
      EXPECT_NEAR(t.es, e.es, 1e-13 * std::abs(e.es)) << n << " " << level;  // sum order only
      EXPECT_EQ(t.n, n);
      const auto [lo, hi] = whole.var_interval(level);
      EXPECT_EQ(lo, ci.var_lo) << n << " " << level;
      EXPECT_EQ(hi, ci.var_hi) << n << " " << level;
    }
    if (n >= 500) {
      EXPECT_LT(whole.keep(), n / 10);  // far fewer than all are kept
    }
  }
}

TEST(Risk, LossTailRefusesWhatItCannotAnswer) {
  LossTail t(10, {0.9}, 0.95);
  const double some[3] = {1, 2, 3};
  t.add(some, 3);
  test::expect_error([&] { t.var_es(0.9); }, ErrorCategory::Usage, {"after 3 of 10 losses"});
  const double bad[1] = {std::nan("")};
  test::expect_error([&] { t.add(bad, 1); }, ErrorCategory::Numeric, {"not finite"});
  const double more[8] = {};
  test::expect_error([&] { t.add(more, 8); }, ErrorCategory::Usage, {"more than the 10"});
  t.add(more, 7);
  EXPECT_EQ(t.var_es(0.9).var, 2.0);
  test::expect_error([&] { t.var_es(0.99); }, ErrorCategory::Usage, {"other levels"});
  test::expect_error([&] { LossTail(0, {0.9}); }, ErrorCategory::Usage, {"empty sample"});
}

TEST(Risk, EsIntervalNeedsEnoughResamples) {
  std::vector<double> losses(200);
  for (std::size_t i = 0; i < losses.size(); ++i) losses[i] = static_cast<double>(i);
  for (std::size_t b : {std::size_t{0}, std::size_t{99}})
    test::expect_error([&] { empirical_var_es_interval(losses, 0.95, 0.95, b, 1); },
                       ErrorCategory::Usage, {"bootstrap resamples must be >= 100"});
  const VarEsInterval v = empirical_var_es_interval(losses, 0.95, 0.95, 100, 1);
  EXPECT_LT(v.es_lo, v.es_hi);
  EXPECT_GT(v.es_lo, 0.0);
}

TEST(Risk, ScenarioLossesAggregateLogReturnsAndWeights) {
  Scenarios s(2, 2, 2);
  // path 0: asset A +10% then -10% in log terms, asset B flat; path 1: both lose ln(2) once.
  s.at(0, 0, 0) = 0.1;
  s.at(0, 1, 0) = -0.1;
  s.at(1, 0, 0) = -std::log(2.0);
  s.at(1, 0, 1) = -std::log(2.0);
  const std::vector<double> one = scenario_losses(s, {0.5, 0.5}, 1);
  EXPECT_NEAR(one[0], -0.5 * (std::exp(0.1) - 1), 1e-15);
  EXPECT_NEAR(one[1], 0.5, 1e-15);
  const std::vector<double> two = scenario_losses(s, {0.5, 0.5}, 2);
  EXPECT_NEAR(two[0], 0.0, 1e-15);  // +0.1 - 0.1 = 0 in log terms
  test::expect_error([&] { scenario_losses(s, {1.0}, 1); }, ErrorCategory::Usage,
                     {"1 weights", "2 assets"});
  test::expect_error(
      [&] {
        scenario_losses(s, {0.5, 0.5}, 3);
      },
      ErrorCategory::Usage, {"horizon 3"});
  std::vector<double> empty;
  test::expect_error([&] { empirical_var_es(empty, 0.99); }, ErrorCategory::Usage, {"empty"});
  std::vector<double> some = {1, 2, 3};
  test::expect_error([&] { empirical_var_es(some, 1.5); }, ErrorCategory::Usage, {"(0.5, 1)"});
}

Panel iid_normal_returns(std::size_t n, double sd, std::uint64_t seed) {
  Rng rng(seed);
  Panel p;
  p.values_kind = ValueKind::Returns;
  p.kind = IndexKind::Observation;
  p.names = {"x"};
  p.values.resize(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) {
    p.index.push_back(static_cast<std::int64_t>(i + 1));
    p.values(static_cast<Eigen::Index>(i), 0) = sd * rng.normal();
  }
  return p;
}

// On i.i.d. normal returns every model is (nearly) right, so the exception rate must be close to
// 1 - level: within 5 standard errors of the binomial count, widened by the estimation error of a
// 250-day window (about 10% of p, Jorion 2007, 6.3).
TEST(Risk, RollingBacktestHasTheRightExceptionRateWhenTheModelIsRight) {
  const Panel r = iid_normal_returns(3250, 0.01, 8);
  const auto o = VarBacktestOptions().window(250).refit(100).level(0.95).scenarios(1000);
  const GeneratorFactory gbm = [] { return std::make_unique<scenario::GbmGenerator>(); };
  for (const std::string model : {"historical", "normal", "t", "garch", "fhs", "gbm"}) {
    const VarBacktestResult b =
        var_backtest(r, {1.0}, model, o, model == "gbm" ? gbm : GeneratorFactory());
    ASSERT_EQ(b.days.size(), 3000u) << model;
    const double rate = static_cast<double>(b.tests.exceptions) / 3000.0;
    EXPECT_NEAR(rate, 0.05, 5 * std::sqrt(0.05 * 0.95 / 3000) + 0.005) << model;
    for (const auto& d : b.days) {
      ASSERT_GT(d.es, d.var) << model;
      ASSERT_EQ(d.exception, d.loss > d.var);
    }
  }
}

TEST(Risk, BacktestDaysCsvRoundTripsAndNamesBadLines) {
  test::TempDir dir;
  VarBacktestResult a;
  a.model = "historical";
  a.days = {{10957, 0.01, 0.02, 0.03, 0.011, false}, {10958, 0.05, 0.02, 0.03, 0.012, true}};
  VarBacktestResult b = a;
  b.model = "garch";
  b.days.resize(1);
  const std::string path = dir.file("days.csv");
  write_var_backtest_days_csv(path, {a, b});
  EXPECT_EQ(read_file(path),
            "model,date,loss,var,es,sigma,exception\n"
            "historical,2000-01-01,0.01,0.02,0.03,0.011,0\n"
            "historical,2000-01-02,0.05,0.02,0.03,0.012,1\n"
            "garch,2000-01-01,0.01,0.02,0.03,0.011,0\n");
  const auto days = read_var_backtest_days_csv(path);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[1].model, "historical");
  EXPECT_EQ(days[1].date, "2000-01-02");
  EXPECT_EQ(days[1].loss, 0.05);
  EXPECT_EQ(days[1].sigma, 0.012);
  EXPECT_TRUE(days[1].exception);
  EXPECT_EQ(days[2].model, "garch");

  test::expect_error(
      [&] {
        read_var_backtest_days_csv(dir.write(
            "bad.csv", "model,date,loss,var,es,sigma,exception\nm,2000-01-01,x,1,1,1,0\n"));
      },
      ErrorCategory::Input, {"bad.csv:2", "loss", "'x'"});
  test::expect_error(
      [&] {
        read_var_backtest_days_csv(dir.write(
            "bad2.csv", "model,date,loss,var,es,sigma,exception\nm,2000-01-01,1,1,1,1,2\n"));
      },
      ErrorCategory::Input, {"bad2.csv:2", "0 or 1"});
  test::expect_error(
      [&] {
        read_var_backtest_days_csv(dir.write("bad3.csv", "model,date,loss\nm,2000-01-01,1\n"));
      },
      ErrorCategory::Input, {"bad3.csv:1", "'var'"});
  a.model = "a,b";
  test::expect_error([&] { write_var_backtest_days_csv(path, {a}); }, ErrorCategory::Usage,
                     {"'a,b'"});
}

TEST(Risk, DayRecordsAreTheLinesOfTheCsv) {
  test::TempDir dir;
  VarBacktestResult a;
  a.model = "fhs";
  a.days = {{10957, 0.1 + 0.2, 1.0 / 3, 0.03, 0.011, false},
            {10958, 0.05, 0.02, 0.03, 0.012, true}};
  write_var_backtest_days_csv(dir.file("d.csv"), {a});
  const auto from_file = read_var_backtest_days_csv(dir.file("d.csv"));
  const auto in_memory = day_records({a});
  ASSERT_EQ(from_file.size(), in_memory.size());
  for (std::size_t i = 0; i < in_memory.size(); ++i) {
    EXPECT_EQ(from_file[i].model, in_memory[i].model);
    EXPECT_EQ(from_file[i].date, in_memory[i].date);
    EXPECT_EQ(from_file[i].loss, in_memory[i].loss);  // shortest exact form: no rounding
    EXPECT_EQ(from_file[i].var, in_memory[i].var);
    EXPECT_EQ(from_file[i].exception, in_memory[i].exception);
  }
}

TEST(Risk, BacktestJsonRoundTripsItsSummary) {
  test::TempDir dir;
  const Panel r = iid_normal_returns(700, 0.01, 5);
  const VarBacktestResult b =
      var_backtest(r, {1.0}, "historical", VarBacktestOptions().window(250).refit(50));
  const nlohmann::json j = var_backtest_json(b);
  EXPECT_EQ(j.at("days").get<std::size_t>(), 450u);
  EXPECT_EQ(j.at("exceptions").get<std::size_t>(), b.tests.exceptions);
  EXPECT_DOUBLE_EQ(j.at("expected").get<double>(), 450 * 0.01);
  EXPECT_EQ(j.at("passes_at_5pct").get<bool>(), passes(b.tests, 0.05));
  write_file_atomic(dir.file("bt.json"), nlohmann::json{{"results", {j}}}.dump());
  const auto back = read_var_backtest_json(dir.file("bt.json"));
  ASSERT_EQ(back.size(), 1u);
  const VarBacktestSummary s = summarize(b);
  EXPECT_EQ(back[0].model, s.model);
  EXPECT_EQ(back[0].days, s.days);
  EXPECT_EQ(back[0].exceptions, s.exceptions);
  EXPECT_EQ(back[0].p_kupiec, s.p_kupiec);
  EXPECT_EQ(back[0].p_independence, s.p_independence);
  EXPECT_EQ(back[0].p_conditional_coverage, s.p_conditional_coverage);
  EXPECT_EQ(back[0].zone, s.zone);
  EXPECT_EQ(back[0].passes, s.passes);
  test::expect_error([&] { read_var_backtest_json(dir.write("x.json", R"({"results": [{}]})")); },
                     ErrorCategory::Input, {"x.json", "not a VaR backtest file"});
  test::expect_error([&] { read_var_backtest_json(dir.write("y.json", "[1,")); },
                     ErrorCategory::Input, {"y.json"});
}

TEST(Risk, PortfolioWeights) {
  EXPECT_EQ(portfolio_weights({}, 4), (std::vector<double>{0.25, 0.25, 0.25, 0.25}));
  EXPECT_EQ(portfolio_weights({1.5, -0.5}, 2), (std::vector<double>{1.5, -0.5}));
  test::expect_error(
      [] {
        portfolio_weights({0.5, 0.5}, 3);
      },
      ErrorCategory::Usage, {"2 weights given for 3 series"});
  test::expect_error(
      [] {
        portfolio_weights({0.5, std::nan("")}, 2);
      },
      ErrorCategory::Usage, {"finite"});
  test::expect_error([] { portfolio_weights({}, 0); }, ErrorCategory::Usage, {"no series"});
}

TEST(Risk, RollingBacktestRejectsBadInput) {
  const Panel r = iid_normal_returns(400, 0.01, 8);
  test::expect_error([&] { var_backtest(r, {1.0}, "oracle", VarBacktestOptions().window(100)); },
                     ErrorCategory::Usage, {"unknown risk model 'oracle'"});
  test::expect_error(
      [&] { var_backtest(r, {1.0}, "historical", VarBacktestOptions().window(500)); },
      ErrorCategory::Usage, {"nothing to backtest"});
  test::expect_error(
      [&] {
        var_backtest(r, {0.5, 0.5}, "historical", VarBacktestOptions().window(100));
      },
      ErrorCategory::Usage, {"2 weights", "1 series"});
}

}  // namespace
}  // namespace fingen::risk

#include "fingen/risk/stress.hpp"

namespace fingen::risk {
namespace {

TEST(Stress, WorstWindowsByHand) {
  Panel p;
  p.values_kind = ValueKind::Returns;
  p.kind = IndexKind::Observation;
  p.names = {"a"};
  const std::vector<double> r = {0.01, -0.1, -0.2, 0.05, 0.0, -0.05, 0.1, -0.3, 0.0, 0.0};
  p.values = Eigen::Map<const Eigen::VectorXd>(r.data(), static_cast<Eigen::Index>(r.size()));
  for (std::size_t i = 0; i < r.size(); ++i) p.index.push_back(static_cast<std::int64_t>(i + 1));
  const auto w = worst_windows(p, {1.0}, 2, 3);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].first_row, 1u);  // -0.1 - 0.2 = -0.3 in log terms
  EXPECT_NEAR(w[0].portfolio_return, std::expm1(-0.3), 1e-15);
  EXPECT_NEAR(w[0].max_drawdown, -std::expm1(-0.3), 1e-15);
  EXPECT_EQ(w[1].first_row, 7u);  // -0.3 + 0 (rows 7-8), not overlapping the first
  EXPECT_EQ(w[2].first_row,
            4u);  // 0 - 0.05 (rows 4-5): rows 5-6 sum to +0.05, rows 6-7 overlap row 7
  // Three days: rows 7-9 lose 0.3; rows 0-2 lose 0.29 after first rising 0.01, so their drawdown
  // from that peak is 0.3 in log terms.
  const auto two = worst_windows(p, {1.0}, 3, 2);
  EXPECT_EQ(two[0].first_row, 7u);
  EXPECT_EQ(two[1].first_row, 0u);
  EXPECT_NEAR(two[1].portfolio_return, std::expm1(-0.29), 1e-15);
  EXPECT_NEAR(two[1].max_drawdown, -std::expm1(-0.3), 1e-15);
}

TEST(Stress, ShocksAndVolatilityScaling) {
  EXPECT_NEAR(shock_loss({0.5, 0.5}, {-0.2, -0.1}), 0.15, 1e-15);
  test::expect_error([] { shock_loss({1.0}, {-1.5}); }, ErrorCategory::Usage, {">= -1"});
  Scenarios s(1000, 2, 2);
  Rng rng(3);
  for (std::size_t i = 0; i < s.data.size(); i += 2) {
    const double z = rng.normal(), u = rng.normal();
    s.data[i] = 0.001 + 0.01 * z;
    s.data[i + 1] = -0.002 + 0.02 * (0.5 * z + std::sqrt(0.75) * u);
  }
  const Scenarios x = scale_volatility(s, 3.0);
  auto column = [](const Scenarios& sc, std::size_t a) {
    std::vector<double> v;
    for (std::size_t i = a; i < sc.data.size(); i += 2) v.push_back(sc.data[i]);
    return v;
  };
  for (std::size_t a = 0; a < 2; ++a) {
    const auto m0 = stats::moments(column(s, a)), m1 = stats::moments(column(x, a));
    EXPECT_NEAR(m1.mean, m0.mean, 1e-15);
    EXPECT_NEAR(m1.sd / m0.sd, 3.0, 1e-12);
  }
}

}  // namespace
}  // namespace fingen::risk
