// fingen strategy backtest | robustness: a trading strategy on real data (gross and net, with
// buy-and-hold beside it), and the same strategy over thousands of synthetic markets.
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/trading/run.hpp"
#include "fingen/trading/search.hpp"

namespace fingen::cli {

namespace {
// --set key=value: a strategy option when the strategy declares the key, else a backtest option.
void split_assignments(const StrategyArgs& args, trading::StrategyRequest& req) {
  const trading::StrategyKind& kind = trading::strategy_kind(args.strategy);
  std::set<std::string> strategy_keys;
  for (const auto& o : kind.options) strategy_keys.insert(o.name);
  std::vector<std::string> for_strategy, for_backtest;
  for (const auto& a : args.set)
    (strategy_keys.count(a.substr(0, a.find('='))) ? for_strategy : for_backtest).push_back(a);
  req.strategy = args.strategy;
  req.strategy_options =
      parse_option_assignments(for_strategy, kind.options, args.strategy + " options");
  req.backtest_options = parse_option_assignments(for_backtest, trading::BacktestOptions::info(),
                                                  "backtest options (or unknown option)");
  req.data = {args.data, args.series, false, "log", args.start, args.end};
  for (const auto& f : args.with)
    req.more_data.push_back({f, {}, false, "log", args.start, args.end});
}

std::string cell(double v, const std::string& metric) {
  if (!std::isfinite(v)) return "n/a";
  if (metric == "trades" || metric == "max_drawdown_duration") return fmt::format("{:.0f}", v);
  const bool percent = metric == "total_return" || metric == "annual_return" ||
                       metric == "annual_volatility" || metric == "max_drawdown" ||
                       metric == "hit_rate" || metric == "exposure";
  return percent ? fmt::format("{:.2f}%", 100 * v) : fmt::format("{:.3f}", v);
}

void print_metrics_table(const std::vector<std::string>& columns,
                         const std::vector<const trading::Metrics*>& runs, std::ostream& out) {
  out << fmt::format("{:<22}", "metric");
  for (const auto& c : columns) out << fmt::format("{:>15}", c);
  out << '\n';
  for (const auto& name : trading::metric_names()) {
    out << fmt::format("{:<22}", name);
    for (const auto* m : runs)
      out << fmt::format("{:>15}", cell(trading::metric_value(*m, name), name));
    out << '\n';
  }
}

void print_run(const trading::StrategyRun& run, std::ostream& out) {
  const trading::Market& m = run.market;
  out << fmt::format(
      "{} {} on {} ({} bars, {} .. {}), fills at the {}\n", run.strategy->kind(),
      run.strategy->options().dump(), fmt::join(m.names, "+"), m.bars(),
      format_index(m.kind, m.index.front()), format_index(m.kind, m.index.back()),
      m.open.size() > 0 && run.options.fill() == "next_open" ? "next open" : "next close");
  print_metrics_table({"gross", "net", "hold gross", "hold net"},
                      {&run.result.gross.metrics, &run.result.net.metrics,
                       &run.benchmark.gross.metrics, &run.benchmark.net.metrics},
                      out);
  if (run.cointegration)
    out << fmt::format(
        "Engle-Granger on log prices (all bars, in sample): ln {} = {:.4f} + {:.4f} ln {}, ADF "
        "t = {:.4f} ({} lags), p = {:.4g} (MacKinnon 1994)\n",
        m.names[0], run.cointegration->alpha, run.cointegration->beta, m.names[1],
        run.cointegration->adf.statistic, run.cointegration->adf.lags,
        run.cointegration->adf.p_value);
  out << fmt::format("costs paid: strategy {:.2f}, buy-and-hold {:.2f} (initial capital {:.0f})\n",
                     run.result.net.costs, run.benchmark.net.costs, run.options.initial_capital());
}
}  // namespace

int run_strategy_backtest(const StrategyArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.data.empty(), "no data file given (--data)");
    trading::StrategyRequest req;
    split_assignments(args, req);
    const trading::StrategyRun run = trading::run_strategy(req);
    print_run(run, out);
    // Every output appears, or none.
    AtomicFiles files;
    if (!args.json.empty()) {
      nlohmann::json j = trading::strategy_json(run);
      j["data"] = {{"file", args.data}, {"sha256", sha256_file(args.data)}};
      files.add(args.json, manifest_text("strategy backtest", j));
    }
    if (!args.trades.empty()) files.add(args.trades, trading::fills_csv(run));
    if (!args.equity.empty()) files.add(args.equity, trading::equity_csv(run));
    files.commit();
    return static_cast<int>(kOk);
  });
}

int run_strategy_robustness(const StrategyArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.data.empty(), "no data file given (--data)");
    FG_REQUIRE(args.scenarios.empty() != args.model.empty(),
               "give --scenarios or --model (not both)");
    trading::RobustnessRequest req;
    split_assignments(args, req.base);
    req.scenario_files = args.scenarios;
    req.names = args.names;
    req.model_dir = args.model;
    req.paths = args.paths;
    req.horizon = args.horizon;
    req.seed = args.seed;
    const auto comm = dist::connect(resolve_dist(args.dist));
    req.comm = comm.get();
    const trading::RobustnessRun r = trading::run_robustness(req);
    if (comm->rank() != 0) return static_cast<int>(kOk);  // rank 0 has the results
    out << "historical run (closes only, as the synthetic markets trade):\n";
    print_run(r.historical, out);
    nlohmann::json sources = nlohmann::json::object();
    for (const auto& [name, res] : r.sources) {
      out << fmt::format("\n{}: {} paths x {} bars, net of costs\n", name, res.paths, res.horizon);
      out << fmt::format("{:<18}{:>10}{:>10}{:>10}{:>10}{:>10}{:>12}{:>12}\n", "metric", "q05",
                         "q25", "median", "q75", "q95", "historical", "percentile");
      for (const auto& d : res.summary)
        out << fmt::format("{:<18}{:>10}{:>10}{:>10}{:>10}{:>10}{:>12}{:>11.1f}%\n", d.metric,
                           cell(d.q05, d.metric), cell(d.q25, d.metric), cell(d.median, d.metric),
                           cell(d.q75, d.metric), cell(d.q95, d.metric),
                           cell(d.historical, d.metric), 100 * d.historical_percentile);
      out << trading::robustness_sentence(res, name) << '\n';
      sources[name] = trading::to_json(res);
    }
    if (!args.json.empty()) {
      nlohmann::json j = trading::strategy_json(r.historical);
      j["scenarios"] = args.scenarios;
      j["model"] = args.model;
      j["sources"] = sources;
      write_manifest(args.json, "strategy robustness", j);
    }
    return static_cast<int>(kOk);
  });
}

int run_strategy_search(const StrategyArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.grid.empty(), "no --grid given (e.g. --grid fast=10,20,50)");
    trading::StrategyRequest req;
    split_assignments(args, req);
    const trading::StrategyKind& kind = trading::strategy_kind(args.strategy);
    // --grid name=v1,v2,...: each value typed as the option's type.
    nlohmann::json grid = nlohmann::json::object();
    for (const auto& g : args.grid) {
      const std::size_t eq = g.find('=');
      FG_REQUIRE(eq != std::string::npos && eq > 0, "--grid '{}': expected name=v1,v2,...", g);
      const std::string name = g.substr(0, eq);
      nlohmann::json values = nlohmann::json::array();
      std::size_t from = eq + 1;
      while (from <= g.size()) {
        const std::size_t comma = std::min(g.find(',', from), g.size());
        values.push_back(parse_option_assignments({name + "=" + g.substr(from, comma - from)},
                                                  kind.options, "--grid")[name]);
        from = comma + 1;
      }
      grid[name] = values;
    }
    // Options given with --set that the grid does not vary apply to every combination.
    for (const auto& [k, v] : req.strategy_options.items())
      if (!grid.contains(k)) grid[k] = nlohmann::json::array({v});
    const trading::BacktestOptions options =
        trading::BacktestOptions::from_json(req.backtest_options, "backtest options");
    trading::SearchOptions so;
    so.train = args.train;
    so.test = args.test;
    so.blocks = args.blocks;
    const trading::Market m = trading::read_market(req.data, req.more_data);
    const trading::SearchResult r = trading::grid_search(m, args.strategy, grid, options, so);
    out << fmt::format("{} grid on {} ({} bars): {} combinations ({} refused), net of costs\n",
                       args.strategy, fmt::join(m.names, "+"), m.bars(), r.combinations.size(),
                       r.skipped);
    out << fmt::format("{:<40}{:>12}{:>12}{:>12}\n", "options", "total", "sharpe", "max dd");
    for (std::size_t k = 0; k < r.combinations.size(); ++k) {
      const auto& c = r.combinations[k];
      out << fmt::format("{:<40}{:>12}{:>12}{:>12}{}\n", c.options.dump(),
                         cell(c.full.total_return, "total_return"), cell(c.full.sharpe, "sharpe"),
                         cell(c.full.max_drawdown, "max_drawdown"), k == r.best ? "  best" : "");
    }
    out << fmt::format("walk-forward: {} folds of {} train and {} test bars\n", r.folds.size(),
                       so.train, so.test);
    for (const auto& f : r.folds)
      out << fmt::format("  test {} .. {}: chose {}  train Sharpe {:.3f}, test Sharpe {:.3f}\n",
                         format_index(m.kind, m.index[f.test_first]),
                         format_index(m.kind, m.index[f.test_end - 1]),
                         r.combinations[f.chosen].options.dump(), f.train_sharpe, f.test_sharpe);
    out << fmt::format(
        "in sample (mean of the chosen): Sharpe {:.3f}; out of sample: Sharpe {:.3f}, total "
        "return {:.2f}%\n",
        r.mean_train_sharpe, r.oos_sharpe, 100 * r.oos_total_return);
    out << fmt::format(
        "deflated Sharpe ratio of the best combination: {:.4f} (the probability that its Sharpe "
        "beats the best of {} unskilled trials)\n",
        r.deflated_sharpe, r.combinations.size());
    out << fmt::format("probability of backtest overfitting (CSCV, {} blocks, {} splits): {:.3f}\n",
                       so.blocks, r.cscv_splits, r.pbo);
    if (!args.json.empty()) {
      nlohmann::json j = trading::to_json(r);
      j["grid"] = grid;
      j["options"] = options.to_json();
      j["search"] = {{"train", so.train}, {"test", so.test}, {"blocks", so.blocks}};
      j["data"] = {{"file", args.data}, {"sha256", sha256_file(args.data)}};
      write_manifest(args.json, "strategy search", j);
    }
    return static_cast<int>(kOk);
  });
}

void add_strategy(CLI::App& app, StrategyArgs& bt, StrategyArgs& rb, StrategyArgs& gs, int& code,
                  std::ostream& out) {
  CLI::App* cmd = app.add_subcommand(
      "strategy", "Backtest trading strategies, on real and on synthetic markets");
  cmd->require_subcommand(1);
  std::string kinds;
  for (const auto& name : trading::strategy_kinds()) {
    kinds += fmt::format("  {:<13} {}\n", name, trading::strategy_kind(name).description);
    kinds += describe_options(trading::strategy_kind(name).options);
  }
  const std::string options_help =
      "Strategies (options with --set key=value):\n" + kinds +
      "Backtest and cost options (also --set key=value; costs are on by default):\n" +
      describe_options(trading::BacktestOptions::info());
  auto common = [&](CLI::App* c, StrategyArgs& a) {
    c->add_option("--data,-d", a.data, "Price file (OHLCV or panel)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--series", a.series, "Series of a panel file (default all)")->delimiter(',');
    c->add_option("--with", a.with,
                  "Another price file whose series join --data's on their common dates "
                  "(repeatable; e.g. a pair across two files)")
        ->check(CLI::ExistingFile);
    c->add_option("--start", a.start, "First date");
    c->add_option("--end", a.end, "Last date");
    c->add_option("--strategy,-s", a.strategy, "Strategy kind (see below)")->required();
    c->add_option("--set", a.set, "A strategy or backtest option, key=value (repeatable)");
    c->add_option("--json", a.json, "Write the results as JSON");
  };
  CLI::App* b = cmd->add_subcommand(
      "backtest", "A strategy on a data file, gross and net of costs, buy-and-hold beside it");
  common(b, bt);
  b->add_option("--trades", bt.trades, "Write the fills (net run) as CSV");
  b->add_option("--equity", bt.equity, "Write the equity curves as CSV");
  b->footer(
      options_help +
      "\nA signal from the close of day t trades at the next bar (next open when the file has "
      "opens).\n\nExamples:\n"
      "  fingen strategy backtest --data data/sp500_ohlcv_2000_2020.csv --strategy sma --set "
      "fast=20 --set slow=100\n"
      "  fingen strategy backtest --data data/dow_jones_30.csv --series AA,IBM,KO --strategy "
      "zscore --set spread_bps=10 --trades fills.csv");
  b->callback([&] { code = run_strategy_backtest(bt, out); });
  CLI::App* r = cmd->add_subcommand(
      "robustness", "The strategy over many synthetic markets: where the historical result falls");
  common(r, rb);
  r->add_option("--scenarios", rb.scenarios, "Scenario files (.npy log returns), repeatable")
      ->check(CLI::ExistingFile);
  r->add_option("--names", rb.names, "Names of the scenario files")->delimiter(',');
  r->add_option("--model,-m", rb.model, "Or a fitted model directory to generate paths from")
      ->check(CLI::ExistingDirectory);
  r->add_option("--paths,-n", rb.paths, "Paths to generate from --model")
      ->check(CLI::PositiveNumber);
  r->add_option("--horizon,-H", rb.horizon, "Bars per generated path (default: as the data)")
      ->check(CLI::NonNegativeNumber);
  r->add_option("--seed", rb.seed, "Seed of the generated paths");
  add_dist_options(*r, rb.dist);
  r->footer(
      options_help +
      "\nExamples:\n"
      "  fingen strategy robustness --data data/sp500_ohlcv_2000_2020.csv --strategy sma "
      "--scenarios runs/demo/sp500/scenarios/garch.npy --scenarios "
      "runs/demo/sp500/scenarios/gan.npy\n"
      "  fingen strategy robustness --data data/sp500_ohlcv_2000_2020.csv --strategy momentum "
      "--model runs/demo/sp500/models/garch --paths 5000\n"
      "With --model the paths are generated and traded block by block (only their metrics are\n"
      "kept), also over several processes: fingen launch -n 2 -- strategy robustness ...");
  r->callback([&] { code = run_strategy_robustness(rb, out); });
  CLI::App* g = cmd->add_subcommand(
      "search", "Grid search with walk-forward evaluation, deflated Sharpe and PBO");
  common(g, gs);
  g->add_option("--grid", gs.grid, "An option's values, name=v1,v2,... (repeatable)")->required();
  g->add_option("--train", gs.train, "Bars of each walk-forward train window")
      ->check(CLI::PositiveNumber);
  g->add_option("--test", gs.test, "Bars of each test window")->check(CLI::PositiveNumber);
  g->add_option("--blocks", gs.blocks, "CSCV blocks for the PBO (even)")
      ->check(CLI::PositiveNumber);
  g->footer(options_help +
            "\nExample:\n"
            "  fingen strategy search --data data/sp500_ohlcv_2000_2020.csv --strategy sma "
            "--grid fast=10,20,50 --grid slow=50,100,200");
  g->callback([&] { code = run_strategy_search(gs, out); });
}

}  // namespace fingen::cli
