// The trading backtester against an independent NumPy implementation of the same rules
// (tests/trading/golden/make_trading_golden.py -> trading_golden.json), plus the properties that
// must hold for any data: no look-ahead, gross >= net, thread-count independence.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <omp.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/core/vmath.hpp"
#include "fingen/data/load.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/gbm.hpp"
#include "fingen/trading/backtest.hpp"
#include "fingen/trading/robustness.hpp"
#include "fingen/trading/run.hpp"
#include "fingen/trading/strategy.hpp"
#include "test_util.hpp"

namespace fingen::trading {
namespace {

using nlohmann::json;

json golden() {
  return json::parse(
      read_file(std::string(FINGEN_TEST_DATA_DIR) + "/../trading/golden/trading_golden.json"));
}

// The golden case's options as the flat JSON object BacktestOptions::from_json reads.
json flat_options(const json& c) {
  json o = c.at("backtest_options");
  const json costs = o.at("costs");
  o.erase("costs");
  o.update(costs);
  return o;
}

void expect_close(double got, const json& want, const std::string& what) {
  if (want.is_null()) {
    EXPECT_TRUE(std::isnan(got)) << what << ": " << got;
    return;
  }
  const double w = want.get<double>();
  EXPECT_NEAR(got, w, 1e-9 * std::max(1.0, std::abs(w))) << what;
}

void expect_run(const Run& r, const json& g, const std::string& what, bool loose_trades) {
  const json& m = g.at("metrics");
  for (const auto& name : metric_names()) {
    if (name == "trades" && loose_trades) {
      EXPECT_NEAR(metric_value(r.metrics, name), m.at(name).get<double>(), 1.0) << what;
      continue;
    }
    expect_close(metric_value(r.metrics, name), m.at(name), what + " " + name);
  }
  ASSERT_EQ(r.equity.size(), g.at("bars").get<std::size_t>()) << what;
  for (const auto& [bar, value] : g.at("equity_at").items())
    expect_close(r.equity[std::stoul(bar)], value, what + " equity at bar " + bar);
  expect_close(r.costs, g.at("costs"), what + " costs");
  expect_close(r.traded_notional, g.at("traded_notional"), what + " traded notional");
  const json& fills = g.at("first_fills");
  ASSERT_GE(r.fills.size(), fills.size()) << what;
  for (std::size_t k = 0; k < fills.size(); ++k) {
    EXPECT_EQ(r.fills[k].bar, fills[k].at("bar").get<std::size_t>()) << what << " fill " << k;
    EXPECT_EQ(r.fills[k].asset, fills[k].at("asset").get<std::size_t>()) << what;
    expect_close(r.fills[k].shares, fills[k].at("shares"), what + " fill shares");
    expect_close(r.fills[k].price, fills[k].at("price"), what + " fill price");
    expect_close(r.fills[k].cost, fills[k].at("cost"), what + " fill cost");
  }
}

TEST(TradingGolden, EveryCaseAgreesWithNumPy) {
  const json all = golden().at("cases");
  ASSERT_GE(all.size(), 7u);
  for (const auto& [name, c] : all.items()) {
    SCOPED_TRACE(name);
    data::ReturnsSource source;
    source.file = test::bundled(c.at("data").get<std::string>());
    if (c.at("data").get<std::string>() != "sp500_ohlcv_2000_2020.csv")
      source.series = c.at("assets").get<std::vector<std::string>>();
    const Market m = read_market(source);
    ASSERT_EQ(m.bars(), c.at("bars").get<std::size_t>());
    const auto s = make_strategy(c.at("strategy").get<std::string>(), c.at("strategy_options"), "");
    const Eigen::MatrixXd w = s->weights(m);
    double checksum = 0;
    for (Eigen::Index t = 0; t < w.rows(); ++t)
      for (Eigen::Index i = 0; i < w.cols(); ++i)
        checksum += w(t, i) * static_cast<double>(t + 1) * static_cast<double>(i + 1);
    expect_close(checksum, c.at("weights_checksum"), "weights checksum");
    const BacktestResult r = backtest(m, w, BacktestOptions::from_json(flat_options(c), name));
    // One gross fill of the every-bar case is an exact zero in exact arithmetic (an open equal to
    // the previous one); rounding may turn it into a fill of 1e-13 shares.
    const bool loose = name == "sp500_sma_every_bar_half";
    expect_run(r.gross, c.at("gross"), name + " gross", loose);
    expect_run(r.net, c.at("net"), name + " net", false);
  }
}

// A decision at bar t may use bars 0..t only: changing every bar after t changes no weight and no
// fill up to t.
TEST(Trading, NoLookAhead) {
  data::ReturnsSource source;
  source.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  const Market m = read_market(source);
  const std::size_t t = 1500;
  Market changed = m;
  for (Eigen::Index k = static_cast<Eigen::Index>(t) + 1; k < changed.close.rows(); ++k) {
    const double f = 1.0 + 0.3 * std::sin(static_cast<double>(k));
    changed.close.row(k) *= f;
    changed.open.row(k) *= 1.0 / f;
    changed.volume.row(k) *= 2.0;
  }
  for (const std::string kind : {"sma", "momentum", "zscore", "buy_and_hold"}) {
    SCOPED_TRACE(kind);
    const auto s = make_strategy(kind, json::object(), "");
    const Eigen::MatrixXd a = s->weights(m), b = s->weights(changed);
    EXPECT_TRUE(a.topRows(static_cast<Eigen::Index>(t) + 1) ==
                b.topRows(static_cast<Eigen::Index>(t) + 1));
    const BacktestOptions o;
    const BacktestResult ra = backtest(m, a, o), rb = backtest(changed, b, o);
    // Fills at bar t + 1 use bar t + 1's prices; everything through bar t is identical.
    for (std::size_t k = 0; k <= t; ++k) EXPECT_EQ(ra.net.equity[k], rb.net.equity[k]) << k;
    std::size_t fa = 0, fb = 0;
    while (fa < ra.net.fills.size() && ra.net.fills[fa].bar <= t) ++fa;
    while (fb < rb.net.fills.size() && rb.net.fills[fb].bar <= t) ++fb;
    EXPECT_EQ(fa, fb);
  }
}

TEST(Trading, PairsHasNoLookAheadAndNeedsTwoSeries) {
  data::ReturnsSource source;
  source.file = test::bundled("dow_jones_30.csv");
  source.series = {"KO", "PG"};
  const Market m = read_market(source);
  const auto s = make_strategy("pairs", json{{"window", 60}}, "");
  const Eigen::MatrixXd a = s->weights(m);
  for (const std::size_t t : {200u, 1000u, 2000u}) {
    Market changed = m;
    for (Eigen::Index k = static_cast<Eigen::Index>(t) + 1; k < changed.close.rows(); ++k)
      changed.close(k, k % 2) *= 1.5;
    const Eigen::MatrixXd b = s->weights(changed);
    EXPECT_TRUE(a.topRows(static_cast<Eigen::Index>(t) + 1) ==
                b.topRows(static_cast<Eigen::Index>(t) + 1))
        << t;
  }
  EXPECT_GT(a.cwiseAbs().sum(), 0);  // it trades
  // Gross exposure 1 when in a position: |w_y| + |w_x| = 1.
  for (Eigen::Index t = 0; t < a.rows(); ++t)
    if (a(t, 0) != 0) {
      EXPECT_NEAR(a.row(t).cwiseAbs().sum(), 1.0, 1e-12);
    }
  source.series = {"KO", "PG", "XOM"};
  const Market three = read_market(source);
  test::expect_error([&] { s->weights(three); }, ErrorCategory::Usage, {"two series", "3"});
}

TEST(Trading, PairsRunReportsTheCointegrationTest) {
  StrategyRequest req;
  req.data.file = test::bundled("dow_jones_30.csv");
  req.data.series = {"KO", "PG"};
  req.strategy = "pairs";
  const StrategyRun run = run_strategy(req);
  ASSERT_TRUE(run.cointegration.has_value());
  // The statsmodels value of tests/stats/golden/coint_golden.json (KO/PG, AIC lags).
  EXPECT_NEAR(run.cointegration->adf.p_value, 0.03883, 5e-5);
  EXPECT_EQ(strategy_json(run).at("cointegration").at("lags"), 4);
}

TEST(Trading, ModelSignalsFromAFittedGarchAreCausalAndDeterministic) {
  test::TempDir dir;
  data::ReturnsSource train;
  train.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  train.end = "2009-12-31";
  scenario::GarchGenerator garch(scenario::Innovation::StudentT);
  garch.fit(data::load_returns(train));
  garch.save(dir.path().string());
  data::ReturnsSource test_bars = train;
  test_bars.end.clear();
  test_bars.start = "2010-01-01";
  const Market m = read_market(test_bars);
  const auto s = make_strategy(
      "model", json{{"model", dir.path().string()}, {"paths", 200}, {"threshold", 0.52}}, "");
  const Eigen::MatrixXd a = s->weights(m);
  EXPECT_EQ(a, s->weights(m));                    // the same seed per bar: the same signals
  EXPECT_EQ(a.topRows(250).cwiseAbs().sum(), 0);  // no signal before the context is full
  EXPECT_GT(a.cwiseAbs().sum(), 0);
  for (Eigen::Index t = 0; t < a.rows(); ++t) EXPECT_TRUE(a(t, 0) == 0 || a(t, 0) == 1) << t;
  Market changed = m;
  const Eigen::Index cut = 600;
  for (Eigen::Index k = cut + 1; k < changed.close.rows(); ++k) changed.close(k, 0) *= 0.7;
  EXPECT_TRUE(s->weights(changed).topRows(cut + 1) == a.topRows(cut + 1));
  // A model without memory cannot give signals.
  scenario::GbmGenerator gbm;
  gbm.fit(data::load_returns(train));
  test::TempDir gdir;
  gbm.save(gdir.path().string());
  test::expect_error(
      [&] {
        make_strategy("model", json{{"model", gdir.path().string()}}, "");
      },
      ErrorCategory::Usage, {"does not condition on the past"});
  test::expect_error([&] { make_strategy("model", json::object(), ""); }, ErrorCategory::Usage,
                     {"no model directory"});
}

TEST(Trading, SeriesFromSeveralFilesJoinOnTheirCommonDates) {
  data::ReturnsSource a, b;
  a.file = test::bundled("msft_ohlcv_2000_2001.csv");
  b.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  const Market m = read_market(a, {b});
  const Market ma = read_market(a);
  ASSERT_EQ(m.assets(), 2u);
  EXPECT_EQ(m.names, (std::vector<std::string>{"msft_ohlcv_2000_2001", "sp500_ohlcv_2000_2020"}));
  EXPECT_EQ(m.bars(), ma.bars());  // every MSFT day is an S&P 500 day
  EXPECT_EQ(m.close.col(0), ma.close.col(0));
  EXPECT_EQ(m.open.cols(), 2);  // both files have opens and volumes
  EXPECT_EQ(m.volume.cols(), 2);
  const auto s = make_strategy("pairs", json{{"window", 30}}, "");
  const BacktestResult r = backtest(m, s->weights(m), BacktestOptions());
  EXPECT_EQ(r.net.equity.size(), m.bars());
  test::TempDir dir;
  data::ReturnsSource early, late;
  early.file = dir.write("early.csv", "date,x\n2001-01-02,1\n2001-01-03,2\n2001-01-04,3\n");
  late.file = dir.write("late.csv", "date,y\n2002-01-02,1\n2002-01-03,2\n2002-01-04,3\n");
  test::expect_error([&] { read_market(early, {late}); }, ErrorCategory::Input,
                     {"early.csv and", "late.csv", "do not overlap"});
  late.file = dir.write("dup.csv", "date,x\n2001-01-02,1\n2001-01-03,2\n2001-01-04,3\n");
  test::expect_error([&] { read_market(early, {late}); }, ErrorCategory::Usage, {"'x'"});
}

TEST(Trading, CostsOnlyEverLowerTheResult) {
  data::ReturnsSource source;
  source.file = test::bundled("dow_jones_30.csv");
  source.series = {"AA", "KO"};
  const Market m = read_market(source);
  for (const std::string kind : {"sma", "momentum", "zscore"}) {
    const auto s = make_strategy(kind, json{{"allow_short", true}}, "");
    const BacktestResult r = backtest(m, s->weights(m), BacktestOptions());
    EXPECT_GT(r.net.costs, 0) << kind;
    EXPECT_EQ(r.gross.costs, 0) << kind;
    EXPECT_LT(r.net.equity.back(), r.gross.equity.back()) << kind;
  }
}

TEST(Trading, BadOptionsAreUsageErrorsNamingTheKey) {
  test::expect_error(
      [] {
        make_strategy("sma", json{{"fast", 50}, {"slow", 20}}, "cfg");
      },
      ErrorCategory::Usage, {"cfg", "fast < slow"});
  test::expect_error(
      [] {
        make_strategy("sma", json{{"fats", 5}}, "cfg");
      },
      ErrorCategory::Usage, {"fats"});
  test::expect_error(
      [] {
        make_strategy("zscore", json{{"entry", 1.0}, {"exit", 2.0}}, "");
      },
      ErrorCategory::Usage, {"exit < entry"});
  test::expect_error([] { make_strategy("nope", json::object(), ""); }, ErrorCategory::Usage,
                     {"unknown strategy 'nope'", "sma"});
  test::expect_error(
      [] {
        BacktestOptions::from_json(json{{"spread_bps", -1}}, "bt");
      },
      ErrorCategory::Usage, {"spread_bps"});
  test::expect_error(
      [] {
        BacktestOptions::from_json(json{{"fill", "tomorrow"}}, "bt");
      },
      ErrorCategory::Usage, {"fill"});
  test::expect_error(
      [] {
        BacktestOptions::from_json(json{{"max_leverage", 0}}, "bt");
      },
      ErrorCategory::Usage, {"max_leverage"});
}

TEST(Trading, MetricsByHand) {
  // Equity 100, 110, 99, 121: returns 0.1, -0.1, 0.2222...
  const std::vector<double> e = {100, 110, 99, 121}, x = {0, 1, 1, 1};
  const Metrics m = compute_metrics(e, x, 200, 2, 252);
  EXPECT_NEAR(m.total_return, 0.21, 1e-15);
  EXPECT_NEAR(m.max_drawdown, 0.1, 1e-15);
  EXPECT_EQ(m.max_drawdown_duration, 1u);
  EXPECT_NEAR(m.hit_rate, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.exposure, 0.75, 1e-15);
  EXPECT_NEAR(m.turnover, 200 / 107.5 * 252 / 3, 1e-12);
  const double r1 = 0.1, r2 = -0.1, r3 = 121.0 / 99 - 1, mean = (r1 + r2 + r3) / 3;
  const double sd = std::sqrt(
      ((r1 - mean) * (r1 - mean) + (r2 - mean) * (r2 - mean) + (r3 - mean) * (r3 - mean)) / 2);
  EXPECT_NEAR(m.sharpe, mean / sd * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(m.sortino, mean / std::sqrt(0.01 / 3) * std::sqrt(252.0), 1e-12);
}

// The accumulator over two lanes (gross and net books at once) computes, lane by lane, exactly
// what one accumulator per curve computes; a flat stretch in one update equals the bars one by
// one (counts, peak and drawdowns exactly, sums to rounding).
TEST(Trading, AccumulatorLanesEqualOneAccumulatorPerCurve) {
  Rng rng(5);
  const std::size_t n = 3000;
  std::vector<double> e0(n), e1(n), x0(n), x1(n);
  double a = 1e6, b = 1e6;
  for (std::size_t t = 0; t < n; ++t) {
    a *= std::exp(0.01 * rng.normal());
    b *= std::exp(0.02 * rng.normal());
    e0[t] = a;
    e1[t] = t % 7 == 0 ? -b : b;  // some non-positive equity: exposure infinite
    x0[t] = t % 5 == 0 ? 0.0 : 0.8 * a;
    x1[t] = t % 3 == 0 ? 0.0 : 1.1 * b;
  }
  MetricsAccumulator one(1e6), two(1e6);
  BasicMetricsAccumulator<Lanes2> both(Lanes2{} + 1e6);
  for (std::size_t t = 0; t < n; ++t) {
    const double g0 = one.add_value(e0[t], x0[t]), g1 = two.add_value(e1[t], x1[t]);
    const Lanes2 g = both.add_value(Lanes2{e0[t], e1[t]}, Lanes2{x0[t], x1[t]});
    ASSERT_EQ(g[0], g0) << t;
    ASSERT_EQ(g[1], g1) << t;
  }
  for (int j = 0; j < 2; ++j) {
    const Metrics want = (j == 0 ? one : two).finish(5e6, 40, 252);
    const Metrics got = both.lane(j).finish(5e6, 40, 252);
    EXPECT_EQ(to_json(got).dump(), to_json(want).dump()) << j;
  }
  // Flat: 50 bars at one equity after a drawdown.
  MetricsAccumulator bars(100), flat(100);
  for (MetricsAccumulator* m : {&bars, &flat}) {
    m->add_value(120, 100);
    m->add_value(90, 100);
  }
  for (int k = 0; k < 50; ++k) bars.add_value(95, 0);
  flat.add_flat(95, 50);
  bars.add_value(130, 100);
  flat.add_value(130, 100);
  const Metrics mb = bars.finish(1e3, 2, 252), mf = flat.finish(1e3, 2, 252);
  EXPECT_EQ(mf.max_drawdown, mb.max_drawdown);
  EXPECT_EQ(mf.max_drawdown_duration, mb.max_drawdown_duration);
  EXPECT_EQ(mf.max_drawdown_duration, 51u);
  EXPECT_EQ(mf.hit_rate, mb.hit_rate);
  EXPECT_EQ(mf.exposure, mb.exposure);
  for (const char* name : {"sharpe", "sortino", "annual_volatility", "turnover", "total_return"})
    EXPECT_NEAR(metric_value(mf, name), metric_value(mb, name),
                1e-13 * std::abs(metric_value(mb, name)))
        << name;
}

// The SMA crossover's decisions equal those of moving averages summed afresh at every bar (short
// and long windows; the running sums are restarted every 1,024 bars, two blocks side by side).
TEST(Trading, SmaDecisionsEqualDirectMovingAverages) {
  Rng rng(9);
  const std::size_t T = 5000;
  Market m;
  m.kind = IndexKind::Observation;
  m.names = {"x"};
  m.close.resize(static_cast<Eigen::Index>(T), 1);
  double p = 100;
  for (std::size_t t = 0; t < T; ++t) {
    m.index.push_back(static_cast<std::int64_t>(t));
    p *= std::exp(0.0002 + 0.01 * rng.normal());
    m.close(static_cast<Eigen::Index>(t), 0) = p;
  }
  for (const auto& [fast, slow] : {std::pair<int, int>{20, 100}, {3, 1024}, {50, 1500}}) {
    SCOPED_TRACE(fmt::format("fast {} slow {}", fast, slow));
    const auto s = make_strategy("sma", json{{"fast", fast}, {"slow", slow}}, "");
    const Eigen::MatrixXd w = s->weights(m);
    std::size_t ties = 0, long_bars = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const auto tt = static_cast<Eigen::Index>(t);
      if (t + 1 < static_cast<std::size_t>(slow)) {
        ASSERT_EQ(w(tt, 0), 0.0) << t;
        continue;
      }
      const double f = m.close.col(0).segment(tt + 1 - fast, fast).mean();
      const double sl = m.close.col(0).segment(tt + 1 - slow, slow).mean();
      if (std::abs(f - sl) < 1e-9 * sl) {
        ++ties;
        continue;
      }
      ASSERT_EQ(w(tt, 0), f > sl ? 1.0 : 0.0) << t;
      long_bars += f > sl;
    }
    EXPECT_LT(ties, 3u);
    EXPECT_GT(long_bars, 100u);
  }
}

// The engine's AVX2 build and its build for any x86-64 CPU give the same bits.
TEST(Trading, EngineGivesTheSameBitsWithAndWithoutAvx2) {
  data::ReturnsSource source;
  source.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  const Market m = read_market(source);
  const bool was = avx2_kernels();
  for (const std::string kind : {"sma", "zscore"}) {
    SCOPED_TRACE(kind);
    const auto s = make_strategy(kind, json{{"allow_short", true}}, "");
    const Eigen::MatrixXd w = s->weights(m);
    set_avx2_kernels(true);
    const BacktestResult a = backtest(m, w, BacktestOptions());
    set_avx2_kernels(false);
    const BacktestResult b = backtest(m, w, BacktestOptions());
    set_avx2_kernels(was);
    EXPECT_EQ(a.net.equity, b.net.equity);
    EXPECT_EQ(a.gross.equity, b.gross.equity);
    EXPECT_EQ(a.net.gross_exposure, b.net.gross_exposure);
    EXPECT_EQ(to_json(a.net.metrics).dump(), to_json(b.net.metrics).dump());
    EXPECT_EQ(to_json(a.gross.metrics).dump(), to_json(b.gross.metrics).dump());
    EXPECT_GT(a.net.fills.size(), 10u);
  }
}

// A position whose value overflows stops the backtest naming the first bar that did.
TEST(Trading, NonFiniteEquityNamesTheBar) {
  Market m;
  m.kind = IndexKind::Observation;
  m.names = {"x"};
  m.close.resize(8, 1);
  m.close << 100, 100, 100, 100, 1e300, 1e306, 1e307, 1e307;
  for (std::int64_t t = 0; t < 8; ++t) m.index.push_back(t);
  const Eigen::MatrixXd w = Eigen::MatrixXd::Ones(8, 1);
  try {
    backtest(m, w, BacktestOptions().fill("next_close"));
    FAIL() << "no error";
  } catch (const Error& e) {
    // 1e4 shares (1e6 at 100) are worth 1e310 at bar 5.
    EXPECT_NE(std::string(e.what()).find("non-finite at bar 5"), std::string::npos) << e.what();
  }
}

// Many synthetic markets: the same numbers for 1 and 2 threads, and a sensible distribution.
TEST(Trading, RobustnessIsThreadIndependent) {
  data::ReturnsSource source;
  source.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  const Panel r = data::load_returns(source);
  scenario::GbmGenerator gbm;
  gbm.fit(r);
  const Scenarios s = gbm.generate(200, 500, 11);
  const auto strategy = make_strategy("sma", json{{"fast", 10}, {"slow", 50}}, "");
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const RobustnessResult one = run_over_paths(s, *strategy, BacktestOptions());
  omp_set_num_threads(2);
  const RobustnessResult two = run_over_paths(s, *strategy, BacktestOptions());
  omp_set_num_threads(threads);
  ASSERT_EQ(one.net.size(), 200u);
  for (std::size_t p = 0; p < one.net.size(); ++p) {
    EXPECT_EQ(one.net[p].sharpe, two.net[p].sharpe) << p;
    EXPECT_EQ(one.net[p].total_return, two.net[p].total_return) << p;
  }
  EXPECT_EQ(to_json(one).dump(), to_json(two).dump());
  // Costs can only lower each path's result.
  for (std::size_t p = 0; p < one.net.size(); ++p)
    EXPECT_LE(one.net[p].total_return, one.gross[p].total_return) << p;
  EXPECT_GE(one.probability_of_loss, one.gross_probability_of_loss);
  const MetricDistribution& sharpe = one.summary.front();
  EXPECT_EQ(sharpe.metric, "sharpe");
  EXPECT_LE(sharpe.q05, sharpe.median);
  EXPECT_LE(sharpe.median, sharpe.q95);
}

// A model's paths traded block by block (metrics gathered, as over several processes) give the
// result of the same paths written to a file and traded at once.
TEST(Trading, RobustnessOverAModelInBlocksEqualsTheSamePathsAtOnce) {
  test::TempDir dir;
  data::ReturnsSource source;
  source.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  scenario::GbmGenerator gbm;
  gbm.fit(data::load_returns(source));
  std::filesystem::create_directories(dir.file("gbm"));
  gbm.save(dir.file("gbm"));
  write_npy(dir.file("same.npy"), gbm.generate(101, 300, 5));
  RobustnessRequest req;
  req.base.data = source;
  req.base.strategy = "sma";
  req.base.strategy_options = json{{"fast", 10}, {"slow", 50}};
  req.scenario_files = {dir.file("same.npy")};
  const RobustnessRun file = run_robustness(req);
  req.scenario_files.clear();
  req.model_dir = dir.file("gbm");
  req.paths = 101;
  req.horizon = 300;
  req.seed = 5;
  for (std::size_t block : {0, 1, 10, 101}) {
    req.block_paths = block;
    const RobustnessRun model = run_robustness(req);
    ASSERT_EQ(model.sources.size(), 1u);
    EXPECT_EQ(model.sources[0].first, "model");
    EXPECT_EQ(to_json(model.sources[0].second).dump(), to_json(file.sources[0].second).dump())
        << "blocks of " << block;
  }
}

TEST(Trading, ScenariosWithOtherAssetsAreRefused) {
  test::TempDir dir;
  Scenarios s(3, 300, 2);  // two assets; the S&P file has one
  write_npy(dir.file("s.npy"), s);
  RobustnessRequest req;
  req.base.data.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  req.base.strategy = "sma";
  req.scenario_files = {dir.file("s.npy")};
  test::expect_error([&] { run_robustness(req); }, ErrorCategory::Usage, {"s.npy", "2 series"});
}

}  // namespace
}  // namespace fingen::trading
