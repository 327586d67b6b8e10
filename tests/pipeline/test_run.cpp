// pipeline::run_pipeline: the stages of `fingen run` as one library call with typed results, and
// the report built from those results equal to the report read back from the run directory.
#include "fingen/pipeline/run.hpp"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fingen/core/io.hpp"
#include "fingen/pipeline/stages.hpp"
#include "fingen/report/html.hpp"
#include "fingen/scenario/train_log.hpp"
#include "test_util.hpp"

namespace fingen::pipeline {
namespace {

std::string small_config(const test::TempDir& dir, bool with_risk) {
  const std::string risk =
      with_risk ? R"(, "risk": {"level": 0.99, "models": ["historical"], "window": 250,
                     "refit": 100},
                     "trading": {"strategy": "sma", "options": {"fast": 3, "slow": 10}},
                     "portfolio": {"window": 250, "every": 63,
                                   "screen": {"random": 50, "top": 3}},
                     "forecast": {"target": "IBM", "kind": "volatility", "horizon": 2,
                                  "quantiles": [0.1, 0.9], "models": ["naive", "ar"],
                                  "refit_every": 250},
                     "credit": {"file": ")" +
                      test::bundled("german_credit.csv") + R"(",
                                "positive": "Bad", "models": ["logistic", "mahalanobis"],
                                "oversamplers": ["smote"], "options": {"smote": {"k": 3}},
                                "folds": 3, "repeats": 1},
                     "detect": {"models": ["mahalanobis"], "window": 10, "repeats": 2})"
                : "";
  return dir.write("c.json", R"({"name": "small", "data": {"file": ")" +
                                 test::bundled("dow_jones_30.csv") +
                                 R"(", "series": ["AA", "IBM"]},
    "split": {"test_start": "1999-01-01"},
    "models": [{"name": "walk", "model": "gbm"}, {"name": "boot", "model": "bootstrap"}],
    "generate": {"paths": 40, "horizon": 20, "seed": 3})" +
                                 risk + "}");
}

TEST(PipelineRun, StagesInOrderWithTypedResultsAndFiles) {
  test::TempDir dir;
  const PipelineConfig c = read_config(small_config(dir, true), dir.file("run"));
  std::vector<std::string> stages, done;
  RunObserver o;
  o.stage = [&](const std::string& s) { stages.push_back(s.substr(0, s.find(' '))); };
  o.model_done = [&](const ModelRun& m, const GenerateResult& g) {
    done.push_back(m.name);
    EXPECT_EQ(g.scenarios.paths, 40u);
    EXPECT_EQ(g.scenarios.horizon, 20u);
    EXPECT_EQ(g.scenarios.assets, 2u);
  };
  std::size_t backtests = 0;
  o.backtest_result = [&](const risk::VarBacktestResult& b) {
    EXPECT_EQ(b.model, "historical");
    ++backtests;
  };
  const RunResult r = run_pipeline(c, o);
  EXPECT_EQ(stages, (std::vector<std::string>{
                        "fit", "fit", "evaluate", "risk",
                        "trading:", "portfolio:", "forecast:", "credit:", "detect:", "report"}));
  EXPECT_EQ(done, (std::vector<std::string>{"walk", "boot"}));
  EXPECT_EQ(backtests, 1u);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_EQ(r.train_end, "1998-12-31");
  EXPECT_EQ(r.evaluation.comparison.names, (std::vector<std::string>{"walk", "boot"}));
  EXPECT_EQ(format_index(r.evaluation.real.kind, r.evaluation.real.index.front()), "1999-01-04");
  EXPECT_EQ(r.evaluation.scenarios.size(), 2u);
  ASSERT_TRUE(r.risk.has_value());
  EXPECT_EQ(r.risk->results.size(), 1u);
  EXPECT_GT(r.charts, 4);
  ASSERT_TRUE(r.trading.has_value());
  ASSERT_EQ(r.trading->sources.size(), 2u);
  EXPECT_EQ(r.trading->sources[0].name, "walk");
  EXPECT_EQ(r.trading->sources[0].sharpe.size(), 40u);  // one per scenario path
  EXPECT_EQ(r.trading->dates.size(), r.trading->net.size());
  ASSERT_TRUE(r.portfolio.has_value());
  EXPECT_EQ(r.portfolio->assets, (std::vector<std::string>{"AA", "IBM"}));
  EXPECT_EQ(r.portfolio->historical.size(), 6u);
  EXPECT_EQ(r.portfolio->estimated_on, "1991-01-02 .. 1998-12-31");  // returns from day 2
  ASSERT_EQ(r.portfolio->by_model.size(), 2u);
  EXPECT_EQ(r.portfolio->by_model[1].first, "boot");
  ASSERT_EQ(r.portfolio->backtest.size(), 6u);
  EXPECT_EQ(r.portfolio->backtest[0].equity.size(), r.portfolio->dates.size());
  ASSERT_EQ(r.portfolio->screens.size(), 2u);
  EXPECT_EQ(r.portfolio->screens[0].second.evaluated, 56u);     // 50 random + 6 optimisers
  EXPECT_EQ(r.portfolio->screens[0].second.passed.size(), 3u);  // no thresholds: the top 3
  ASSERT_TRUE(r.forecast.has_value());
  EXPECT_EQ(r.forecast->models, (std::vector<std::string>{"naive", "ar"}));
  EXPECT_EQ(r.forecast->dates.front(), "1999-01-04");  // forecasts from split.test_start
  EXPECT_EQ(r.forecast->band_model, "naive");
  // Benchmarks naive and ar (volatility): each against the other, at horizons 1 and 2.
  EXPECT_EQ(r.forecast->tables.at("dm").size(), 4u);
  // Credit: logistic, logistic + smote, mahalanobis (unsupervised: not oversampled), each with
  // 3 fold scores and one out-of-fold score per row of the 1,000.
  ASSERT_TRUE(r.credit.has_value());
  ASSERT_EQ(r.credit->results.size(), 3u);
  EXPECT_EQ(r.credit->results[1].oversampling, "smote");
  EXPECT_EQ(r.credit->results[2].name, "mahalanobis");
  EXPECT_EQ(r.credit->results[0].auroc.size(), 3u);
  EXPECT_EQ(r.credit->results[0].oof.size(), 1000u);
  EXPECT_EQ(r.credit->positives, 300u);
  ASSERT_EQ(r.credit->privacy.size(), 1u);
  EXPECT_GT(r.credit->results[0].auroc_ci.mean, 0.7);
  // Detect: mahalanobis on windows of AA and IBM, tests from split.test_start.
  ASSERT_TRUE(r.detect.has_value());
  EXPECT_EQ(r.detect->first_test, "1999-01-04");
  EXPECT_EQ(r.detect->window, 10u);
  EXPECT_EQ(r.detect->types,
            (std::vector<std::string>{"spike", "pump_dump", "correlation", "largest_moves"}));
  EXPECT_EQ(r.detect->rows.size(), 4u);
  for (const std::string f :
       {"manifest.json", "metrics.json", "backtest.json", "backtest_days.csv", "trading.json",
        "portfolio.json", "forecast.json", "credit.json", "detect.json", "report.html",
        "scenarios/walk.npy", "scenarios/boot.npy", "models/walk/model.json",
        "models/boot/manifest.json"})
    EXPECT_TRUE(std::filesystem::exists(r.dir + "/" + f)) << f;
  // The scenarios on disk are the ones evaluated.
  EXPECT_EQ(read_scenarios_npy(r.models[1].scenarios_file).data, r.evaluation.scenarios[1].data);
}

// The report of `fingen run` comes from the results in memory; `fingen report` reads the run
// directory back through the library's readers. Both pages are the same, byte for byte.
TEST(PipelineRun, ReportFromResultsEqualsReportReadBack) {
  test::TempDir dir;
  const RunResult r = run_pipeline(read_config(small_config(dir, true), dir.file("run")));
  const std::string again = dir.file("again.html");
  const int charts = report::write_run_report(r.dir, again);
  EXPECT_EQ(charts, r.charts);
  EXPECT_EQ(read_file(again), read_file(r.report_file));
  const report::RunData d = report::read_run(r.dir);
  EXPECT_EQ(d.names, (std::vector<std::string>{"walk", "boot"}));
  EXPECT_TRUE(d.training.empty());  // neither model trains
  EXPECT_FALSE(d.var_days.empty());
  ASSERT_EQ(d.var_tests.size(), 1u);
  EXPECT_EQ(d.var_tests[0].days, r.risk->results[0].tests.n);
  EXPECT_EQ(d.var_tests[0].exceptions, r.risk->results[0].tests.exceptions);
  ASSERT_TRUE(d.trading.has_value());
  EXPECT_EQ(d.trading->net, r.trading->net);  // numbers survive the file exactly
  EXPECT_EQ(d.trading->sources[1].sharpe.size(), 40u);
  ASSERT_TRUE(d.portfolio.has_value());
  EXPECT_EQ(d.portfolio->backtest[2].equity, r.portfolio->backtest[2].equity);
  EXPECT_EQ(d.portfolio->historical[4].weights, r.portfolio->historical[4].weights);
  EXPECT_EQ(d.portfolio->screens[1].second.passed.size(),
            r.portfolio->screens[1].second.passed.size());
  ASSERT_TRUE(d.detect.has_value());
  EXPECT_EQ(d.detect->rows.size(), r.detect->rows.size());
  EXPECT_EQ(d.detect->rows[3].auroc, r.detect->rows[3].auroc);
  ASSERT_TRUE(d.credit.has_value());
  EXPECT_EQ(d.credit->labels, r.credit->labels);
  EXPECT_EQ(d.credit->results[1].oof, r.credit->results[1].oof);
  EXPECT_EQ(d.credit->results[2].auroc, r.credit->results[2].auroc);
  EXPECT_EQ(d.credit->privacy[0].check.synthetic_median,
            r.credit->privacy[0].check.synthetic_median);
  ASSERT_TRUE(d.forecast.has_value());
  EXPECT_EQ(d.forecast->point, r.forecast->point);
  EXPECT_EQ(d.forecast->upper, r.forecast->upper);
  EXPECT_EQ(d.forecast->tables, r.forecast->tables);
}

TEST(PipelineRun, DetectSectionIsCheckedBeforeAnyWork) {
  test::TempDir dir;
  auto config = [&](const std::string& name, const std::string& section) {
    return dir.write(name, R"({"name": "f", "data": {"file": ")" +
                               test::bundled("dow_jones_30.csv") + R"(", "series": ["AA"]},
      "split": {"test_start": "2000-12-20"}, "models": [{"model": "gbm"}], "detect": )" +
                               section + "}");
  };
  test::expect_error([&] { read_config(config("a.json", R"({"models": ["logistic"]})")); },
                     ErrorCategory::Usage, {"a.json", "detect.models", "supervised"});
  test::expect_error([&] { read_config(config("b.json", R"({"window": 1})")); },
                     ErrorCategory::Usage, {"b.json", "detect.window"});
  test::expect_error(
      [&] { read_config(config("c.json", R"({"options": {"autoencoder": {"steps": 5}}})")); },
      ErrorCategory::Usage, {"c.json", "detect.options", "'autoencoder'"});
}

TEST(PipelineRun, CreditSectionIsCheckedBeforeAnyWork) {
  test::TempDir dir;
  auto config = [&](const std::string& name, const std::string& section) {
    return dir.write(name, R"({"name": "f", "data": {"file": ")" +
                               test::bundled("dow_jones_30.csv") + R"(", "series": ["AA"]},
      "split": {"test_start": "2000-12-20"}, "models": [{"model": "gbm"}], "credit": )" +
                               section + "}");
  };
  const std::string table = "\"file\": \"" + test::bundled("german_credit.csv") + "\"";
  test::expect_error(
      [&] { read_config(config("a.json", "{" + table + ", \"models\": [\"tarot\"]}")); },
      ErrorCategory::Usage, {"a.json", "credit", "unknown detector 'tarot'"});
  test::expect_error(
      [&] { read_config(config("b.json", "{" + table + ", \"options\": {\"lr\": {}}}")); },
      ErrorCategory::Usage, {"b.json", "credit.options", "'lr'"});
  test::expect_error(
      [&] {
        read_config(config("c.json", "{" + table + ", \"options\": {\"smote\": {\"k\": 0}}}"));
      },
      ErrorCategory::Usage, {"c.json", "credit", "k must be in"});
  test::expect_error([&] { read_config(config("d.json", "{" + table + ", \"folds\": 1}")); },
                     ErrorCategory::Usage, {"d.json", "credit.folds"});
  test::expect_error([&] { read_config(config("e.json", R"({"models": ["logistic"]})")); },
                     ErrorCategory::Usage, {"e.json", "credit", "file"});
  test::expect_error([&] { read_config(config("f.json", "{" + table + ", \"seeds\": 1}")); },
                     ErrorCategory::Usage, {"f.json", "credit", "unknown key 'seeds'"});
}

TEST(PipelineRun, ForecastSectionIsCheckedBeforeAnyWork) {
  test::TempDir dir;
  auto config = [&](const std::string& name, const std::string& section) {
    return dir.write(name, R"({"name": "f", "data": {"file": ")" +
                               test::bundled("dow_jones_30.csv") + R"(", "series": ["AA", "IBM"]},
      "split": {"test_start": "2000-12-20"}, "models": [{"model": "gbm"}],
      "generate": {"paths": 10, "horizon": 50}, "forecast": )" +
                               section + "}");
  };
  test::expect_error([&] { read_config(config("a.json", R"({"models": ["astrology"]})")); },
                     ErrorCategory::Usage, {"a.json", "unknown forecaster 'astrology'"});
  test::expect_error(
      [&] { read_config(config("b.json", R"({"models": ["ar"], "options": {"ar": {"p": 1}}})")); },
      ErrorCategory::Usage, {"b.json", "forecast", "'p'"});
  test::expect_error([&] { read_config(config("c.json", R"({"kind": "prices"})")); },
                     ErrorCategory::Usage, {"c.json", "forecast.kind"});
  test::expect_error([&] { read_config(config("d.json", R"({"horizon": 0})")); },
                     ErrorCategory::Usage, {"d.json", "horizon"});
  // A target that is not loaded, and a horizon longer than the 8 test rows: refused before any
  // model is fitted, so nothing is written.
  const PipelineConfig e =
      read_config(config("e.json", R"({"target": "KO", "models": ["ar"]})"), dir.file("run_e"));
  test::expect_error([&] { run_pipeline(e); }, ErrorCategory::Usage, {"e.json", "KO"});
  const PipelineConfig f =
      read_config(config("f.json", R"({"horizon": 20, "models": ["ar"]})"), dir.file("run_f"));
  test::expect_error([&] { run_pipeline(f); }, ErrorCategory::Usage, {"f.json", "horizon 20"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("run_e") + "/models"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("run_f") + "/models"));
}

TEST(PipelineRun, PortfolioSectionIsCheckedBeforeAnyWork) {
  test::TempDir dir;
  auto config = [&](const std::string& name, const std::string& series,
                    const std::string& section) {
    return dir.write(name, R"({"name": "p", "data": {"file": ")" +
                               test::bundled("dow_jones_30.csv") + R"(", "series": [)" + series +
                               R"(]}, "split": {"test_start": "1999-01-01"},
      "models": [{"model": "gbm"}], "generate": {"paths": 10, "horizon": 50}, "portfolio": )" +
                               section + "}");
  };
  test::expect_error([&] { read_config(config("a.json", R"("AA", "KO")", R"({"window": 5})")); },
                     ErrorCategory::Usage, {"a.json", "portfolio.window"});
  test::expect_error(
      [&] { read_config(config("b.json", R"("AA", "KO")", R"({"methods": ["astrology"]})")); },
      ErrorCategory::Usage, {"b.json", "unknown method 'astrology'"});
  test::expect_error(
      [&] { read_config(config("c.json", R"("AA", "KO")", R"({"screen": {"nope": 1}})")); },
      ErrorCategory::Usage, {"c.json", "unknown key 'nope'"});
  // One asset: refused before any model is fitted, so nothing is written.
  const PipelineConfig one = read_config(config("d.json", R"("AA")", "{}"), dir.file("run1"));
  test::expect_error([&] { run_pipeline(one); }, ErrorCategory::Usage, {"at least 2 assets"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("run1") + "/models"));
}

TEST(PipelineRun, TradingSectionIsCheckedBeforeAnyWork) {
  test::TempDir dir;
  const std::string base = R"({"name": "t", "data": {"file": ")" +
                           test::bundled("dow_jones_30.csv") +
                           R"(", "series": ["AA"]}, "split": {"test_start": "1999-01-01"},
    "models": [{"model": "gbm"}], "generate": {"paths": 10, "horizon": 50}, "trading": )";
  test::expect_error([&] { read_config(dir.write("a.json", base + R"({"strategy": "sma"}})")); },
                     ErrorCategory::Usage, {"a.json", "generate.horizon"});
  test::expect_error([&] { read_config(dir.write("b.json", base + R"({"strategy": "nope"}})")); },
                     ErrorCategory::Usage, {"b.json", "unknown strategy 'nope'"});
  test::expect_error(
      [&] {
        read_config(dir.write(
            "c.json", base + R"({"strategy": "momentum", "backtest": {"spread_bps": -1}}})"));
      },
      ErrorCategory::Usage, {"c.json", "spread_bps"});
  test::expect_error(
      [&] { read_config(dir.write("d.json", base + R"({"strategy": "sma", "extra": 1}})")); },
      ErrorCategory::Usage, {"d.json", "unknown key 'extra'"});
}

TEST(PipelineRun, WithoutRiskSectionNoBacktest) {
  test::TempDir dir;
  const RunResult r = run_pipeline(read_config(small_config(dir, false), dir.file("run")));
  EXPECT_FALSE(r.risk.has_value());
  EXPECT_FALSE(std::filesystem::exists(r.dir + "/backtest.json"));
  const std::string again = dir.file("again.html");
  report::write_run_report(r.dir, again);
  EXPECT_EQ(read_file(again), read_file(r.report_file));
}

TEST(PipelineStages, FitRequestErrorsBeforeAnyDirectoryIsMade) {
  test::TempDir dir;
  FitRequest f;
  f.kind = "gbm";
  f.options = {{"no_such_option", 1}};
  f.data.file = test::bundled("dow_jones_30.csv");
  f.out = dir.file("m");
  EXPECT_THROW(fit_model(f), Error);
  f.options = nlohmann::json::object();
  f.resume = true;  // nothing to resume from
  EXPECT_THROW(fit_model(f), Error);
  EXPECT_FALSE(std::filesystem::exists(f.out));
}

TEST(PipelineStages, GenerateRefusesEmptyAndOverflowingRequests) {
  GenerateRequest g;
  g.model_dir = "unused";
  g.paths = 0;
  g.horizon = 5;
  EXPECT_THROW(generate_scenarios(g), Error);
  g.paths = std::size_t{1} << 40;
  g.horizon = std::size_t{1} << 30;
  EXPECT_THROW(generate_scenarios(g), Error);
}

TEST(PipelineStages, GenerateInBlocksWritesTheSameBytesAsInOnePiece) {
  // keep = false (the CLI): blocks written at their offsets, never the whole set in memory; the
  // CSV read back from the .npy. Byte for byte what generating in one piece writes.
  test::TempDir dir;
  FitRequest f;
  f.kind = "garch";
  f.data.file = test::bundled("dow_jones_30.csv");
  f.data.series = {"AA", "IBM"};
  f.out = dir.file("m");
  fit_model(f);
  GenerateRequest g;
  g.model_dir = f.out;
  g.paths = 50;
  g.horizon = 7;
  g.seed = 4;
  g.out = dir.file("one.npy");
  g.csv = dir.file("one.csv");
  const GenerateResult one = generate_scenarios(g);
  EXPECT_EQ(one.scenarios.paths, 50u);
  for (std::size_t block : {1, 8, 49, 50, 64}) {
    g.keep = false;
    g.block_paths = block;
    g.out = dir.file("blocks.npy");
    g.csv = dir.file("blocks.csv");
    const GenerateResult r = generate_scenarios(g);
    EXPECT_TRUE(r.scenarios.data.empty());
    EXPECT_EQ(r.paths, 50u);
    EXPECT_EQ(r.horizon, 7u);
    EXPECT_EQ(r.assets, 2u);
    EXPECT_EQ(read_file(g.out), read_file(dir.file("one.npy"))) << "blocks of " << block;
    EXPECT_EQ(read_file(g.csv), read_file(dir.file("one.csv"))) << "blocks of " << block;
    // Kept in memory as well: the same numbers.
    g.keep = true;
    g.out = dir.file("kept.npy");
    g.csv.clear();
    EXPECT_EQ(generate_scenarios(g).scenarios.data, one.scenarios.data);
  }
}

TEST(PipelineStages, ModelVarInBlocksEqualsTheVarOfTheSamePathsInOneFile) {
  test::TempDir dir;
  FitRequest f;
  f.kind = "garch";
  f.data.file = test::bundled("dow_jones_30.csv");
  f.data.series = {"AA", "IBM"};
  f.out = dir.file("m");
  fit_model(f);
  ScenarioRiskOptions o;
  o.weights = {0.7, 0.3};
  o.horizon = 5;
  o.levels = {0.95, 0.99};
  const auto model = scenario::load_generator(f.out);
  const ScenarioRisk all = scenario_var_es(generate_checked(*model, 3001, 5, 9), o);
  for (std::size_t block : {0, 1, 37, 3001}) {
    ModelRiskRequest m;
    m.model_dir = f.out;
    m.paths = 3001;
    m.seed = 9;
    m.risk = o;
    m.block_paths = block;
    const ModelRisk r = model_var_es(m);
    EXPECT_EQ(r.kind, "garch");
    EXPECT_EQ(r.ranks, 1);
    ASSERT_EQ(r.risk.levels.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
      const risk::VarEsInterval &a = all.levels[i], &b = r.risk.levels[i];
      EXPECT_EQ(b.estimate.var, a.estimate.var) << "blocks of " << block;
      EXPECT_NEAR(b.estimate.es, a.estimate.es, 1e-13 * a.estimate.es);
      EXPECT_EQ(b.var_lo, a.var_lo);
      EXPECT_EQ(b.var_hi, a.var_hi);
      EXPECT_TRUE(std::isnan(b.es_lo));  // no ES interval without all the losses
    }
  }
  ModelRiskRequest bad;
  bad.model_dir = f.out;
  bad.paths = 10;
  bad.risk = o;
  bad.risk.weights = {1.0};
  test::expect_error([&] { model_var_es(bad); }, ErrorCategory::Usage, {"weights"});
}

TEST(PipelineStages, VarBacktestChecksModelNamesBeforeReadingData) {
  VarBacktestRequest b;
  b.data.file = "/no/such/file.csv";
  b.models = {"historical", "no-such-model"};
  try {
    run_var_backtests(b);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::Usage);
    EXPECT_NE(std::string(e.what()).find("no-such-model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fingen::pipeline
