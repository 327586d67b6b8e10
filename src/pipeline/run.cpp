#include "fingen/pipeline/run.hpp"

#include "fingen/core/error.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/report/html.hpp"

namespace fingen::pipeline {

namespace {
void announce(const RunObserver& o, const std::string& what) {
  if (o.stage) o.stage(what);
}

data::ReturnsSource source_of(const PipelineConfig& c) {
  return {c.data_file, c.series, c.returns, "log", "", ""};
}

// Fits one model on the training days and generates its scenarios.
ModelRun fit_and_generate(const PipelineConfig& c, const ModelSpec& m, const std::string& train_end,
                          const RunObserver& o) {
  ModelRun run;
  run.name = m.name;
  run.kind = m.kind;
  run.model_dir = c.out + "/models/" + m.name;
  run.scenarios_file = c.out + "/scenarios/" + m.name + ".npy";
  FitRequest f;
  f.kind = m.kind;
  f.options = m.options;
  f.data = source_of(c);
  f.data.start = c.train_start;
  f.data.end = train_end;
  f.out = run.model_dir;
  f.progress = o.progress;
  if (o.fitting) f.on_data = [&](const Panel& train) { o.fitting(m, train); };
  const FitResult fitted = fit_model(f);
  run.fit_seconds = fitted.seconds;
  run.summary = fitted.summary;
  GenerateRequest g;
  g.model_dir = run.model_dir;
  g.paths = c.paths;
  g.horizon = c.horizon;
  g.seed = c.seed;
  g.out = run.scenarios_file;
  const GenerateResult generated = generate_scenarios(g);
  run.generate_seconds = generated.seconds;
  if (o.model_done) o.model_done(run, generated);
  return run;
}

VarBacktestRun var_backtest_stage(const PipelineConfig& c, const RunObserver& o) {
  VarBacktestRequest b;
  b.data = source_of(c);
  b.data.start = c.train_start;
  b.weights = c.risk.weights;
  b.models = c.risk.models;
  b.options =
      risk::VarBacktestOptions().window(c.risk.window).refit(c.risk.refit).level(c.risk.level);
  b.json_out = c.out + "/backtest.json";
  b.days_csv = c.out + "/backtest_days.csv";
  b.on_data = o.backtest_start;
  b.on_result = o.backtest_result;
  return run_var_backtests(b);
}

// The strategy on the data's closes (from train_start; fills at the next close, as the synthetic
// markets trade) and over each model's scenarios.
trading::TradingSummary trading_stage(const PipelineConfig& c, const RunResult& r) {
  data::ReturnsSource source = source_of(c);
  source.start = c.train_start;
  const trading::StrategyRun run = trading::trade(
      trading::closes_only(trading::read_market(source)),
      trading::make_strategy(c.trading.strategy, c.trading.options, "trading.options"),
      trading::BacktestOptions::from_json(c.trading.backtest, "trading.backtest"));
  std::vector<std::pair<std::string, trading::RobustnessResult>> sources;
  for (std::size_t k = 0; k < r.models.size(); ++k)
    sources.emplace_back(r.models[k].name,
                         trading::run_over_paths(r.evaluation.scenarios[k], *run.strategy,
                                                 run.options, &run.result.net.metrics));
  return trading::summarize(run, sources);
}

// Every optimiser on the training returns, the mean-CVaR portfolio of each model's scenarios,
// and the rolling backtest on the data's prices from train_start.
portfolio::PortfolioSummary portfolio_stage(const PipelineConfig& c, const RunResult& r,
                                            const Panel& all) {
  data::ReturnsSource source = source_of(c);
  source.start = c.train_start;
  portfolio::PortfolioRequest q;
  q.market = trading::closes_only(trading::read_market(source));
  const Panel train = data::trim_to_dates(all, [&] {
    data::ReturnsSource t = source_of(c);
    t.start = c.train_start;
    t.end = r.train_end;
    return t;
  }());
  q.train_returns = train.values;
  q.estimated_on = fmt::format("{} .. {}", format_index(train.kind, train.index.front()),
                               format_index(train.kind, train.index.back()));
  for (std::size_t k = 0; k < r.models.size(); ++k)
    q.models.emplace_back(r.models[k].name, &r.evaluation.scenarios[k]);
  q.methods = c.portfolio.methods;
  q.rolling.window = c.portfolio.window;
  q.rolling.every = c.portfolio.every;
  q.rolling.alpha = c.portfolio.alpha;
  q.rolling.constraints =
      portfolio::Constraints::box(q.market.assets(), c.portfolio.lower, c.portfolio.upper);
  q.rolling.constraints.budget = c.portfolio.budget;
  q.rolling.trading =
      trading::BacktestOptions::from_json(c.portfolio.backtest, "portfolio.backtest")
          .fill("next_close");
  q.screen = c.portfolio.screen;
  q.screen_top = c.portfolio.screen_top;
  q.screen_options.random = c.portfolio.screen_random;
  q.screen_options.seed = c.seed;
  q.screen_options.alpha = c.portfolio.alpha;
  q.screen_options.min_return = c.portfolio.min_return;
  q.screen_options.max_cvar = c.portfolio.max_cvar;
  q.screen_options.min_sharpe = c.portfolio.min_sharpe;
  q.screen_options.max_drawdown_probability = c.portfolio.max_drawdown_probability;
  q.screen_options.drawdown = c.portfolio.drawdown;
  return portfolio::summarize(q);
}

// The forecast section's dataset: the data from train_start, target defaulting to the first
// series.
forecast::Dataset forecast_dataset(const PipelineConfig& c, const Panel& all) {
  data::ReturnsSource s = source_of(c);
  s.start = c.train_start;
  const Panel p = data::trim_to_dates(all, s);
  forecast::DatasetSpec spec = c.forecast.data;
  if (spec.target().empty()) spec.target(p.names.front());
  try {
    return forecast::make_dataset(p, spec);
  } catch (const Error& e) {
    FG_FAIL(Usage, "{}: forecast: {}", c.file, e.what());
  }
}

forecast::WalkForwardOptions forecast_options(const PipelineConfig& c, const forecast::Dataset& d) {
  Panel index;
  index.kind = d.index_kind;
  index.index = d.index;
  index.source = c.data_file;
  return forecast::WalkForwardOptions()
      .test_start(data::split_row(index, c.test_start, c.file + ": split.test_start"))
      .window(c.forecast.window)
      .refit_every(c.forecast.refit_every)
      .horizon(c.forecast.horizon)
      .quantiles(c.forecast.quantiles);
}

// The report from the results in memory (and the training logs the models saved).
report::RunData report_data(const PipelineConfig& c, const RunResult& r,
                            const nlohmann::json& manifest) {
  report::RunData d;
  d.dir = c.out;
  d.manifest = manifest;
  d.metrics = r.evaluation.comparison;
  d.real = r.evaluation.real;
  d.scenarios = r.evaluation.scenarios;
  for (const auto& m : r.models) {
    d.names.push_back(m.name);
    const std::string log = m.model_dir + "/" + scenario::kTrainLogFile;
    if (std::filesystem::exists(log))
      d.training.emplace_back(m.name, scenario::read_train_log(log));
  }
  d.trading = r.trading;
  d.portfolio = r.portfolio;
  d.forecast = r.forecast;
  d.credit = r.credit;
  d.detect = r.detect;
  if (r.risk) {
    d.var_days = risk::day_records(r.risk->results);
    for (const auto& b : r.risk->results) d.var_tests.push_back(risk::summarize(b));
  }
  return d;
}
}  // namespace

RunResult run_pipeline(const PipelineConfig& c, const RunObserver& o) {
  RunResult r;
  r.dir = c.out;
  // The day before the test period ends the training data.
  const Panel all = data::load_returns(source_of(c));
  const std::size_t first_test = data::split_row(all, c.test_start, c.file + ": split.test_start");
  r.train_end = format_index(all.kind, all.index[first_test - 1]);
  if (c.has_portfolio) {  // checked before any work
    FG_REQUIRE(all.cols() >= 2, "{}: the portfolio section needs at least 2 assets, {} has {}",
               c.file, c.data_file, all.cols());
    FG_REQUIRE(all.rows() > c.portfolio.window + 2,
               "{}: portfolio.window {} leaves nothing to evaluate in {} rows of data", c.file,
               c.portfolio.window, all.rows());
  }
  if (c.has_forecast) {  // target, features and the split checked before any work
    const forecast::Dataset d = forecast_dataset(c, all);
    const auto fo = forecast_options(c, d);
    FG_REQUIRE(fo.test_start() + fo.horizon() <= d.rows(),
               "{}: forecast.horizon {} is longer than the test block ({} rows)", c.file,
               fo.horizon(), d.rows() - fo.test_start());
    FG_REQUIRE(fo.window() <= fo.test_start(),
               "{}: forecast.window {} is longer than the {} rows before split.test_start", c.file,
               fo.window(), fo.test_start());
  }
  std::filesystem::create_directories(c.out + "/scenarios");

  std::vector<std::string> scenario_files, names;
  for (const auto& m : c.models) {
    announce(o, fmt::format("fit {} ({}) on data up to {}", m.name, m.kind, r.train_end));
    r.models.push_back(fit_and_generate(c, m, r.train_end, o));
    scenario_files.push_back(r.models.back().scenarios_file);
    names.push_back(m.name);
  }

  announce(o, fmt::format("evaluate on held-out data from {}", c.test_start));
  EvaluateRequest e;
  e.data = source_of(c);
  e.test_start = c.test_start;
  e.what = c.file + ": split.test_start";
  e.scenario_files = scenario_files;
  e.names = names;
  e.posthoc_window = c.posthoc_window;
  e.posthoc_iterations = c.posthoc_iterations;
  e.json_out = c.out + "/metrics.json";
  r.evaluation = evaluate_scenarios(e);
  if (o.evaluated) o.evaluated(r.evaluation);

  nlohmann::json risk_section = nullptr;
  if (c.has_risk) {
    announce(o, "risk backtest");
    r.risk = var_backtest_stage(c, o);
    risk_section = {{"json", c.out + "/backtest.json"}, {"days_csv", c.out + "/backtest_days.csv"}};
  }

  nlohmann::json trading_section = nullptr;
  if (c.has_trading) {
    announce(o, fmt::format("trading: {} on the data and over every model's scenarios",
                            c.trading.strategy));
    r.trading = trading_stage(c, r);
    write_manifest(c.out + "/trading.json", "run trading", trading::to_json(*r.trading));
    trading_section = c.out + "/trading.json";
    if (o.traded) o.traded(*r.trading);
  }

  nlohmann::json portfolio_section = nullptr;
  if (c.has_portfolio) {
    announce(o,
             "portfolio: optimisers on the training data and each model's scenarios, and a "
             "rolling backtest");
    r.portfolio = portfolio_stage(c, r, all);
    write_manifest(c.out + "/portfolio.json", "run portfolio", portfolio::to_json(*r.portfolio));
    portfolio_section = c.out + "/portfolio.json";
  }

  nlohmann::json forecast_section = nullptr;
  if (c.has_forecast) {
    announce(o, fmt::format("forecast: walk-forward of {} models from {}", c.forecast.models.size(),
                            c.test_start));
    const forecast::Dataset d = forecast_dataset(c, all);
    const auto result = forecast::walk_forward(d, c.forecast.models, forecast_options(c, d));
    r.forecast = forecast::summarize(result, d);
    write_manifest(c.out + "/forecast.json", "run forecast", forecast::to_json(*r.forecast));
    forecast_section = c.out + "/forecast.json";
  }

  nlohmann::json credit_section = nullptr;
  if (c.has_credit) {
    announce(o, fmt::format("credit: {} models cross-validated on {}",
                            c.credit.request.models.size(), c.credit.request.data));
    credit::EvaluateRequest q = c.credit.request;
    q.progress = o.detail;
    r.credit = credit::evaluate_table(q);
    write_manifest(c.out + "/credit.json", "run credit", credit::to_json(*r.credit));
    credit_section = c.out + "/credit.json";
    if (o.credit_done) o.credit_done(*r.credit);
  }

  nlohmann::json detect_section = nullptr;
  if (c.has_detect) {
    announce(o, fmt::format("detect: {} detectors on windows of {} days, tests from {}",
                            c.detect.models.size(), c.detect.options.window(), c.test_start));
    data::ReturnsSource src = source_of(c);
    if (!c.detect.series.empty()) src.series = c.detect.series;
    const Panel p = data::load_returns(src);
    detect::MarketOptions mo = c.detect.options;
    mo.test_start(data::split_row(p, c.test_start, c.file + ": split.test_start"));
    r.detect = detect::evaluate_market(p, c.detect.models, mo);
    write_manifest(c.out + "/detect.json", "run detect",
                   {{"series", p.names}, {"result", detect::to_json(*r.detect)}});
    detect_section = c.out + "/detect.json";
  }

  r.manifest_file = c.out + "/manifest.json";
  nlohmann::json sections = {
      {"config", c.file},
      {"config_sha256", sha256_file(c.file)},
      {"config_content", c.content},
      {"data", {{"file", c.data_file}, {"sha256", sha256_file(c.data_file)}}},
      {"train_end", r.train_end},
      {"test_start", c.test_start},
      {"models", names},
      {"scenarios", scenario_files},
      {"metrics", e.json_out},
      {"risk", risk_section}};
  if (c.has_trading) sections["trading"] = trading_section;
  if (c.has_portfolio) sections["portfolio"] = portfolio_section;
  if (c.has_forecast) sections["forecast"] = forecast_section;
  if (c.has_credit) sections["credit"] = credit_section;
  if (c.has_detect) sections["detect"] = detect_section;
  const std::string manifest = manifest_text("run", sections);
  write_file_atomic(r.manifest_file, manifest);

  announce(o, "report");
  r.report_file = c.out + "/report.html";
  r.charts =
      report::write_report(report_data(c, r, nlohmann::json::parse(manifest)), r.report_file);
  return r;
}

}  // namespace fingen::pipeline
