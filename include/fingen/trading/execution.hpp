/// @file execution.hpp
/// @brief Executing a parent order: TWAP and VWAP schedules, simulated child fills with costs, and
/// the implementation shortfall against the arrival price, beside one immediate order.
///
/// A parent order buys (or sells) Q shares of one asset over the `bars` bars starting at bar s.
/// The arrival price is the close of bar s - 1 (the decision is made at that close).
/// - TWAP: q_k = Q / bars on each bar (whole shares: the remainder goes to the first bars).
/// - VWAP: q_k = Q v_k / sum v, with v_k the expected volume of bar k's slot: the bar's
///   time of day for intraday data, its weekday for daily data (one slot for observation
///   numbers), averaged over the `lookback` bars before s (bars of other slots are ignored; a slot
///   not seen there gets the mean of all). Or a profile given by the user (its weights, any
///   scale).
/// - Each child fills at the bar's close C_k and pays (spread_bps / 2 + slippage_bps +
///   commission_bps) 1e-4 n + commission_fixed plus the square-root impact
///   impact_coefficient sigma sqrt(q_k / V_k) n (n = q_k C_k; sigma: the sd of the 20 close-to-
///   close log returns before s; V_k: bar k's volume, none when it has no volume).
/// - The immediate order fills all Q at bar s with the same cost model (V_s its volume).
/// Implementation shortfall, in basis points of the arrival value Q P0, signed so that positive
/// is a cost: side (sum_k q_k C_k - Q P0) + costs, for both.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/trading/backtest.hpp"

namespace fingen::trading {

struct ExecutionRequest {
  std::string algo = "twap";  ///< twap or vwap
  std::size_t asset = 0;      ///< column of the market
  double shares = 0;          ///< Q > 0
  bool buy = true;
  std::size_t start = 0;        ///< first bar of the schedule (>= 21: the volatility needs 20)
  std::size_t bars = 10;        ///< bars of the schedule
  std::size_t lookback = 20;    ///< VWAP: bars behind the volume profile
  std::vector<double> profile;  ///< VWAP: a given profile, one weight per bar of the schedule
  bool whole_shares = false;
  CostOptions costs;
};

struct ChildFill {
  std::size_t bar = 0;
  double shares = 0, price = 0, cost = 0;
};

struct ExecutionCost {
  double average_price = 0;
  double costs = 0;            ///< commissions, spread, slippage, impact
  double shortfall_bps = 0;    ///< implementation shortfall (positive: a cost)
  double price_drift_bps = 0;  ///< the part from prices moving during the schedule
  double cost_bps = 0;         ///< the part from costs
};

struct ExecutionResult {
  double arrival_price = 0;
  std::vector<ChildFill> children;
  ExecutionCost schedule, immediate;
};

/// Error(Usage) for a request that does not fit the market (start too early or too late,
/// non-positive shares, a profile of the wrong length or with negative weights).
ExecutionResult execute(const Market& market, const ExecutionRequest& request);

nlohmann::json to_json(const ExecutionResult& result, const Market& market);

}  // namespace fingen::trading
