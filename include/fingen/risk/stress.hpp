/// @file stress.hpp
/// @brief Stress tests: the worst historical periods, user shocks, and volatility multipliers.
///
/// - Historical: the `count` worst non-overlapping windows of `length` days for the portfolio
///   (compounded simple return sum_i w_i (exp(r_i) - 1) per day), with their maximum drawdown.
/// - Shocks: an instantaneous move of each asset by x_i (simple return) loses -sum_i w_i x_i.
/// - Volatility multiplier y: scenario returns are spread around each asset's scenario mean,
///   r' = m + y (r - m), which multiplies every asset's volatility by y and keeps correlations.
/// Conditional scenarios (a GARCH started at crisis volatility, a GAN conditioned on a crisis
/// context) come from ScenarioGenerator::generate_from and are measured with measures.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::risk {

struct StressWindow {
  std::size_t first_row = 0, last_row = 0;  ///< rows of the returns panel (inclusive)
  std::int64_t first = 0, last = 0;         ///< their index values
  double portfolio_return = 0;              ///< compounded simple return over the window
  double max_drawdown = 0;                  ///< largest peak-to-trough fall inside it (positive)
};

std::vector<StressWindow> worst_windows(const Panel& returns, const std::vector<double>& weights,
                                        std::size_t length, std::size_t count);

/// Loss (positive) of an instantaneous shock of simple returns `shocks` to a portfolio.
double shock_loss(const std::vector<double>& weights, const std::vector<double>& shocks);

/// Scenarios with every asset's volatility multiplied by `multiplier` around its scenario mean.
Scenarios scale_volatility(const Scenarios& scenarios, double multiplier);

}  // namespace fingen::risk
