/// @file screen.hpp
/// @brief Screening of candidate portfolios under generated scenarios ("opportunity discovery").
///
/// Each candidate (random long-only weights drawn uniformly on the simplex, given portfolios such
/// as frontier points, or the single assets) is bought and held along every scenario path of log
/// returns (paths x horizon x assets): V_0 = 1, V_t = Σ_i w_i exp(Σ_{u<=t} r_iu). Per candidate:
/// - expected_return: mean over paths of V_H - 1;
/// - cvar: expected shortfall at 1 - alpha of the path losses 1 - V_H (Acerbi–Tasche);
/// - sharpe: mean / sd of the pooled per-step returns V_t / V_{t-1} - 1, times sqrt(periods);
/// - drawdown_probability: share of paths whose maximum drawdown exceeds `drawdown`.
/// A candidate passes when it meets every threshold that is set; those passing are ranked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/portfolio/optimize.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::portfolio {

struct ScreenOptions {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  std::size_t random = 1000;  ///< random long-only candidates
  std::uint64_t seed = 1;
  bool single_assets = false;  ///< also each asset alone
  double alpha = 0.05;
  double drawdown = 0.10;
  double periods_per_year = 252;
  double min_return = kNone, max_cvar = kNone, min_sharpe = kNone;
  double max_drawdown_probability = kNone;
  std::string rank_by = "sharpe";  ///< sharpe, expected_return, cvar (lowest first)
};

struct Candidate {
  std::string label;  ///< "random 17", "asset SPI", or the given portfolio's method
  std::vector<double> weights;
  double expected_return = 0, cvar = 0, sharpe = 0, drawdown_probability = 0;
  bool passed = false;
  std::vector<std::string> checks;  ///< each threshold against the value, e.g. "sharpe 0.81 >= 0.5"
};

struct ScreenResult {
  std::vector<Candidate> passed;  ///< ranked
  std::size_t evaluated = 0;
};

/// Screens the random candidates, the single assets (option) and `given`. Parallel over
/// candidates; the same result for any thread count.
ScreenResult screen(const Scenarios& scenarios, const std::vector<Portfolio>& given,
                    const ScreenOptions& options);

/// {"evaluated", "passed": [{"label", "weights": {name: w}, metrics..., "checks"}]}.
nlohmann::json to_json(const ScreenResult& r, const std::vector<std::string>& names);

}  // namespace fingen::portfolio
