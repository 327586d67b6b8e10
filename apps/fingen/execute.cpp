// fingen execute: a parent order worked by TWAP or VWAP against one immediate order, with the
// implementation shortfall of each.
#include <algorithm>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/trading/execution.hpp"

namespace fingen::cli {

int run_execute(const ExecuteArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(args.side == "buy" || args.side == "sell", "--side must be buy or sell, got '{}'",
               args.side);
    // Cost options by --set key=value (the backtester's cost options).
    const nlohmann::json costs =
        parse_option_assignments(args.set, trading::CostOptions::info(), "cost options");
    const trading::BacktestOptions bt = trading::BacktestOptions::from_json(costs, "cost options");
    const trading::Market m = trading::read_market(
        {args.data, args.series.empty() ? std::vector<std::string>{} : std::vector{args.series},
         false, "log", "", ""});
    FG_REQUIRE(m.assets() == 1, "{} has {} series: choose one with --series", args.data,
               m.assets());
    const auto at = parse_index(m.kind, args.start);
    FG_REQUIRE(at.has_value(), "--start '{}' is not a valid {}", args.start, to_string(m.kind));
    trading::ExecutionRequest req;
    req.algo = args.algo;
    req.shares = args.shares;
    req.buy = args.side == "buy";
    req.start = static_cast<std::size_t>(std::lower_bound(m.index.begin(), m.index.end(), *at) -
                                         m.index.begin());
    req.bars = args.bars;
    req.lookback = args.lookback;
    req.profile = args.profile;
    req.whole_shares = args.whole_shares;
    req.costs = bt.costs();
    const trading::ExecutionResult r = trading::execute(m, req);
    out << fmt::format("{} {} {} shares of {} over {} bars from {}; arrival price {:.6g}\n",
                       args.algo, args.side, args.shares, m.names[0], args.bars,
                       format_index(m.kind, m.index[req.start]), r.arrival_price);
    out << fmt::format("{:<12}{:>14}{:>14}{:>14}{:>16}\n", "", "avg price", "drift bps", "cost bps",
                       "shortfall bps");
    for (const auto& [name, e] :
         {std::pair<const char*, const trading::ExecutionCost*>{args.algo.c_str(), &r.schedule},
          {"immediate", &r.immediate}})
      out << fmt::format("{:<12}{:>14.6g}{:>14.2f}{:>14.2f}{:>16.2f}\n", name, e->average_price,
                         e->price_drift_bps, e->cost_bps, e->shortfall_bps);
    if (!args.json.empty()) {
      nlohmann::json j = trading::to_json(r, m);
      j["options"] = {{"algo", args.algo},   {"side", args.side}, {"shares", args.shares},
                      {"start", args.start}, {"bars", args.bars}, {"lookback", args.lookback},
                      {"costs", costs},      {"data", args.data}};
      write_manifest(args.json, "execute", j);
    }
    return static_cast<int>(kOk);
  });
}

void add_execute(CLI::App& app, ExecuteArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand(
      "execute", "Work a parent order by TWAP or VWAP and compare it with one immediate order");
  cmd->footer(
      "Children fill at each bar's close and pay half the spread, slippage, commissions and a\n"
      "square-root impact on the bar's volume (cost options with --set, as in `strategy`):\n" +
      describe_options(trading::CostOptions::info()) +
      "VWAP follows the mean volume of each bar's slot (weekday, or time of day for intraday "
      "data)\nover --lookback bars, or --profile weights.\n\n"
      "Example:\n"
      "  fingen execute --data data/sp500_ohlcv_2000_2020.csv --algo vwap --shares 2000000 "
      "--start 2008-10-01 --bars 5");
  cmd->add_option("--data,-d", args.data, "Price file (OHLCV, or a panel with --series)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--series", args.series, "The series of a panel file");
  cmd->add_option("--algo", args.algo, "twap or vwap")->check(CLI::IsMember({"twap", "vwap"}));
  cmd->add_option("--shares,-q", args.shares, "Shares of the parent order")->required();
  cmd->add_option("--side", args.side, "buy or sell");
  cmd->add_option("--start", args.start, "First bar of the schedule (date)")->required();
  cmd->add_option("--bars", args.bars, "Bars of the schedule")->check(CLI::PositiveNumber);
  cmd->add_option("--lookback", args.lookback, "VWAP: bars behind the volume profile")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--profile", args.profile, "VWAP: the profile's weights, one per bar")
      ->delimiter(',');
  cmd->add_flag("--whole-shares", args.whole_shares, "Children in whole shares");
  cmd->add_option("--set", args.set, "A cost option, key=value (repeatable)");
  cmd->add_option("--json", args.json, "Write the children and the shortfalls as JSON");
  cmd->callback([&] { code = run_execute(args, out); });
}

}  // namespace fingen::cli
