/// @file run.hpp
/// @brief `fingen strategy backtest | robustness` as library calls: a strategy on a data file with
/// buy-and-hold beside it, and the same strategy over synthetic markets.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/dist.hpp"
#include "fingen/data/load.hpp"
#include "fingen/stats/cointegration.hpp"
#include "fingen/trading/backtest.hpp"
#include "fingen/trading/robustness.hpp"
#include "fingen/trading/strategy.hpp"

namespace fingen::trading {

struct StrategyRequest {
  data::ReturnsSource data;  ///< prices (start/end trim the bars)
  /// More price files whose series join the first's, on the bars they all have (pairs across
  /// files).
  std::vector<data::ReturnsSource> more_data;
  std::string strategy;  ///< a registered strategy kind
  nlohmann::json strategy_options = nlohmann::json::object();
  nlohmann::json backtest_options = nlohmann::json::object();  ///< BacktestOptions keys
};

struct StrategyRun {
  Market market;
  std::unique_ptr<Strategy> strategy;
  BacktestOptions options;
  BacktestResult result;     ///< the strategy, gross and net
  BacktestResult benchmark;  ///< buy_and_hold with the same options
  /// pairs: the Engle-Granger test of the log prices over all bars (in sample).
  std::optional<stats::EngleGrangerResult> cointegration;
};

/// Runs `strategy` and buy-and-hold with `options` on `market` (the run's result and benchmark).
StrategyRun trade(Market market, std::unique_ptr<Strategy> strategy, BacktestOptions options);

/// Checks the strategy and backtest options (Error(Usage)) before reading the data, then runs
/// the strategy and buy-and-hold.
StrategyRun run_strategy(const StrategyRequest& request);

/// CSV of the fills of the net run: bar,date,asset,shares,price,cost.
std::string fills_csv(const StrategyRun& run);
/// CSV of the equity curves: date,strategy_gross,strategy_net,buy_and_hold_gross,buy_and_hold_net.
std::string equity_csv(const StrategyRun& run);
/// {strategy, strategy_options, options, bars, first, last, assets, gross, net, buy_and_hold:
/// {gross, net}} (metrics as in metrics.hpp).
nlohmann::json strategy_json(const StrategyRun& run);

struct RobustnessRequest {
  StrategyRequest base;                     ///< the historical data and the strategy
  std::vector<std::string> scenario_files;  ///< .npy log-return scenarios
  std::vector<std::string> names;           ///< one per file (default: the file stems)
  std::string model_dir;                    ///< or scenarios generated from a saved model
  std::size_t paths = 1000, horizon = 0;    ///< horizon 0: as many bars as the data
  std::uint64_t seed = 1;
  /// With model_dir: paths are generated and traded block by block (this many paths; 0: about
  /// 32 MB of returns), only their metrics kept; over several processes (comm) each rank trades
  /// its share and rank 0 gathers the metrics in path order: the same result as one process.
  std::size_t block_paths = 0;
  dist::Communicator* comm = nullptr;
};

struct RobustnessRun {
  StrategyRun historical;  ///< on the data's closes only, as the synthetic markets are traded
  std::vector<std::pair<std::string, RobustnessResult>> sources;  ///< one per scenario source
};

/// The historical run, then the strategy over each source's paths (with several ranks, the model's
/// source is complete on rank 0 only; the other ranks return without it). A scenarios file whose
/// assets differ in number from the data is Error(Usage) before any path is traded.
RobustnessRun run_robustness(const RobustnessRequest& request);

/// What a run directory keeps of trading (trading.json) and the report shows: the strategy's and
/// buy-and-hold's metrics, the equity curves, and the net Sharpe ratio of every path of every
/// scenario source with its distribution.
struct TradingSummary {
  std::string strategy;
  nlohmann::json strategy_options = nlohmann::json::object();
  std::vector<std::string> dates;
  std::vector<double> gross, net, hold_net;  ///< equity curves
  Metrics gross_metrics, net_metrics, hold_net_metrics;
  struct Source {
    std::string name;
    std::vector<double> sharpe;  ///< net, one per path (NaN where undefined)
    MetricDistribution sharpe_distribution;
    double probability_of_loss = 0;
    std::string sentence;  ///< robustness_sentence()
  };
  std::vector<Source> sources;
};

TradingSummary summarize(const StrategyRun& run,
                         const std::vector<std::pair<std::string, RobustnessResult>>& sources);

/// trading.json: {strategy, strategy_options, dates, equity {gross, net, hold_net}, metrics
/// {gross, net, hold_net}, sources [{name, sharpe [..], sharpe_distribution {...},
/// probability_of_loss, sentence}]}; NaN as null.
nlohmann::json to_json(const TradingSummary& summary);
/// Reads it back; Error(Input) naming the file for anything else.
TradingSummary read_trading_summary(const std::string& path);

}  // namespace fingen::trading
