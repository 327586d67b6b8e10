// The CLI's subcommands, run in-process as `fingen` runs them.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/pipeline/config.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "test_util.hpp"

namespace fingen::cli {
namespace {

TEST(CliDataInspect, WritesJsonForEveryBundledKind) {
  test::TempDir dir;
  DataInspectArgs args;
  args.files = {test::bundled("sp500_ohlcv_2000_2020.csv"),
                test::bundled("treasury_yields_daily.csv"), test::bundled("lending_club.csv")};
  args.json = dir.file("inspect.json");
  std::ostringstream out;
  ASSERT_EQ(run_data_inspect(args, out), kOk);
  EXPECT_NE(out.str().find("rows 5105, columns 7, date 2000-01-03 .. 2020-04-17"),
            std::string::npos)
      << out.str();
  const auto j = nlohmann::json::parse(read_file(args.json));
  ASSERT_EQ(j["files"].size(), 3u);
  const auto& sp = j["files"][0];
  EXPECT_EQ(sp["format"], "ohlcv");
  EXPECT_EQ(sp["index"]["kind"], "date");
  EXPECT_EQ(sp["sha256"], "45d83d7ac74db4034f5ab0883340a96372f52b51c135ea1a03e8745028a44a5c");
  bool close_found = false;
  for (const auto& s : sp["series"]) {
    if (s["name"] == "close") {
      close_found = true;
      EXPECT_EQ(s["log_returns"]["n"], 5104);
      EXPECT_NEAR(s["log_returns"]["sd"].get<double>(), 0.012549844501676734, 1e-12);
      EXPECT_EQ(s["log_returns"]["ljung_box"]["lags"], 10);
    }
    if (s["name"] == "volume") {
      EXPECT_TRUE(s["log_returns"].is_null());
    }
  }
  EXPECT_TRUE(close_found);
  EXPECT_EQ(j["files"][1]["index"]["kind"], "observation");
  EXPECT_EQ(j["files"][2]["format"], "labelled");
  EXPECT_EQ(j["files"][2]["label"]["positives"], 517);
}

TEST(CliDataInspect, BadFileFailsWithoutWritingOutput) {
  test::TempDir dir;
  DataInspectArgs args;
  args.files = {test::bundled("msft_ohlcv_2000_2001.csv"),
                dir.write("bad.csv", "date,a\n2020-01-02,1\n2020-01-03,x\n")};
  args.json = dir.file("out.json");
  std::ostringstream out;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_data_inspect(args, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("bad.csv:3: column 'a': expected a number, found 'x'"), std::string::npos)
      << err;
  EXPECT_FALSE(std::filesystem::exists(args.json));
}

TEST(CliDataInspect, UsageErrorExitsTwo) {
  DataInspectArgs args;
  args.files = {test::bundled("msft_ohlcv_2000_2001.csv")};
  args.format = "parquet";
  std::ostringstream out;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_data_inspect(args, out), kUsageError);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("unknown format 'parquet'"),
            std::string::npos);
}

TEST(CliDataClean, AlignsFillsConvertsAndTreatsOutliers) {
  test::TempDir dir;
  DataCleanArgs args;
  args.files = {test::bundled("gold_silver.csv"), test::bundled("swiss_indices_2000_2007.csv")};
  args.out = dir.file("clean.csv");
  args.report = dir.file("clean.json");
  args.join = "ffill";
  args.max_fill = 3;
  args.to_returns = true;
  args.outliers = "winsorize";
  args.threshold = 10;
  std::ostringstream out;
  ASSERT_EQ(run_data_clean(args, out), kOk) << out.str();
  const Panel r = data::read_panel(args.out, data::ReadOptions().values(ValueKind::Returns));
  EXPECT_EQ(r.cols(), 8u);
  EXPECT_FALSE(r.values.array().isNaN().any());
  // Gold/silver goes on to 2012; the Swiss series (last 2007-05-08) is carried 3 rows further.
  EXPECT_EQ(format_index(r.kind, r.index.back()), "2007-05-11");
  const auto rep = nlohmann::json::parse(read_file(args.report));
  EXPECT_EQ(rep["output"]["rows"], r.rows());
  EXPECT_GT(rep["outliers"]["found"].get<int>(), 0);  // the Swiss real-estate index has jumps
  EXPECT_EQ(rep["outliers"]["list"].size(), rep["outliers"]["found"].get<std::size_t>());
  EXPECT_TRUE(parse_date(rep["outliers"]["list"][0]["index"].get<std::string>()).has_value());
}

TEST(CliDataClean, RejectsBadOptionsBeforeReading) {
  test::TempDir dir;
  DataCleanArgs args;
  args.files = {test::bundled("gold_silver.csv")};
  args.out = dir.file("x.csv");
  args.missing = "mean";
  std::ostringstream out;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_data_clean(args, out), kUsageError);
  testing::internal::GetCapturedStderr();
  EXPECT_FALSE(std::filesystem::exists(args.out));
}

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

TEST(CliFitGenerate, EachBaselineFromFileToNpy) {
  for (const std::string model : {"gbm", "garch", "bootstrap"}) {
    test::TempDir dir;
    FitArgs fit;
    fit.model = model;
    fit.data = test::bundled("dow_jones_30.csv");
    fit.series = {"AA", "IBM"};
    fit.end = "1999-12-31";
    fit.out = dir.file("model");
    fit.quiet = true;
    std::ostringstream out;
    ASSERT_EQ(run_fit(fit, out), kOk) << model;
    const auto manifest = nlohmann::json::parse(read_file(fit.out + "/manifest.json"));
    EXPECT_EQ(manifest["data"]["last"], "1999-12-31") << model;
    EXPECT_EQ(manifest["data"]["sha256"], sha256_file(fit.data));
    EXPECT_EQ(manifest["options"]["model"], model);

    GenerateArgs gen;
    gen.model = fit.out;
    gen.paths = 50;
    gen.horizon = 20;
    gen.seed = 5;
    gen.out = dir.file("scen.npy");
    gen.quiet = true;
    ASSERT_EQ(run_generate(gen, out), kOk) << model;
    const Scenarios s = read_scenarios_npy(gen.out);
    EXPECT_EQ(s.paths, 50u);
    EXPECT_EQ(s.horizon, 20u);
    EXPECT_EQ(s.assets, 2u);
    const auto gm = nlohmann::json::parse(read_file(dir.file("scen.manifest.json")));
    EXPECT_EQ(gm["options"]["seed"], 5);
    EXPECT_EQ(gm["names"], (std::vector<std::string>{"AA", "IBM"}));
    // Same seed, same file.
    const std::string first = read_file(gen.out);
    ASSERT_EQ(run_generate(gen, out), kOk);
    EXPECT_EQ(read_file(gen.out), first) << model;
  }
}

TEST(CliFitGenerate, BadOptionsAndInputs) {
  test::TempDir dir;
  std::ostringstream out;
  FitArgs fit;
  fit.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  fit.out = dir.file("m");
  fit.model = "prophet";
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_fit(fit, out), kUsageError);
  fit.model = "garch";
  fit.set = {"innovation=cauchy"};
  EXPECT_EQ(run_fit(fit, out), kUsageError);
  fit.set = {"innovation=t"};
  fit.data = test::bundled("lending_club.csv");
  EXPECT_EQ(run_fit(fit, out), kUsageError);
  fit.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  fit.start = "2030-01-01";
  EXPECT_EQ(run_fit(fit, out), kUsageError);
  fit.start = "01/01/2001";
  EXPECT_EQ(run_fit(fit, out), kUsageError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("unknown model 'prophet'"), std::string::npos) << err;
  EXPECT_NE(err.find("labelled table"), std::string::npos) << err;
  EXPECT_NE(err.find("'01/01/2001' is not a valid date"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(fit.out));

  GenerateArgs gen;
  gen.model = dir.path().string();  // no model.json here
  gen.paths = 10;
  gen.horizon = 10;
  gen.out = dir.file("x.npy");
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_generate(gen, out), kRuntimeError);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("model.json"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(gen.out));
}

// Sizes whose product wraps around 2^64 are refused as usage errors, before anything is allocated.
TEST(CliFitGenerate, HugeSizesAreUsageErrors) {
  test::TempDir dir;
  std::ostringstream out;
  FitArgs fit;
  fit.model = "gbm";
  fit.data = test::bundled("dow_jones_30.csv");
  fit.series = {"AA", "IBM"};
  fit.end = "1999-12-31";
  fit.out = dir.file("model");
  fit.quiet = true;
  ASSERT_EQ(run_fit(fit, out), kOk);
  GenerateArgs gen;
  gen.model = fit.out;
  gen.out = dir.file("x.npy");
  gen.quiet = true;
  gen.paths = std::size_t{1} << 32;
  gen.horizon = std::size_t{1} << 32;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_generate(gen, out), kUsageError);
  gen.paths = 400'000'000'000;  // 8e11 steps fit, but not 1.6e12 values for the two series
  gen.horizon = 2;
  EXPECT_EQ(run_generate(gen, out), kUsageError);
  gen.paths = 200'000'000'000;  // 8e11 values may be streamed, but not into 6.4 TB of free disk
  EXPECT_EQ(run_generate(gen, out), kUsageError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("overflows"), std::string::npos) << err;
  EXPECT_NE(err.find("2 series is too many values"), std::string::npos) << err;
  EXPECT_NE(err.find("need 6400.0 GB on disk, but only"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(gen.out));
}

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

#ifdef FINGEN_HAVE_TORCH
TEST(CliFitGenerate, GanFromFileToNpyAndResume) {
  test::TempDir dir;
  FitArgs fit;
  fit.model = "wgan-gp";
  fit.set = {"generator=tcn", "discriminator=tcn"};
  fit.data = test::bundled("msft_ohlcv_2000_2001.csv");
  fit.out = dir.file("gan");
  fit.set.push_back("window=16");
  fit.set.push_back("hidden=8");
  fit.set.push_back("batch_size=16");
  fit.set.push_back("steps=6");
  fit.set.push_back("checkpoint_every=3");
  fit.set.push_back("eval_every=3");
  fit.set.push_back("threads=1");
  fit.quiet = true;
  std::ostringstream out;
  testing::internal::CaptureStderr();
  ASSERT_EQ(run_fit(fit, out), kOk);
  fit.set.push_back("steps=9");
  fit.resume = true;
  ASSERT_EQ(run_fit(fit, out), kOk);
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::filesystem::exists(fit.out + "/checkpoints/last.pt"));
  const auto state = nlohmann::json::parse(read_file(fit.out + "/checkpoints/train_state.json"));
  EXPECT_EQ(state["step"], 9);
  GenerateArgs gen;
  gen.model = fit.out;
  gen.paths = 20;
  gen.horizon = 250;
  gen.out = dir.file("gan.npy");
  gen.quiet = true;
  ASSERT_EQ(run_generate(gen, out), kOk);
  const Scenarios s = read_scenarios_npy(gen.out);
  EXPECT_EQ(s.horizon, 250u);
  const auto gm = nlohmann::json::parse(read_file(dir.file("gan.manifest.json")));
  EXPECT_EQ(gm["fit"]["data"]["sha256"], sha256_file(fit.data));
  EXPECT_EQ(gm["model"], "gan");
}
#endif

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

// Fits `model` on `data` (up to `end`) into DIR/model and generates DIR/scen.npy.
void fit_and_generate(const test::TempDir& dir, const std::string& model, const std::string& data,
                      const std::string& end, std::size_t paths, std::size_t horizon, FitArgs& fit,
                      GenerateArgs& gen) {
  std::ostringstream out;
  fit.model = model;
  fit.data = data;
  fit.end = end;
  fit.out = dir.file("model");
  fit.quiet = true;
  ASSERT_EQ(run_fit(fit, out), kOk);
  gen.model = fit.out;
  gen.paths = paths;
  gen.horizon = horizon;
  gen.out = dir.file("scen.npy");
  gen.quiet = true;
  ASSERT_EQ(run_generate(gen, out), kOk);
}

// Through the command-line parser itself (the tests above call the commands directly): file
// options take paths. A count check on --scenarios once refused every file name.
TEST(CliParser, ScenarioFileOptionsTakePaths) {
  test::TempDir dir;
  FitArgs fit;
  GenerateArgs gen;
  fit_and_generate(dir, "gbm", test::bundled("sp500_ohlcv_2000_2020.csv"), "2017-12-31", 100, 30,
                   fit, gen);
  auto parse = [](std::vector<std::string> args, std::ostringstream& out) {
    CLI::App app;
    int code = kOk;
    EvaluateArgs ev;
    add_evaluate(app, ev, code, out);
    RiskVarArgs var;
    RiskBacktestArgs bt;
    add_risk(app, var, bt, code, out);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      ADD_FAILURE() << "parse error: " << e.what();
      return -1;
    }
    return code;
  };
  std::ostringstream out;
  EXPECT_EQ(parse({"evaluate", "--real", fit.data, "--start", "2018-01-01", "--scenarios", gen.out,
                   "--names", "gbm"},
                  out),
            kOk);
  EXPECT_NE(out.str().find("gbm"), std::string::npos) << out.str();
  EXPECT_EQ(parse({"risk", "var", "--scenarios", gen.out, "--level", "0.99"}, out), kOk);
  EXPECT_NE(out.str().find("99"), std::string::npos) << out.str();
}

TEST(CliRisk, VarBacktestAndStressFromBundledData) {
  test::TempDir dir;
  std::ostringstream out;
  FitArgs fit;
  GenerateArgs gen;
  fit_and_generate(dir, "gbm", test::bundled("eu_stock_markets.csv"), "", 2000, 10, fit, gen);

  RiskVarArgs var;
  var.scenarios = gen.out;
  var.weights = {0.4, 0.3, 0.2, 0.1};
  var.levels = {0.95, 0.99};
  var.horizon = 10;
  var.bootstrap = 100;  // the fewest resamples an ES interval accepts
  var.json = dir.file("var.json");
  ASSERT_EQ(run_risk_var(var, out), kOk);
  const auto vj = nlohmann::json::parse(read_file(var.json));
  ASSERT_EQ(vj["results"].size(), 2u);
  EXPECT_GT(vj["results"][1]["var"].get<double>(), vj["results"][0]["var"].get<double>());
  EXPECT_GT(vj["results"][1]["es"].get<double>(), vj["results"][1]["var"].get<double>());

  RiskBacktestArgs bt;
  bt.portfolio.data = test::bundled("eu_stock_markets.csv");
  bt.models = {"historical", "garch"};
  bt.window = 250;
  bt.refit = 100;
  bt.json = dir.file("bt.json");
  bt.csv = dir.file("bt.csv");
  ASSERT_EQ(run_risk_backtest(bt, out), kOk);
  const auto bj = nlohmann::json::parse(read_file(bt.json));
  ASSERT_EQ(bj["results"].size(), 2u);
  EXPECT_EQ(bj["results"][0]["days"], 1859 - 250);
  EXPECT_TRUE(bj["results"][1]["kupiec"]["p_value"].is_number());
  EXPECT_NE(out.str().find("garch"), std::string::npos);

  RiskStressArgs st;
  st.portfolio.data = test::bundled("eu_stock_markets.csv");
  st.model = fit.out;
  st.paths = 500;
  st.shocks = {-0.2, -0.1, -0.2, -0.1};
  st.json = dir.file("stress.json");
  ASSERT_EQ(run_risk_stress(st, out), kOk);
  const auto sj = nlohmann::json::parse(read_file(st.json));
  EXPECT_EQ(sj["historical"].size(), 5u);
  EXPECT_NEAR(sj["shock"]["loss"].get<double>(), 0.15, 1e-12);
  EXPECT_EQ(sj["model"]["results"].size(),
            2u);  // base and vol x 2; gbm has no memory for the crisis
  EXPECT_NE(out.str().find("skipped"), std::string::npos);

  bt.models = {"oracle"};
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_risk_backtest(bt, out), kUsageError);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("unknown risk model 'oracle'"),
            std::string::npos);
}

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

TEST(CliRun, PipelineFromConfigAndConfigErrors) {
  test::TempDir dir;
  const std::string config = dir.write("p.json", fmt::format(R"({{
    "name": "t",
    "data": {{"file": "{}", "series": ["AA", "IBM"]}},
    "split": {{"test_start": "1999-01-01"}},
    "models": [{{"name": "g", "model": "garch"}}, {{"model": "gbm"}}],
    "generate": {{"paths": 100, "horizon": 30, "seed": 3}},
    "risk": {{"level": 0.99, "models": ["historical"], "window": 250, "refit": 50}}
  }})",
                                                             test::bundled("dow_jones_30.csv")));
  RunArgs args;
  args.config = config;
  args.out = dir.file("run");
  args.quiet = true;
  std::ostringstream out;
  ASSERT_EQ(run_pipeline(args, out), kOk) << out.str();
  const auto m = nlohmann::json::parse(read_file(args.out + "/manifest.json"));
  EXPECT_EQ(m["train_end"], "1998-12-31");
  EXPECT_EQ(m["models"], (std::vector<std::string>{"g", "gbm"}));
  const auto metrics = nlohmann::json::parse(read_file(args.out + "/metrics.json"));
  EXPECT_TRUE(metrics["models"]["g"]["AA/sd"].is_number());
  EXPECT_TRUE(std::filesystem::exists(args.out + "/scenarios/gbm.npy"));
  EXPECT_TRUE(std::filesystem::exists(args.out + "/backtest.json"));
  // The fitted model saw no day of the test period.
  const auto fit = nlohmann::json::parse(read_file(args.out + "/models/g/manifest.json"));
  EXPECT_EQ(fit["data"]["last"], "1998-12-31");

  testing::internal::CaptureStderr();
  args.config = dir.write(
      "bad.json", R"({"name": "t", "data": {"file": "x.csv"}, "split": {"test_start": "1999-01-01"},
                                          "models": [{"model": "gbm", "colour": "red"}]})");
  EXPECT_EQ(run_pipeline(args, out), kUsageError);
  args.config = dir.write("bad2.json", R"({"data": {}})");
  EXPECT_EQ(run_pipeline(args, out), kUsageError);
  // A bad option of the second model, a wrong type and a bad risk level are all found before the
  // first model trains: nothing is written.
  args.out = dir.file("never");
  for (
      const char* tail :
      {R"("models": [{"model": "gbm"}, {"model": "garch", "options": {"innovation": "cauchy"}}]})",
       R"("models": [{"model": "gbm"}, {"model": "bootstrap", "options": {"block_length": "x"}}]})",
       R"("models": [{"model": "gbm"}], "generate": {"paths": 2.5}})",
       R"("models": [{"model": "gbm"}], "risk": {"level": 1.5}})",
       R"("models": [{"model": "gbm"}], "risk": {"models": ["prophet"]}})"}) {
    args.config = dir.write(
        "bad4.json",
        std::string(
            R"({"name": "t", "data": {"file": "x.csv"}, "split": {"test_start": "1999-01-01"}, )") +
            tail);
    EXPECT_EQ(run_pipeline(args, out), kUsageError) << tail;
    EXPECT_FALSE(std::filesystem::exists(args.out)) << tail;
  }
  // A run name that would put the run directory elsewhere.
  args.out.clear();
  args.config = dir.write("bad5.json", R"({"name": "../../../x", "data": {"file": "x.csv"},
      "split": {"test_start": "1999-01-01"}, "models": [{"model": "gbm"}]})");
  EXPECT_EQ(run_pipeline(args, out), kUsageError);
  args.config = dir.write("bad3.json", "{ not json");
  EXPECT_EQ(run_pipeline(args, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("bad.json: models[0]: unknown key 'colour'"), std::string::npos) << err;
  EXPECT_NE(err.find("missing required key 'name'"), std::string::npos) << err;
  EXPECT_NE(err.find("bad3.json: invalid JSON"), std::string::npos) << err;
}

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

TEST(CliReport, PipelineWritesAReportWithValidChartSpecs) {
  test::TempDir dir;
  const std::string config =
      dir.write("p.json", fmt::format(R"({{
    "name": "r", "data": {{"file": "{}"}}, "split": {{"test_start": "2019-01-01"}},
    "models": [{{"model": "garch"}}, {{"model": "gbm"}}],
    "generate": {{"paths": 100, "horizon": 40, "seed": 3}},
    "risk": {{"level": 0.99, "models": ["historical"], "window": 250, "refit": 50}}
  }})",
                                      test::bundled("sp500_ohlcv_2000_2020.csv")));
  RunArgs args;
  args.config = config;
  args.out = dir.file("run");
  args.quiet = true;
  std::ostringstream out;
  ASSERT_EQ(run_pipeline(args, out), kOk) << out.str();
  const std::string html = read_file(args.out + "/report.html");
  EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  const std::size_t a = html.find("const specs = ") + 14, b = html.find(";\nwindow.fingenCharts");
  ASSERT_LT(a, b);
  std::string specs_text = html.substr(a, b - a);
  for (std::size_t at = specs_text.find("<\\/"); at != std::string::npos;
       at = specs_text.find("<\\/", at))
    specs_text.replace(at, 3, "</");
  const auto specs = nlohmann::json::parse(specs_text);
  EXPECT_EQ(specs.size(), 7u);  // paths, fan, density, QQ, ACF, leverage, backtest (no GAN here)
  std::size_t divs = 0;
  for (std::size_t at = html.find("class=\"chart\""); at != std::string::npos;
       at = html.find("class=\"chart\"", at + 1))
    ++divs;
  EXPECT_EQ(divs, specs.size());
  for (const auto& s : specs) EXPECT_TRUE(s.contains("data")) << s.dump().substr(0, 200);
  EXPECT_NE(html.find("<td>historical</td>"), std::string::npos);  // backtest table
  ReportArgs bad;
  bad.run = dir.path().string();  // not a run directory
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_report(bad, out), kRuntimeError);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("manifest.json"), std::string::npos);
}

}  // namespace
}  // namespace fingen::cli

#ifdef FINGEN_HAVE_TORCH
namespace fingen::cli {
namespace {
TEST(CliEvaluate, PosthocScoresJoinTheTable) {
  test::TempDir dir;
  std::ostringstream out;
  FitArgs fit;
  GenerateArgs gen;
  fit_and_generate(dir, "garch", test::bundled("sp500_ohlcv_2000_2020.csv"), "2017-12-31", 200, 48,
                   fit, gen);
  EvaluateArgs ev;
  ev.real = fit.data;
  ev.start = "2018-01-01";
  ev.scenarios = {gen.out};
  ev.posthoc_window = 24;
  ev.posthoc_iterations = 50;
  ev.json = dir.file("m.json");
  ASSERT_EQ(run_evaluate(ev, out), kOk);
  const auto j = nlohmann::json::parse(read_file(ev.json));
  const double d = j["models"]["scen"]["discriminative_score"].get<double>();
  EXPECT_GE(d, 0.0);
  EXPECT_LE(d, 0.5);
  EXPECT_GT(j["models"]["scen"]["predictive_score"].get<double>(), 0.0);
  EXPECT_TRUE(j["predictive_score_train_on_real"].is_number());
  EXPECT_NE(out.str().find("0.102"), std::string::npos);
}
}  // namespace
}  // namespace fingen::cli
#endif

namespace fingen::cli {
namespace {
// Every shipped example config passes the whole-config validation (models through the registry).
TEST(CliRun, EveryExampleConfigIsValid) {
  const std::filesystem::path examples =
      std::filesystem::path(FINGEN_BUNDLED_DATA_DIR).parent_path() / "examples";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(examples)) {
    if (e.path().extension() != ".json") continue;
#ifndef FINGEN_HAVE_TORCH
    // Without LibTorch a GAN entry is a clear usage error naming the unknown kind.
    if (read_file(e.path().string()).find("gan") != std::string::npos) {
      test::expect_error([&] { pipeline::read_config(e.path().string()); }, ErrorCategory::Usage,
                         {"unknown model"});
      ++n;
      continue;
    }
#endif
    EXPECT_NO_THROW(pipeline::read_config(e.path().string())) << e.path();
    ++n;
  }
  EXPECT_GE(n, 1);
}

// A fit that fails after creating its output directory removes it again (only when it made it and
// nothing was written into it); an existing directory stays.
TEST(CliFitGenerate, FailedFitLeavesNoEmptyModelDirectory) {
  test::TempDir dir;
  std::ostringstream out;
  FitArgs fit;
  fit.model = "garch";  // needs 50 observations; January 2000 has 20
  fit.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  fit.end = "2000-01-31";
  fit.out = dir.file("runs/garch");
  fit.quiet = true;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_fit(fit, out), kRuntimeError);  // too few rows is a data error
  std::filesystem::create_directories(dir.file("existing"));
  fit.out = dir.file("existing");
  EXPECT_EQ(run_fit(fit, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("garch: needs at least 50 observations"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs"))) << "the directories fit made stay";
  EXPECT_TRUE(std::filesystem::exists(dir.file("existing")));
}

// When the manifest cannot be written, `fingen generate` leaves no .npy (nor CSV) without it.
TEST(CliFitGenerate, GenerateLeavesNoScenariosWithoutTheirManifest) {
  test::TempDir dir;
  FitArgs fit;
  fit.series = {"AA"};
  GenerateArgs gen;
  fit_and_generate(dir, "gbm", test::bundled("dow_jones_30.csv"), "1999-12-31", 10, 5, fit, gen);
  std::filesystem::remove(gen.out);
  std::filesystem::remove(dir.file("scen.manifest.json"));
  // A directory (not empty) where the manifest should go: its rename fails.
  std::filesystem::create_directories(dir.file("scen.manifest.json/x"));
  gen.csv = dir.file("scen.csv");
  std::ostringstream out;
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_generate(gen, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("scen.manifest.json: cannot rename temporary file into place"),
            std::string::npos)
      << err;
  EXPECT_FALSE(std::filesystem::exists(gen.out));
  EXPECT_FALSE(std::filesystem::exists(gen.csv));
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos)
        << "temporary left behind: " << e.path();
  // With the obstacle gone, all three appear.
  std::filesystem::remove_all(dir.file("scen.manifest.json"));
  ASSERT_EQ(run_generate(gen, out), kOk);
  EXPECT_TRUE(std::filesystem::exists(gen.out));
  EXPECT_TRUE(std::filesystem::exists(gen.csv));
  EXPECT_TRUE(std::filesystem::exists(dir.file("scen.manifest.json")));
}

}  // namespace
}  // namespace fingen::cli

namespace fingen::cli {
namespace {

// The SMA 20/100 crossover on the bundled S&P 500: the same net result as the NumPy reference
// (tests/trading/golden, case sp500_sma_20_100), written with its fills and curves.
TEST(CliPortfolio, OptimizeAndFrontierOnTheSwissIndices) {
  test::TempDir dir;
  PortfolioArgs a;
  a.data = test::bundled("swiss_indices_2000_2007.csv");
  a.json = dir.file("p.json");
  std::ostringstream out;
  ASSERT_EQ(run_portfolio_optimize(a, out), kOk) << out.str();
  for (const char* m : {"equal_weight", "min_variance", "mean_cvar", "risk_parity", "max_sharpe"})
    EXPECT_NE(out.str().find(m), std::string::npos) << m << "\n" << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  EXPECT_EQ(j["command"], "portfolio optimize");
  ASSERT_EQ(j["portfolios"].size(), 6u);
  // The minimum-variance weights of fPortfolio (tests/portfolio/golden): SBI 0.6982.
  EXPECT_NEAR(j["portfolios"][1]["weights"]["SBI"].get<double>(), 0.6982, 1e-4);
  PortfolioArgs f;
  f.data = a.data;
  f.points = 5;
  f.csv = dir.file("frontier.csv");
  ASSERT_EQ(run_portfolio_frontier(f, out), kOk) << out.str();
  const std::string csv = read_file(f.csv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "mean,sd,SBI,SPI,SII,LP25,LP40,LP60");
  EXPECT_EQ(static_cast<int>(std::count(csv.begin(), csv.end(), '\n')), 6);
}

TEST(CliPortfolio, BacktestComparesEveryMethodOutOfSample) {
  test::TempDir dir;
  PortfolioArgs a;
  a.data = test::bundled("dow_jones_30.csv");
  a.window = 504;
  a.every = 63;
  a.json = dir.file("bt.json");
  std::ostringstream out;
  ASSERT_EQ(run_portfolio_backtest(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("30 assets"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  EXPECT_EQ(j["command"], "portfolio backtest");
  ASSERT_EQ(j["methods"].size(), 6u);
  for (const auto& m : j["methods"])
    EXPECT_LT(m["net"]["sharpe"].get<double>(), m["gross"]["sharpe"].get<double>()) << m["method"];
  a.json = dir.file("none.json");
  a.scenarios = dir.file("x.npy");
  testing::internal::CaptureStderr();
  EXPECT_EQ(run_portfolio_backtest(a, out), kUsageError);
  testing::internal::GetCapturedStderr();
  EXPECT_FALSE(std::filesystem::exists(a.json));
}

TEST(CliPortfolio, ScreenOverGarchScenarios) {
  test::TempDir dir;
  FitArgs fit;
  fit.model = "garch";
  fit.data = test::bundled("swiss_indices_2000_2007.csv");
  fit.out = dir.file("garch");
  fit.quiet = true;
  std::ostringstream out;
  ASSERT_EQ(run_fit(fit, out), kOk) << out.str();
  GenerateArgs gen;
  gen.model = fit.out;
  gen.paths = 300;
  gen.horizon = 21;
  gen.out = dir.file("g.npy");
  ASSERT_EQ(run_generate(gen, out), kOk) << out.str();
  PortfolioArgs a;
  a.data = fit.data;
  a.scenarios = gen.out;
  a.random = 100;
  a.min_sharpe = 1.0;
  a.single_assets = true;
  a.json = dir.file("screen.json");
  ASSERT_EQ(run_portfolio_screen(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("screened 112 candidates"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  EXPECT_EQ(j["evaluated"], 112);
  for (const auto& c : j["passed"]) EXPECT_GE(c["sharpe"].get<double>(), 1.0);
  // Single assets carry the data's names (the .npy itself has none).
  EXPECT_EQ(out.str().find("asset asset"), std::string::npos) << out.str();
}

TEST(CliPortfolio, InfeasibleBoundsAndMismatchedScenariosWriteNothing) {
  test::TempDir dir;
  PortfolioArgs a;
  a.data = test::bundled("swiss_indices_2000_2007.csv");
  a.json = dir.file("p.json");
  std::ostringstream out;
  testing::internal::CaptureStderr();
  a.lower = 0.2;
  EXPECT_EQ(run_portfolio_optimize(a, out), kUsageError);
  a.lower = 0;
  a.groups = {"stocks=SPI,NOPE:0:0.5"};
  EXPECT_EQ(run_portfolio_optimize(a, out), kUsageError);
  a.groups = {};
  Scenarios s(10, 20, 2);
  write_npy(dir.file("two.npy"), s);
  a.scenarios = dir.file("two.npy");
  EXPECT_EQ(run_portfolio_optimize(a, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("lower bounds sum to 1.2"), std::string::npos) << err;
  EXPECT_NE(err.find("no asset 'NOPE'"), std::string::npos) << err;
  EXPECT_NE(err.find("has 2 assets"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(a.json));
}

TEST(CliForecast, EvaluateComparesBaselinesWithDmTestsAndWritesJsonAndCsv) {
  test::TempDir dir;
  ForecastArgs a;
  a.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  a.kind = "volatility";
  a.horizon = 3;
  a.models = {"naive", "mean", "ar", "garch"};
  a.test_start = "2019-01-02";
  a.refit_every = 126;
  a.json = dir.file("f.json");
  a.csv = dir.file("f.csv");
  std::ostringstream out;
  ASSERT_EQ(run_forecast_evaluate(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("DM vs naive"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("DM vs ar"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  EXPECT_EQ(j["command"], "forecast evaluate");
  const auto& r = j["result"];
  EXPECT_EQ(r["first_origin"], "2018-12-31");
  ASSERT_EQ(r["models"].size(), 4u);
  // Volatility clusters: AR on realised volatility beats its historical mean out of sample.
  EXPECT_LT(r["models"][2]["overall"]["rmse"].get<double>(),
            r["models"][1]["overall"]["rmse"].get<double>());
  // 4 models, benchmarks naive and ar: 3 + 3 tests per horizon.
  EXPECT_EQ(r["dm"].size(), 6u * 3u);
  const std::string csv = read_file(a.csv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "origin,target_date,horizon,actual,naive,mean,ar,garch");
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')),
            1 + 3 * r["origins"].get<std::size_t>());
}

TEST(CliForecast, VolumeOfAnOhlcvFileIsAnInput) {
  ForecastArgs a;
  a.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  a.target = "adjusted";
  a.features = {"adjusted", "volume", "volume:abs"};
  a.models = {"zero", "ar"};
  a.test_start = "2019-01-02";
  a.refit_every = 200;
  std::ostringstream out;
  ASSERT_EQ(run_forecast_evaluate(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("returns of adjusted"), std::string::npos) << out.str();
}

TEST(CliForecast, FitThenPredictFromTheSavedModel) {
  test::TempDir dir;
  ForecastArgs f;
  f.data = test::bundled("dow_jones_30.csv");
  f.target = "IBM";
  f.features = {"IBM", "MSFT:rv"};
  f.model = "ar";
  f.horizon = 2;
  f.quantiles = {0.1, 0.9};
  f.model_dir = dir.file("ar");
  f.set = {"max_order=3"};
  std::ostringstream out;
  ASSERT_EQ(run_forecast_fit(f, out), kOk) << out.str();
  EXPECT_TRUE(std::filesystem::exists(f.model_dir + "/manifest.json"));
  ForecastArgs p;
  p.data = f.data;
  p.model_dir = f.model_dir;
  p.at = "2000-06-30";
  p.json = dir.file("p.json");
  ASSERT_EQ(run_forecast_predict(p, out), kOk) << out.str();
  const auto j = nlohmann::json::parse(read_file(p.json));
  EXPECT_EQ(j["origin"], "2000-06-30");
  ASSERT_EQ(j["forecasts"].size(), 2u);
  EXPECT_EQ(j["forecasts"][0]["date"], "2000-07-03");
  EXPECT_LT(j["forecasts"][0]["quantiles"]["0.1"].get<double>(),
            j["forecasts"][0]["quantiles"]["0.9"].get<double>());
}

TEST(CliForecast, BadInputStopsWithClearErrorsAndWritesNothing) {
  test::TempDir dir;
  std::ostringstream out;
  ForecastArgs a;
  a.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  a.models = {"zero", "ar"};
  a.json = dir.file("none.json");
  testing::internal::CaptureStderr();
  a.test_start = "2020-04-10";
  a.horizon = 20;  // longer than the test block
  EXPECT_EQ(run_forecast_evaluate(a, out), kUsageError);
  a.horizon = 1;
  a.features = {"nope"};
  EXPECT_EQ(run_forecast_evaluate(a, out), kUsageError);
  a.features = {};
  a.models = {"zero", "lstmm"};
  EXPECT_EQ(run_forecast_evaluate(a, out), kUsageError);
  a.models = {"zero", "ar"};
  a.set = {"ar.max_ordr=3"};
  EXPECT_EQ(run_forecast_evaluate(a, out), kUsageError);
  ForecastArgs f;
  f.data = a.data;
  f.model = "ar";
  f.end = "2000-01-20";  // too little data for an AR(10) search
  f.model_dir = dir.file("m");
  EXPECT_EQ(run_forecast_fit(f, out), kRuntimeError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("horizon 20 is longer than the test block"), std::string::npos) << err;
  EXPECT_NE(err.find("nope"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown forecaster 'lstmm'"), std::string::npos) << err;
  EXPECT_NE(err.find("max_ordr"), std::string::npos) << err;
  EXPECT_NE(err.find("complete equations"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(a.json));
  EXPECT_FALSE(std::filesystem::exists(f.model_dir));
}

TEST(CliForecast, RobustnessAndAugmentTables) {
  test::TempDir dir;
  std::ostringstream out;
  ForecastArgs r;
  r.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  r.start = "2012-01-01";
  r.kind = "volatility";
  r.models = {"naive", "ar"};
  r.refit_every = 250;
  r.json = dir.file("r.json");
  ASSERT_EQ(run_forecast_robustness(r, out), kOk) << out.str();
  const auto j = nlohmann::json::parse(read_file(r.json));
  EXPECT_GT(j["result"]["deleted"].get<int>(), 50);
  for (const auto& m : j["result"]["models"]) {
    EXPECT_TRUE(m["gaps_rmse"].is_number()) << m;
    EXPECT_TRUE(m["outliers_rmse"].is_number()) << m;
  }
  ForecastArgs g;
  g.data = r.data;
  g.kind = "volatility";
  g.sizes = {300};
  g.seeds = {1};
  g.test_rows = 200;
  g.sources = {"bootstrap"};
  testing::internal::CaptureStderr();
  g.model = "ar";  // a baseline cannot train on generated paths
  EXPECT_EQ(run_forecast_augment(g, out), kUsageError);
  g.model = "";
  g.sources = {};
  g.set = {"gun.steps=10"};  // the default sources are bootstrap and gan
  EXPECT_EQ(run_forecast_augment(g, out), kUsageError);
  g.set = {};
  g.sources = {"bootstrap"};
  g.sizes = {100000};
  EXPECT_EQ(run_forecast_augment(g, out), kUsageError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("cannot train on synthetic paths"), std::string::npos) << err;
#ifdef FINGEN_HAVE_TORCH
  EXPECT_NE(err.find("100000"), std::string::npos) << err;
#else
  // Without LibTorch the default model (lstm) does not exist: that is the error.
  EXPECT_NE(err.find("unknown forecaster 'lstm'"), std::string::npos) << err;
#endif
  EXPECT_NE(err.find("gun.steps"), std::string::npos) << err;
}

TEST(CliCredit, EvaluateCrossValidatesWithAndWithoutSmote) {
  test::TempDir dir;
  CreditArgs a;
  a.data = test::bundled("german_credit.csv");
  a.positive = "Bad";
  a.repeats = 1;
  a.oversample_to = 0.5;
  a.json = dir.file("c.json");
  std::ostringstream out;
  ASSERT_EQ(run_credit_evaluate(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("300 positive ('Bad' of Class)"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  ASSERT_EQ(j["results"].size(), 4u);  // logistic, logistic + smote, mahalanobis, isolation forest
  EXPECT_EQ(j["results"][1]["oversampling"], "smote");
  EXPECT_GT(j["results"][0]["auroc"]["mean"].get<double>(), 0.72);
  testing::internal::CaptureStderr();
  CreditArgs b = a;
  b.json = dir.file("none.json");
  b.positive = "Maybe";  // not a label value
  EXPECT_NE(run_credit_evaluate(b, out), kOk);
  b.positive = "Bad";
  b.models = {"logistic", "astrology"};
  EXPECT_EQ(run_credit_evaluate(b, out), kUsageError);
  b.models = {"logistic"};
  b.set = {"logistic.l3=1"};
  EXPECT_EQ(run_credit_evaluate(b, out), kUsageError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Maybe"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown detector 'astrology'"), std::string::npos) << err;
  EXPECT_NE(err.find("l3"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(b.json));
}

TEST(CliStrategy, BacktestPrintsGrossNetAndBuyAndHoldAndWritesFiles) {
  test::TempDir dir;
  StrategyArgs a;
  a.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  a.strategy = "sma";
  a.set = {"fast=20", "slow=100", "spread_bps=5"};
  a.json = dir.file("bt.json");
  a.trades = dir.file("fills.csv");
  a.equity = dir.file("equity.csv");
  std::ostringstream out;
  ASSERT_EQ(run_strategy_backtest(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("hold net"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  EXPECT_NEAR(j["net"]["metrics"]["total_return"].get<double>(), 0.7628090899508095, 1e-9);
  EXPECT_EQ(j["net"]["metrics"]["trades"], 58);
  EXPECT_EQ(j["buy_and_hold"]["net"]["metrics"]["trades"], 1);
  EXPECT_EQ(j["command"], "strategy backtest");
  const std::string fills = read_file(a.trades);
  EXPECT_EQ(fills.substr(0, fills.find('\n')), "bar,date,asset,shares,price,cost");
  EXPECT_EQ(static_cast<int>(std::count(fills.begin(), fills.end(), '\n')), 59);
  const std::string eq = read_file(a.equity);
  EXPECT_EQ(static_cast<int>(std::count(eq.begin(), eq.end(), '\n')), 5106);
}

TEST(CliStrategy, BadOptionsAreUsageErrorsAndWriteNothing) {
  test::TempDir dir;
  StrategyArgs a;
  a.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  a.strategy = "sma";
  a.json = dir.file("bt.json");
  std::ostringstream out;
  testing::internal::CaptureStderr();
  a.set = {"fast=200", "slow=100"};
  EXPECT_EQ(run_strategy_backtest(a, out), kUsageError);
  a.set = {"no_such_option=1"};
  EXPECT_EQ(run_strategy_backtest(a, out), kUsageError);
  a.set = {"spread_bps=-3"};
  EXPECT_EQ(run_strategy_backtest(a, out), kUsageError);
  a.set = {};
  a.strategy = "martingale";
  EXPECT_EQ(run_strategy_backtest(a, out), kUsageError);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("fast < slow"), std::string::npos) << err;
  EXPECT_NE(err.find("no_such_option"), std::string::npos) << err;
  EXPECT_NE(err.find("spread_bps"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown strategy 'martingale'"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(a.json));
}

TEST(CliStrategy, RobustnessOverScenarioFiles) {
  test::TempDir dir;
  FitArgs fit;
  fit.model = "garch";
  fit.data = test::bundled("sp500_ohlcv_2000_2020.csv");
  fit.end = "2017-12-31";
  fit.out = dir.file("garch");
  fit.quiet = true;
  std::ostringstream out;
  ASSERT_EQ(run_fit(fit, out), kOk);
  StrategyArgs a;
  a.data = fit.data;
  a.strategy = "momentum";
  a.set = {"lookback=60"};
  a.model = fit.out;
  a.paths = 300;
  a.horizon = 500;
  a.json = dir.file("rb.json");
  ASSERT_EQ(run_strategy_robustness(a, out), kOk) << out.str();
  EXPECT_NE(out.str().find("of the historical Sharpe"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(read_file(a.json));
  const auto& s = j["sources"]["model"];
  EXPECT_EQ(s["paths"], 300);
  EXPECT_EQ(s["horizon"], 500);
  const double p = s["probability_of_loss"].get<double>();
  EXPECT_GE(p, 0.0);
  EXPECT_LE(p, 1.0);
  EXPECT_LE(s["metrics"]["sharpe"]["q05"].get<double>(),
            s["metrics"]["sharpe"]["q95"].get<double>());
  // The same paths twice give the same numbers.
  const std::string first = s.dump();
  ASSERT_EQ(run_strategy_robustness(a, out), kOk);
  EXPECT_EQ(nlohmann::json::parse(read_file(a.json))["sources"]["model"].dump(), first);
}

}  // namespace
}  // namespace fingen::cli
