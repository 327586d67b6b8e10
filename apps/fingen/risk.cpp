// fingen risk var | backtest: VaR and ES from scenarios, and rolling backtests on real history.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/data/load.hpp"
#include "fingen/pipeline/stages.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/risk/stress.hpp"
#include "fingen/risk/var_backtest.hpp"

namespace fingen::cli {

namespace {
data::ReturnsSource source_of(const PortfolioDataArgs& p) {
  return {p.data, p.series, p.returns, "log", p.start, p.end};
}

void add_portfolio_options(CLI::App* cmd, PortfolioDataArgs& p) {
  cmd->add_option("--data,-d", p.data, "Price (or log returns) file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--series", p.series, "Series (default: OHLCV adjusted/close, panel all)")
      ->delimiter(',');
  cmd->add_flag("--returns", p.returns, "The file holds log returns, not prices");
  cmd->add_option("--weights,-w", p.weights, "Portfolio weights (default: equal)")->delimiter(',');
  cmd->add_option("--start", p.start, "First date of data to use");
  cmd->add_option("--end", p.end, "Last date of data to use");
}
}  // namespace

namespace {
void print_var_table(const pipeline::ScenarioRisk& r, const RiskVarArgs& args,
                     const std::string& what, std::ostream& out) {
  out << fmt::format("{}, horizon {} step(s), weights {}; losses are positive fractions of value\n",
                     what, args.horizon, fmt::join(r.weights, ","));
  out << fmt::format("{:>7} {:>10} {:>23} {:>10} {:>23}\n", "level", "VaR",
                     fmt::format("VaR {:.0f}% CI", 100 * args.confidence), "ES",
                     fmt::format("ES {:.0f}% CI", 100 * args.confidence));
  for (const risk::VarEsInterval& v : r.levels)
    out << fmt::format("{:>7.4g} {:>10.6f} [{:>10.6f}, {:>10.6f}] {:>10.6f} {:>23}\n",
                       v.estimate.level, v.estimate.var, v.var_lo, v.var_hi, v.estimate.es,
                       std::isnan(v.es_lo)
                           ? std::string("-")
                           : fmt::format("[{:>10.6f}, {:>10.6f}]", v.es_lo, v.es_hi));
}

pipeline::ScenarioRiskOptions risk_options(const RiskVarArgs& args) {
  pipeline::ScenarioRiskOptions o;
  o.weights = args.weights;
  o.horizon = args.horizon;
  o.log_returns = !args.simple;
  o.levels = args.levels;
  o.confidence = args.confidence;
  o.bootstrap = args.bootstrap;
  o.seed = args.seed;
  return o;
}

// --model: paths generated on the fly (over several processes when asked), only the worst kept.
int run_model_var(const RiskVarArgs& args, std::ostream& out) {
  FG_REQUIRE(args.paths > 0, "--paths must be positive with --model");
  pipeline::ModelRiskRequest req;
  req.model_dir = args.model;
  req.paths = args.paths;
  req.seed = args.seed;
  req.risk = risk_options(args);
  req.threads = args.threads;
  const auto comm = dist::connect(resolve_dist(args.dist));
  req.comm = comm.get();
  const pipeline::ModelRisk r = pipeline::model_var_es(req);
  if (comm->rank() != 0) return static_cast<int>(kOk);
  print_var_table(r.risk, args,
                  fmt::format("{} paths from {} model {} (seed {}{})", r.paths, r.kind, args.model,
                              args.seed, r.ranks > 1 ? fmt::format(", {} processes", r.ranks) : ""),
                  out);
  if (!args.json.empty())
    write_manifest(args.json, "risk var",
                   {{"model_dir", args.model},
                    {"model_sha256", sha256_file(args.model + "/model.json")},
                    {"paths", r.paths},
                    {"seed", args.seed},
                    {"horizon", args.horizon},
                    {"weights", r.risk.weights},
                    {"confidence", args.confidence},
                    {"ranks", r.ranks},
                    {"loss_convention", "loss = -(portfolio simple return over the horizon)"},
                    {"results", pipeline::scenario_risk_rows(r.risk)}});
  return static_cast<int>(kOk);
}
}  // namespace

int run_risk_var(const RiskVarArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.levels.empty(), "no --level given");
    FG_REQUIRE(args.scenarios.empty() != args.model.empty(),
               "give either --scenarios FILE or --model DIR --paths N");
    if (!args.model.empty()) return run_model_var(args, out);
    FG_REQUIRE(args.paths == 0, "--paths goes with --model (a scenario file has its own)");
    const Scenarios s = read_scenarios_npy(args.scenarios);
    const pipeline::ScenarioRisk r = pipeline::scenario_var_es(s, risk_options(args));
    print_var_table(r, args, fmt::format("{} scenarios", s.paths), out);
    const nlohmann::json rows = pipeline::scenario_risk_rows(r);
    if (!args.json.empty())
      write_manifest(args.json, "risk var",
                     {{"scenarios", args.scenarios},
                      {"scenarios_sha256", sha256_file(args.scenarios)},
                      {"paths", s.paths},
                      {"horizon", args.horizon},
                      {"weights", r.weights},
                      {"confidence", args.confidence},
                      {"loss_convention", "loss = -(portfolio simple return over the horizon)"},
                      {"results", rows}});
    return static_cast<int>(kOk);
  });
}

void print_var_backtest_header(const Panel& r, const risk::VarBacktestOptions& o,
                               std::ostream& out) {
  out << fmt::format(
      "rolling {:.4g} VaR/ES backtest of {} ({} days {} .. {}), window {}, refit every {} days\n",
      o.level(), fmt::join(r.names, "+"), r.rows() - o.window(),
      format_index(r.kind, r.index[std::min(o.window(), r.rows() - 1)]),
      format_index(r.kind, r.index.back()), o.window(), o.refit());
  out << fmt::format("{:<11} {:>5} {:>6} {:>7} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7} {:>8}  {}\n",
                     "model", "exc", "expect", "rate%", "p_Kupiec", "p_indep", "p_cc", "zone",
                     "p_McNF", "Z2", "seconds", "verdict (5%)");
}

void print_var_backtest_row(const risk::VarBacktestResult& b, std::ostream& out) {
  const auto& t = b.tests;
  out << fmt::format(
      "{:<11} {:>5} {:>6.1f} {:>7.3f} {:>8.4f} {:>8.4f} {:>8.4f} {:>7} {:>8.4f} {:>7.3f} "
      "{:>8.1f}  {}\n",
      b.model, t.exceptions, static_cast<double>(t.n) * (1 - b.level),
      100.0 * static_cast<double>(t.exceptions) / static_cast<double>(t.n), t.p_pof, t.p_ind,
      t.p_cc, t.zone, b.es.mf_p, b.es.z2, b.seconds, risk::passes(t, 0.05) ? "passes" : "rejected");
}

int run_risk_backtest(const RiskBacktestArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.models.empty(), "no --model given");
    pipeline::VarBacktestRequest req;
    req.data = source_of(args.portfolio);
    req.weights = args.portfolio.weights;
    req.models = args.models;
    req.options = risk::VarBacktestOptions()
                      .window(args.window)
                      .refit(args.refit)
                      .level(args.level)
                      .scenarios(args.scenarios)
                      .seed(args.seed);
    req.json_out = args.json;
    req.days_csv = args.csv;
    req.on_data = [&](const Panel& r, const std::vector<double>&) {
      print_var_backtest_header(r, req.options, out);
    };
    req.on_result = [&](const risk::VarBacktestResult& b) { print_var_backtest_row(b, out); };
    pipeline::run_var_backtests(req);
    return static_cast<int>(kOk);
  });
}

void add_risk(CLI::App& app, RiskVarArgs& var_args, RiskBacktestArgs& bt_args, int& code,
              std::ostream& out) {
  CLI::App* risk = app.add_subcommand(
      "risk", "Value-at-Risk and Expected Shortfall: from scenarios, and backtested");
  risk->require_subcommand(1);
  CLI::App* var = risk->add_subcommand(
      "var", "VaR and ES of a portfolio from scenarios (.npy) or from a model's paths");
  var->footer(
      "Losses are positive: loss = -(portfolio simple return over the horizon), from per-step log\n"
      "returns (--simple if the scenarios hold simple returns). VaR is the level-quantile of the "
      "loss,\n"
      "ES the mean loss beyond it; intervals: order statistics (VaR), bootstrap (ES).\n"
      "With --model DIR --paths N the paths are generated (seed --seed) and reduced block by\n"
      "block, keeping only the worst losses: any number of paths, also over several processes\n"
      "(fingen launch -n N -- risk var ..., or --world-size/--rank), with the VaR of the same "
      "paths\n"
      "in one file; no ES interval (it would need every loss).\n\n"
      "Examples:\n"
      "  fingen risk var --scenarios runs/demo/garch_scenarios.npy --level 0.99 --horizon 10\n"
      "  fingen launch -n 2 -- risk var --model runs/garch --paths 10000000 --horizon 10\n"
      "  fingen risk var --scenarios eu.npy --weights 0.4,0.3,0.2,0.1 --level 0.95,0.99 --json "
      "var.json");
  var->add_option("--scenarios,-s", var_args.scenarios, "Scenario file (.npy)")
      ->check(CLI::ExistingFile);
  var->add_option("--model,-m", var_args.model, "Model directory to generate paths from")
      ->check(CLI::ExistingDirectory);
  var->add_option("--paths", var_args.paths, "With --model: number of paths")
      ->check(CLI::PositiveNumber);
  var->add_option("--threads", var_args.threads, "With --model: OpenMP threads (0: as is)")
      ->check(CLI::NonNegativeNumber);
  var->add_option("--weights,-w", var_args.weights, "Portfolio weights (default: equal)")
      ->delimiter(',');
  var->add_option("--level,-l", var_args.levels, "Confidence level(s)")->delimiter(',');
  var->add_option("--horizon,-H", var_args.horizon, "Horizon in steps")
      ->check(CLI::NonNegativeNumber);
  var->add_flag("--simple", var_args.simple, "Scenarios hold simple, not log, returns");
  var->add_option("--confidence", var_args.confidence, "Confidence of the intervals");
  var->add_option("--bootstrap", var_args.bootstrap, "Bootstrap resamples for the ES interval")
      ->check(CLI::NonNegativeNumber);
  var->add_option("--seed", var_args.seed,
                  "Seed of the bootstrap (--scenarios) or of the paths (--model)");
  add_dist_options(*var, var_args.dist);
  var->add_option("--json", var_args.json, "Write the results as JSON");
  var->callback([&] { code = run_risk_var(var_args, out); });

  CLI::App* bt =
      risk->add_subcommand("backtest", "Rolling out-of-sample VaR/ES backtest on real data");
  std::string model_list;
  for (const auto& m : risk::var_model_names())
    model_list += fmt::format("  {:<11} {}\n", m, risk::var_model_description(m));
  bt->footer(
      "Each day's VaR/ES is forecast from the --window days before it; models are refitted every\n"
      "--refit days (0 = once). Models:\n" +
      model_list +
      "Tests: Kupiec, Christoffersen independence and conditional coverage, Basel traffic "
      "light,\n"
      "McNeil-Frey and Acerbi-Szekely Z2 for ES.\n\n"
      "Examples:\n"
      "  fingen risk backtest --data data/sp500_ohlcv_2000_2020.csv --model historical,garch,fhs "
      "--level 0.99\n"
      "  fingen risk backtest --data data/dow_jones_30.csv --series AA,IBM,KO --model "
      "normal,bootstrap \\\n"
      "      --window 500 --refit 20 --json bt.json --csv bt_days.csv");
  add_portfolio_options(bt, bt_args.portfolio);
  bt->add_option("--model,-m", bt_args.models, "Model(s), comma separated")->delimiter(',');
  bt->add_option("--window", bt_args.window, "Estimation window in days")
      ->check(CLI::NonNegativeNumber);
  bt->add_option("--refit", bt_args.refit, "Days between refits (0 = fit once)")
      ->check(CLI::NonNegativeNumber);
  bt->add_option("--level,-l", bt_args.level, "VaR/ES level");
  bt->add_option("--scenarios", bt_args.scenarios, "Scenarios per day for generator models")
      ->check(CLI::NonNegativeNumber);
  bt->add_option("--seed", bt_args.seed, "Seed for generator models");
  bt->add_option("--json", bt_args.json, "Write the test results as JSON");
  bt->add_option("--csv", bt_args.csv, "Write every day's loss, VaR, ES and exception as CSV");
  bt->callback([&] { code = run_risk_backtest(bt_args, out); });
}

}  // namespace fingen::cli

namespace fingen::cli {

int run_risk_stress(const RiskStressArgs& args, std::ostream& out) {
  return guarded([&] {
    pipeline::StressRequest req;
    req.data = source_of(args.portfolio);
    req.weights = args.portfolio.weights;
    req.days = args.days;
    req.worst = args.worst;
    req.shocks = args.shocks;
    req.model_dir = args.model;
    req.paths = args.paths;
    req.horizon = args.horizon;
    req.level = args.level;
    req.vol_multipliers = args.vol_multipliers;
    req.context_days = args.context_days;
    req.crisis_end = args.crisis_end;
    req.seed = args.seed;
    req.json_out = args.json;
    const pipeline::StressRun run = pipeline::run_stress_tests(req);
    const Panel& r = run.returns;
    out << fmt::format("worst {}-day periods of {} (portfolio return, max drawdown):\n", args.days,
                       fmt::join(r.names, "+"));
    for (const auto& s : run.worst)
      out << fmt::format("  {} .. {}  {:>8.2f}%  drawdown {:>6.2f}%\n",
                         format_index(r.kind, s.first), format_index(r.kind, s.last),
                         100 * s.portfolio_return, 100 * s.max_drawdown);
    if (run.has_shock)
      out << fmt::format("shock {} -> portfolio loss {:.2f}%\n", fmt::join(args.shocks, ","),
                         100 * run.shock_loss);
    if (run.model_kind.empty()) return static_cast<int>(kOk);
    out << fmt::format("{} model '{}': {:.4g} VaR/ES over {} days from {} paths:\n", run.model_kind,
                       args.model, args.level, run.horizon, args.paths);
    for (const auto& s : run.scenarios)
      if (s.skipped)
        out << fmt::format("  {:<34} skipped: the '{}' model has no memory of recent history\n",
                           s.label, run.model_kind);
      else
        out << fmt::format("  {:<34} VaR {:>7.2f}%  ES {:>7.2f}%  worst path {:>7.2f}%\n", s.label,
                           100 * s.var, 100 * s.es, 100 * s.worst_path_loss);
    return static_cast<int>(kOk);
  });
}

void add_risk_stress(CLI::App& app, RiskStressArgs& args, int& code, std::ostream& out) {
  CLI::App* risk = app.get_subcommand("risk");
  CLI::App* cmd = risk->add_subcommand(
      "stress", "Stress tests: worst historical periods, crisis-conditioned scenarios, shocks");
  cmd->footer(
      "Lists the worst historical periods of the portfolio; with --model, measures VaR/ES of the\n"
      "model's scenarios as fitted, with volatility multiplied (--vol), and started from the "
      "crisis\n"
      "context (the --context-days before the worst period, or ending at --crisis-end): a GARCH "
      "starts at\n"
      "crisis volatility, a conditional GAN is conditioned on the crisis; --shock applies instant "
      "moves.\n\n"
      "Examples:\n"
      "  fingen risk stress --data data/sp500_ohlcv_2000_2020.csv --days 10 --model "
      "runs/demo/garch\n"
      "  fingen risk stress --data data/eu_stock_markets.csv --shock -0.2,-0.15,-0.2,-0.1 --days "
      "20");
  add_portfolio_options(cmd, args.portfolio);
  cmd->add_option("--days", args.days, "Length of the stress periods in days")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--worst", args.worst, "How many worst periods to list")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--model,-m", args.model, "Fitted model directory")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--paths", args.paths, "Scenarios to generate")->check(CLI::NonNegativeNumber);
  cmd->add_option("--horizon,-H", args.horizon, "Scenario horizon in days (default: --days)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--level,-l", args.level, "VaR/ES level");
  cmd->add_option("--vol", args.vol_multipliers, "Volatility multipliers")->delimiter(',');
  cmd->add_option("--context-days", args.context_days,
                  "Days of crisis context for conditional scenarios")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--crisis-end", args.crisis_end,
                  "Last date of the crisis context (default: before the worst period)");
  cmd->add_option("--shock", args.shocks, "Instant simple-return shock per series")->delimiter(',');
  cmd->add_option("--seed", args.seed, "Seed");
  cmd->add_option("--json", args.json, "Write the results as JSON");
  cmd->callback([&] { code = run_risk_stress(args, out); });
}

}  // namespace fingen::cli
