#include "fingen/trading/run.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/json_numbers.hpp"
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

StrategyRun trade(Market market, std::unique_ptr<Strategy> strategy, BacktestOptions options) {
  StrategyRun run;
  run.market = std::move(market);
  run.strategy = std::move(strategy);
  run.options = std::move(options);
  run.result = backtest(run.market, run.strategy->weights(run.market), run.options);
  const auto hold = make_strategy("buy_and_hold", nlohmann::json::object(), "");
  run.benchmark = backtest(run.market, hold->weights(run.market), run.options);
  return run;
}

namespace {
BacktestOptions backtest_options(const nlohmann::json& j) {
  return BacktestOptions::from_json(j.is_null() ? nlohmann::json::object() : j, "backtest options");
}
}  // namespace

StrategyRun run_strategy(const StrategyRequest& req) {
  auto strategy = make_strategy(req.strategy, req.strategy_options, "strategy options");
  BacktestOptions options = backtest_options(req.backtest_options);
  Market market = read_market(req.data, req.more_data);
  FG_CHECK(Input, market.bars() > strategy->warmup() + 1,
           "{}: {} bars, but the {} strategy needs more than {} before its first signal",
           req.data.file, market.bars(), strategy->kind(), strategy->warmup() + 1);
  StrategyRun run = trade(std::move(market), std::move(strategy), std::move(options));
  if (run.strategy->kind() == "pairs") {
    std::vector<double> ly(run.market.bars()), lx(run.market.bars());
    for (std::size_t t = 0; t < run.market.bars(); ++t) {
      ly[t] = std::log(run.market.close(static_cast<Eigen::Index>(t), 0));
      lx[t] = std::log(run.market.close(static_cast<Eigen::Index>(t), 1));
    }
    run.cointegration = stats::engle_granger(ly, lx);
  }
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
  auto strategy = make_strategy(req.base.strategy, req.base.strategy_options, "strategy options");
  BacktestOptions options = backtest_options(req.base.backtest_options);
  std::unique_ptr<scenario::ScenarioGenerator> model;
  if (!req.model_dir.empty()) {
    FG_REQUIRE(req.paths > 0, "the number of paths must be positive");
    model = scenario::load_generator(req.model_dir);
  }
  RobustnessRun out;
  // The historical run on closes only, as the synthetic markets (which have no opens) trade.
  out.historical = trade(closes_only(read_market(req.base.data, req.base.more_data)),
                         std::move(strategy), std::move(options));
  const StrategyRun& h = out.historical;

  std::vector<Scenarios> sets;
  for (const auto& f : req.scenario_files) {
    sets.push_back(read_scenarios_npy(f));
    FG_REQUIRE(sets.back().assets == h.market.assets(), "{} has {} series, the data {} ({})", f,
               sets.back().assets, h.market.assets(), fmt::join(h.market.names, ", "));
  }
  const auto check_horizon = [&](const std::string& name, std::size_t horizon) {
    FG_REQUIRE(horizon > h.strategy->warmup() + 1,
               "{}: paths of {} steps, but the {} strategy needs more than {} before its first "
               "signal",
               name, horizon, h.strategy->kind(), h.strategy->warmup() + 1);
  };
  for (std::size_t k = 0; k < sets.size(); ++k) {
    check_horizon(names[k], sets[k].horizon);
    out.sources.emplace_back(
        names[k], run_over_paths(sets[k], *h.strategy, h.options, &h.result.net.metrics));
  }
  if (model) {
    FG_REQUIRE(model->names().size() == h.market.assets(), "the model has {} series, the data {}",
               model->names().size(), h.market.assets());
    const std::size_t horizon = req.horizon > 0 ? req.horizon : h.market.bars() - 1;
    check_horizon(names.back(), horizon);
    std::unique_ptr<dist::Communicator> alone;
    dist::Communicator& comm = dist::given_or_local(req.comm, alone);
    dist::check_same(comm,
                     nlohmann::json{{"model_sha256", sha256_file(req.model_dir + "/model.json")},
                                    {"paths", req.paths},
                                    {"horizon", horizon},
                                    {"seed", req.seed},
                                    {"block_paths", req.block_paths},
                                    {"strategy", h.strategy->kind()},
                                    {"strategy_options", h.strategy->options()},
                                    {"historical_sharpe", h.result.net.metrics.sharpe}}
                         .dump(),
                     "robustness request (model, paths, seed, strategy or data)");
    // This rank's share of the paths, block by block: only the metrics of each path are kept.
    const auto [first, count] = dist::share(req.paths, comm.rank(), comm.size());
    const std::size_t per_path = horizon * h.market.assets();
    const std::size_t B = dist::paths_per_block(req.block_paths, per_path);
    std::vector<Metrics> net, gross;
    net.reserve(count);
    gross.reserve(count);
    for (std::size_t done = 0; done < count; done += B) {
      const std::size_t n = std::min(B, count - done);
      RobustnessResult part = run_over_paths(
          model->generate_range(first + done, n, horizon, req.seed), *h.strategy, h.options);
      net.insert(net.end(), part.net.begin(), part.net.end());
      gross.insert(gross.end(), part.gross.begin(), part.gross.end());
    }
    // Rank 0 gathers every rank's metrics; shares are contiguous in rank order, so appending
    // them in rank order gives path order.
    static_assert(std::is_trivially_copyable_v<Metrics>);
    if (comm.rank() != 0) {
      comm.send(net.data(), net.size() * sizeof(Metrics), 0);
      comm.send(gross.data(), gross.size() * sizeof(Metrics), 0);
      return out;
    }
    net.resize(req.paths);
    gross.resize(req.paths);
    for (int r = 1; r < comm.size(); ++r) {
      const auto [f, c] = dist::share(req.paths, r, comm.size());
      comm.recv(net.data() + f, c * sizeof(Metrics), r);
      comm.recv(gross.data() + f, c * sizeof(Metrics), r);
    }
    out.sources.emplace_back(names.back(), summarize_paths(std::move(net), std::move(gross),
                                                           horizon, &h.result.net.metrics));
  }
  return out;
}

TradingSummary summarize(const StrategyRun& run,
                         const std::vector<std::pair<std::string, RobustnessResult>>& sources) {
  TradingSummary t;
  t.strategy = run.strategy->kind();
  t.strategy_options = run.strategy->options();
  const Market& m = run.market;
  for (std::size_t k = 0; k < m.bars(); ++k) t.dates.push_back(format_index(m.kind, m.index[k]));
  t.gross = run.result.gross.equity;
  t.net = run.result.net.equity;
  t.hold_net = run.benchmark.net.equity;
  t.gross_metrics = run.result.gross.metrics;
  t.net_metrics = run.result.net.metrics;
  t.hold_net_metrics = run.benchmark.net.metrics;
  for (const auto& [name, r] : sources) {
    TradingSummary::Source s;
    s.name = name;
    for (const auto& pm : r.net) s.sharpe.push_back(pm.sharpe);
    for (const auto& d : r.summary)
      if (d.metric == "sharpe") s.sharpe_distribution = d;
    s.probability_of_loss = r.probability_of_loss;
    s.sentence = robustness_sentence(r, name);
    t.sources.push_back(std::move(s));
  }
  return t;
}

namespace {
nlohmann::json numbers(const std::vector<double>& v) {
  return json_numbers(v);
}
std::vector<double> numbers_from(const nlohmann::json& a) {
  return numbers_from_json(a);
}
nlohmann::json distribution_json(const MetricDistribution& d) {
  return {{"metric", d.metric},
          {"finite", d.finite},
          {"mean", numbers({d.mean})[0]},
          {"sd", numbers({d.sd})[0]},
          {"q05", numbers({d.q05})[0]},
          {"q25", numbers({d.q25})[0]},
          {"median", numbers({d.median})[0]},
          {"q75", numbers({d.q75})[0]},
          {"q95", numbers({d.q95})[0]},
          {"historical", numbers({d.historical})[0]},
          {"historical_percentile", numbers({d.historical_percentile})[0]}};
}
MetricDistribution distribution_from(const nlohmann::json& j) {
  auto num = [&](const char* k) {
    const nlohmann::json& v = j.at(k);
    return v.is_null() ? Metrics::kNaN : v.get<double>();
  };
  MetricDistribution d;
  d.metric = j.at("metric").get<std::string>();
  d.finite = j.at("finite").get<std::size_t>();
  d.mean = num("mean");
  d.sd = num("sd");
  d.q05 = num("q05");
  d.q25 = num("q25");
  d.median = num("median");
  d.q75 = num("q75");
  d.q95 = num("q95");
  d.historical = num("historical");
  d.historical_percentile = num("historical_percentile");
  return d;
}
}  // namespace

nlohmann::json to_json(const TradingSummary& t) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : t.sources)
    sources.push_back({{"name", s.name},
                       {"sharpe", numbers(s.sharpe)},
                       {"sharpe_distribution", distribution_json(s.sharpe_distribution)},
                       {"probability_of_loss", s.probability_of_loss},
                       {"sentence", s.sentence}});
  return {
      {"strategy", t.strategy},
      {"strategy_options", t.strategy_options},
      {"dates", t.dates},
      {"equity",
       {{"gross", numbers(t.gross)}, {"net", numbers(t.net)}, {"hold_net", numbers(t.hold_net)}}},
      {"metrics",
       {{"gross", to_json(t.gross_metrics)},
        {"net", to_json(t.net_metrics)},
        {"hold_net", to_json(t.hold_net_metrics)}}},
      {"sources", sources}};
}

TradingSummary read_trading_summary(const std::string& path) {
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path));
    TradingSummary t;
    t.strategy = j.at("strategy").get<std::string>();
    t.strategy_options = j.at("strategy_options");
    t.dates = j.at("dates").get<std::vector<std::string>>();
    t.gross = numbers_from(j.at("equity").at("gross"));
    t.net = numbers_from(j.at("equity").at("net"));
    t.hold_net = numbers_from(j.at("equity").at("hold_net"));
    FG_CHECK(Input,
             t.gross.size() == t.dates.size() && t.net.size() == t.dates.size() &&
                 t.hold_net.size() == t.dates.size(),
             "{}: equity curves and dates differ in length", path);
    t.gross_metrics = metrics_from_json(j.at("metrics").at("gross"));
    t.net_metrics = metrics_from_json(j.at("metrics").at("net"));
    t.hold_net_metrics = metrics_from_json(j.at("metrics").at("hold_net"));
    for (const auto& s : j.at("sources")) {
      TradingSummary::Source src;
      src.name = s.at("name").get<std::string>();
      src.sharpe = numbers_from(s.at("sharpe"));
      src.sharpe_distribution = distribution_from(s.at("sharpe_distribution"));
      src.probability_of_loss = s.at("probability_of_loss").get<double>();
      src.sentence = s.at("sentence").get<std::string>();
      t.sources.push_back(std::move(src));
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({path, 0, {}}, fmt::format("not a trading summary: {}", e.what()));
  }
}

}  // namespace fingen::trading
