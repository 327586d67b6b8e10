/// @file robustness.hpp
/// @brief A strategy over thousands of synthetic markets: how much of a historical result
/// survives in markets that behave like the real one but did not happen.
///
/// Each scenario path (log returns, paths x horizon x assets) becomes a market of closes starting
/// at 100 (market_from_log_returns); the strategy trades it with the same options as the
/// historical run; only the metrics of each path are kept. Paths run in parallel (OpenMP) and the
/// result of path p depends only on path p, so any thread count gives the same numbers.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/scenario/scenarios.hpp"
#include "fingen/trading/backtest.hpp"
#include "fingen/trading/strategy.hpp"

namespace fingen::trading {

/// Distribution of one metric over the paths (finite values only).
struct MetricDistribution {
  std::string metric;
  std::size_t finite = 0;  ///< paths with a finite value
  double mean = 0, sd = 0;
  double q05 = 0, q25 = 0, median = 0, q75 = 0, q95 = 0;  ///< quantiles (type 7, as NumPy's)
  double historical = Metrics::kNaN;  ///< the historical run's value (NaN: none)
  /// Share of finite path values <= the historical value (NaN without one).
  double historical_percentile = Metrics::kNaN;
};

struct RobustnessResult {
  std::size_t paths = 0, horizon = 0;
  std::vector<Metrics> net, gross;          ///< per path
  std::vector<MetricDistribution> summary;  ///< net: sharpe, total_return, annual_return,
                                            ///< annual_volatility, max_drawdown, turnover
  double probability_of_loss = 0;           ///< share of paths with net total return < 0
  double gross_probability_of_loss = 0;
};

/// Runs `strategy` on every path of `scenarios` (asset names must match `names` when given).
/// `historical` (optional) is the real run to place in the distributions.
RobustnessResult run_over_paths(const Scenarios& scenarios, const Strategy& strategy,
                                const BacktestOptions& options,
                                const Metrics* historical = nullptr);

/// The result of per-path metrics gathered in pieces (blocks of paths, the shares of several
/// processes), in path order: what run_over_paths makes of the same paths.
RobustnessResult summarize_paths(std::vector<Metrics> net, std::vector<Metrics> gross,
                                 std::size_t horizon, const Metrics* historical = nullptr);

/// Summary as JSON: {paths, horizon, probability_of_loss, gross_probability_of_loss,
/// metrics: {name: {finite, mean, sd, q05, q25, median, q75, q95, historical,
/// historical_percentile}}}.
nlohmann::json to_json(const RobustnessResult& r);

/// The one line a user reads: "of the historical Sharpe 0.90, the median over 5000 markets is
/// 0.21 (90% of markets between -0.5 and 0.9), and 31.0% of them lose money".
std::string robustness_sentence(const RobustnessResult& r, const std::string& source);

/// The same market with only its closes (fills at the next close, no volume-based impact): how
/// the historical run is made comparable with synthetic markets, which have closes only.
Market closes_only(const Market& market);

}  // namespace fingen::trading
