/// @file backtest.hpp
/// @brief Out-of-sample evaluation of the optimisers: rolling rebalancing on real prices.
///
/// At every `every`-th close from bar `window` on, each method estimates its portfolio from the
/// log returns of the last `window` bars (up to and including that close) and the trading engine
/// (trading::backtest) brings every asset back to the new targets at the next bar's close, with
/// its costs; between rebalances the weights drift with prices. The evaluation starts at the
/// first rebalance, so every method is measured over the same bars. The realised CVaR is the
/// expected shortfall at 1 - alpha of the net daily losses over that period.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/portfolio/optimize.hpp"
#include "fingen/trading/backtest.hpp"

namespace fingen::portfolio {

/// The optimisers by name: equal-weight, min-variance, mean-variance, max-sharpe, mean-cvar,
/// risk-parity.
const std::vector<std::string>& method_names();

/// One optimiser by name on T x N returns. `target` NaN: the mean of the assets' means, moved
/// into the range the constraints allow (mean-variance, mean-CVaR).
Portfolio optimise(const std::string& method, const Eigen::MatrixXd& returns, const Constraints& c,
                   double alpha = 0.05, double risk_free = 0,
                   double target = std::numeric_limits<double>::quiet_NaN());

struct RollingOptions {
  std::size_t window = 504;  ///< bars of returns behind each estimate (about two years)
  std::size_t every = 21;    ///< bars between rebalances (about a month)
  double alpha = 0.05;
  double risk_free = 0;
  Constraints constraints;  ///< empty bounds: long-only
  trading::BacktestOptions trading = trading::BacktestOptions().fill("next_close");
};

struct RollingResult {
  std::string method;
  trading::BacktestResult run;  ///< over the evaluation bars, curves kept
  double realised_cvar = 0;     ///< ES at 1 - alpha of the net daily losses
  std::size_t rebalances = 0;
  /// Rebalances at which max-sharpe had no portfolio above the risk-free rate and held the
  /// minimum-variance portfolio instead.
  std::size_t fallbacks = 0;
  std::vector<std::int64_t> index;  ///< the evaluation bars' index values
};

/// Every method over the same bars. Error(Usage) when the market has too few bars for one
/// rebalance after `window`.
std::vector<RollingResult> rolling_backtest(const trading::Market& market,
                                            const std::vector<std::string>& methods,
                                            const RollingOptions& options);

/// {"method", "rebalances", "fallbacks", "realised_cvar", "gross": metrics, "net": metrics, costs}.
nlohmann::json to_json(const RollingResult& r);

}  // namespace fingen::portfolio
