#include "fingen/trading/run.hpp"

#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::trading {

namespace {
std::string number(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : std::string();
}

nlohmann::json run_json(const Run& r) {
  return {{"metrics", to_json(r.metrics)},
          {"costs", r.costs},
          {"traded_notional", r.traded_notional},
          {"final_equity", r.equity.empty() ? nlohmann::json() : nlohmann::json(r.equity.back())}};
}
}  // namespace

StrategyRun run_strategy(const StrategyRequest& req) {
  StrategyRun run;
  run.strategy = make_strategy(req.strategy, req.strategy_options, "strategy options");
  run.options = BacktestOptions::from_json(
      req.backtest_options.is_null() ? nlohmann::json::object() : req.backtest_options,
      "backtest options");
  run.market = read_market(req.data);
  FG_CHECK(Input, run.market.bars() > run.strategy->warmup() + 1,
           "{}: {} bars, but the {} strategy needs more than {} before its first signal",
           req.data.file, run.market.bars(), run.strategy->kind(), run.strategy->warmup() + 1);
  run.result = backtest(run.market, run.strategy->weights(run.market), run.options);
  if (run.strategy->kind() == "pairs") {
    std::vector<double> ly(run.market.bars()), lx(run.market.bars());
    for (std::size_t t = 0; t < run.market.bars(); ++t) {
      ly[t] = std::log(run.market.close(static_cast<Eigen::Index>(t), 0));
      lx[t] = std::log(run.market.close(static_cast<Eigen::Index>(t), 1));
    }
    run.cointegration = stats::engle_granger(ly, lx);
  }
  const auto bh = make_strategy("buy_and_hold", nlohmann::json::object(), "");
  run.benchmark = backtest(run.market, bh->weights(run.market), run.options);
  return run;
}

std::string fills_csv(const StrategyRun& run) {
  const Market& m = run.market;
  std::string csv = "bar,date,asset,shares,price,cost\n";
  for (const auto& f : run.result.net.fills)
    csv += fmt::format("{},{},{},{},{},{}\n", f.bar, format_index(m.kind, m.index[f.bar]),
                       m.names[f.asset], f.shares, f.price, f.cost);
  return csv;
}

std::string equity_csv(const StrategyRun& run) {
  const Market& m = run.market;
  std::string csv = "date,strategy_gross,strategy_net,buy_and_hold_gross,buy_and_hold_net\n";
  for (std::size_t t = 0; t < m.bars(); ++t)
    csv += fmt::format("{},{},{},{},{}\n", format_index(m.kind, m.index[t]),
                       number(run.result.gross.equity[t]), number(run.result.net.equity[t]),
                       number(run.benchmark.gross.equity[t]), number(run.benchmark.net.equity[t]));
  return csv;
}

nlohmann::json strategy_json(const StrategyRun& run) {
  const Market& m = run.market;
  return {{"strategy", run.strategy->kind()},
          {"strategy_options", run.strategy->options()},
          {"options", run.options.to_json()},
          {"bars", m.bars()},
          {"first", format_index(m.kind, m.index.front())},
          {"last", format_index(m.kind, m.index.back())},
          {"assets", m.names},
          {"fills_at",
           m.open.size() > 0 && run.options.fill() == "next_open" ? "next open" : "next close"},
          {"cointegration", run.cointegration
                                ? nlohmann::json{{"test", "Engle-Granger (MacKinnon 1994 p-value)"},
                                                 {"alpha", run.cointegration->alpha},
                                                 {"beta", run.cointegration->beta},
                                                 {"statistic", run.cointegration->adf.statistic},
                                                 {"p_value", run.cointegration->adf.p_value},
                                                 {"lags", run.cointegration->adf.lags}}
                                : nlohmann::json()},
          {"gross", run_json(run.result.gross)},
          {"net", run_json(run.result.net)},
          {"buy_and_hold",
           {{"gross", run_json(run.benchmark.gross)}, {"net", run_json(run.benchmark.net)}}}};
}

RobustnessRun run_robustness(const RobustnessRequest& req) {
  FG_REQUIRE(req.scenario_files.empty() != req.model_dir.empty(),
             "give scenario files or a model to generate them, not both and not neither");
  std::vector<std::string> names = req.names;
  if (names.empty())
    for (const auto& f : req.scenario_files) {
      std::string stem = f.substr(f.find_last_of('/') + 1);
      names.push_back(stem.substr(0, stem.find_last_of('.')));
    }
  if (!req.model_dir.empty() && names.empty()) names.push_back("model");
  FG_REQUIRE(names.size() == std::max<std::size_t>(req.scenario_files.size(), 1),
             "{} names for {} scenario sources", names.size(),
             std::max<std::size_t>(req.scenario_files.size(), 1));
  RobustnessRun out;
  // The historical run on closes only, as the synthetic markets (which have no opens) trade.
  StrategyRun& h = out.historical;
  h.strategy = make_strategy(req.base.strategy, req.base.strategy_options, "strategy options");
  h.options = BacktestOptions::from_json(
      req.base.backtest_options.is_null() ? nlohmann::json::object() : req.base.backtest_options,
      "backtest options");
  std::unique_ptr<scenario::ScenarioGenerator> model;
  if (!req.model_dir.empty()) {
    FG_REQUIRE(req.paths > 0, "the number of paths must be positive");
    model = scenario::load_generator(req.model_dir);
  }
  h.market = closes_only(read_market(req.base.data));
  h.result = backtest(h.market, h.strategy->weights(h.market), h.options);
  const auto bh = make_strategy("buy_and_hold", nlohmann::json::object(), "");
  h.benchmark = backtest(h.market, bh->weights(h.market), h.options);

  std::vector<Scenarios> sets;
  for (const auto& f : req.scenario_files) {
    sets.push_back(read_scenarios_npy(f));
    FG_REQUIRE(sets.back().assets == h.market.assets(), "{} has {} series, the data {} ({})", f,
               sets.back().assets, h.market.assets(), fmt::join(h.market.names, ", "));
  }
  if (model) {
    FG_REQUIRE(model->names().size() == h.market.assets(), "the model has {} series, the data {}",
               model->names().size(), h.market.assets());
    const std::size_t horizon = req.horizon > 0 ? req.horizon : h.market.bars() - 1;
    sets.push_back(model->generate(req.paths, horizon, req.seed));
  }
  for (std::size_t k = 0; k < sets.size(); ++k) {
    FG_REQUIRE(sets[k].horizon > h.strategy->warmup() + 1,
               "{}: paths of {} steps, but the {} strategy needs more than {} before its first "
               "signal",
               names[k], sets[k].horizon, h.strategy->kind(), h.strategy->warmup() + 1);
    out.sources.emplace_back(
        names[k], run_over_paths(sets[k], *h.strategy, h.options, &h.result.net.metrics));
  }
  return out;
}

}  // namespace fingen::trading
