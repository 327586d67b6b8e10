/// @file strategy.hpp
/// @brief Strategies: target weights for every bar from the bars up to it, behind one interface
/// and a registry (like the scenario generators').
///
/// Built-in kinds (N assets; each asset's signal s in {-1, 0, 1} becomes the weight s / N):
/// - buy_and_hold: s = 1 on every bar (the benchmark of every table).
/// - sma: moving-average crossover. With SMA_k(t) the mean of the closes t-k+1 .. t, from bar
///   slow - 1 on: s = 1 when SMA_fast(t) > SMA_slow(t), else -1 with allow_short = true or 0;
///   before it s = 0.
/// - momentum: time-series momentum. From bar lookback on: s = 1 when C_t > C_{t-lookback}, else
///   -1 with allow_short = true or 0 (Moskowitz, Ooi & Pedersen 2012); before it 0.
/// - zscore: mean reversion on the z-score z_t = (C_t - mean) / sd of the last `lookback` closes
///   (sd with ddof 0, as Bollinger bands use). From bar lookback - 1 on, a position opens at
///   z > entry (s = -1, only with allow_short = true) or z < -entry (s = 1) and closes when z
///   crosses back inside the exit band (s = 1 closes at z >= -exit, s = -1 at z <= exit); flat bars
///   with sd = 0 keep the previous signal.
/// - pairs: two assets y (the first) and x (the second). From bar window - 1 on, the hedge ratio
///   is the OLS fit ln y_k = a + b ln x_k + e_k over the last `window` bars k = t-window+1 .. t,
///   and z_t = e_t / sd(e) (sd with ddof 0 over those bars; their mean is 0). Flat: z_t > entry
///   opens a short spread (weights y -1/(1+|b|), x +b/(1+|b|)), z_t < -entry a long one (the
///   opposite signs); b is kept from the entry bar while the position is open, so the weights do
///   not change until it closes: a long spread closes at z_t >= -exit, a short one at
///   z_t <= exit (on the same bar no new position opens). The market must have exactly two
///   assets. Its cointegration is reported by the Engle-Granger test (stats/cointegration.hpp).
/// - model: signals from a fitted generator that conditions on the past (GARCH, a conditional
///   GAN). From bar context on, the generator continues the last `context` log returns (bars
///   t-context+1 .. t) by one step over `paths` paths (seed + t); with p_i the share of paths
///   where asset i rises, s = 1 when p_i > threshold, -1 when p_i < 1 - threshold and
///   allow_short, else 0. The model should have been fitted on data before the bars it trades
///   (fitting on them is look-ahead the backtester cannot see).
/// Every strategy is causal: W[t] depends on bars 0..t only (tested by changing every later bar).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/trading/backtest.hpp"

namespace fingen::trading {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string kind() const = 0;
  /// Target weights, T x N: row t from bars 0..t.
  virtual Eigen::MatrixXd weights(const Market& market) const = 0;
  /// The options it was made with.
  virtual nlohmann::json options() const = 0;
  /// Bars before the first possible signal (0 for buy_and_hold, slow - 1 for sma, ...).
  virtual std::size_t warmup() const = 0;
};

struct StrategyKind {
  std::string name, description;
  std::vector<OptionInfo> options;
  std::function<std::unique_ptr<Strategy>(const nlohmann::json&)> make;
};

void register_strategy(StrategyKind kind);
std::vector<std::string> strategy_kinds();
/// Error(Usage) listing the known kinds when unknown.
const StrategyKind& strategy_kind(const std::string& name);
/// Options checked (unknown keys, types, ranges: Error(Usage) naming `where`).
std::unique_ptr<Strategy> make_strategy(const std::string& kind, const nlohmann::json& options,
                                        const std::string& where);

#define FINGEN_SMA_OPTIONS(X)                                            \
  X(std::int64_t, fast, 20, "bars of the fast moving average")           \
  X(std::int64_t, slow, 100, "bars of the slow moving average (> fast)") \
  X(bool, allow_short, false, "go short when fast < slow (else flat)")
#define FINGEN_MOMENTUM_OPTIONS(X)                          \
  X(std::int64_t, lookback, 252, "bars of the past return") \
  X(bool, allow_short, false, "go short after a fall (else flat)")
#define FINGEN_ZSCORE_OPTIONS(X)                                       \
  X(std::int64_t, lookback, 20, "bars of the rolling mean and sd")     \
  X(double, entry, 2.0, "|z| that opens a position")                   \
  X(double, exit, 0.5, "|z| inside which a position closes (< entry)") \
  X(bool, allow_short, true, "also sell rich prices short")
#define FINGEN_MODEL_SIGNAL_OPTIONS(X)                                                    \
  X(std::string, model, "", "directory of a fitted conditional generator")                \
  X(double, threshold, 0.55, "trade when the predicted probability of a rise exceeds it") \
  X(std::int64_t, paths, 2000, "one-step paths per bar")                                  \
  X(std::int64_t, context, 250, "returns of recent history given to the model")           \
  X(bool, allow_short, false, "go short when a fall is as likely")                        \
  X(std::uint64_t, seed, 1, "seed of the paths (bar t uses seed + t)")
#define FINGEN_PAIRS_OPTIONS(X)                                              \
  X(std::int64_t, window, 120, "bars of the rolling hedge-ratio regression") \
  X(double, entry, 2.0, "|z| of the spread that opens a position")           \
  X(double, exit, 0.5, "|z| inside which the position closes (< entry)")

}  // namespace fingen::trading
