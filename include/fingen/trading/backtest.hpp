/// @file backtest.hpp
/// @brief The trading backtester: target weights in, fills, costs, an equity curve and metrics out.
///
/// Bars. A Market holds T bars of N assets: closes (adjusted closes when the file has them), and
/// optionally opens (scaled by adjusted/close) and volumes. A strategy (strategy.hpp) gives, for
/// every bar t, target weights W[t] computed from bars 0..t only.
///
/// Timing (no look-ahead). The decision made at the close of bar t is filled at bar t+1: at its
/// open when the market has opens and `fill` is next_open (the default), else at its close. Bar 0
/// has no fill; the decision of the last bar is never filled.
///
/// Accounting, for t = 1 .. T-1, with X_t the fill prices of bar t:
///  1. Targets w = W[t-1]; when sum_i |w_i| exceeds max_leverage, w is scaled down to it.
///  2. An asset is traded when its target changed (W[t-1][i] != W[t-2][i], W[-1] = 0), or on
///     every bar with rebalance = every_bar. Equity at the fill E_x = cash + sum_i q_i X_i; the
///     target holding is q*_i = w_i E_x / X_i shares (truncated toward zero with whole_shares);
///     the trade is d_i = q*_i - q_i (no trade when d_i = 0).
///  3. A trade of notional n = |d_i| X_i costs commission_bps 1e-4 n + commission_fixed,
///     (spread_bps / 2) 1e-4 n (half the spread), slippage_bps 1e-4 n and, when the market has
///     volumes, the square-root impact impact_coefficient sigma_i sqrt(|d_i| / V_i,t-1) n, where
///     sigma_i is the standard deviation (ddof 1) of the last 20 close-to-close log returns up to
///     bar t-1 (0 with fewer than 2) and V_i,t-1 the previous bar's volume (no impact when V <= 0).
///     cash -= d_i X_i + cost; q_i += d_i.
///  4. At the close: short positions pay borrow_bps 1e-4 / periods_per_year of their value
///     sum_{q_i < 0} |q_i| C_i,t; equity E_t = cash + sum_i q_i C_i,t. E_0 = initial_capital.
/// The gross run is the same with every cost set to zero; every result carries both.
///
/// Metrics (metrics.hpp) are computed from the equity curve, r_t = E_t / E_{t-1} - 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/options.hpp"
#include "fingen/core/time.hpp"
#include "fingen/data/load.hpp"
#include "fingen/trading/metrics.hpp"

namespace fingen::trading {

/// Bars of N assets (rows are bars, columns assets).
struct Market {
  IndexKind kind = IndexKind::Date;
  std::vector<std::int64_t> index;  ///< one per bar (dates, date-times or observation numbers)
  std::vector<std::string> names;
  Eigen::MatrixXd close;   ///< T x N, positive
  Eigen::MatrixXd open;    ///< T x N or empty
  Eigen::MatrixXd volume;  ///< T x N or empty
  std::size_t bars() const noexcept { return static_cast<std::size_t>(close.rows()); }
  std::size_t assets() const noexcept { return static_cast<std::size_t>(close.cols()); }
};

/// Reads a market from a file: an OHLCV file gives one asset (adjusted close when present, its
/// open scaled by adjusted/close, and its volume), a panel file one asset per column (`series`
/// chooses, default all) with closes only. Rows outside [start, end] are dropped; rows with a
/// missing price are dropped. Error(Input) naming the file for non-positive prices.
Market read_market(const data::ReturnsSource& source);

/// Several files side by side: the first file's series, then each of `more`'s, on the bars all of
/// them have (an inner join on the index). Opens and volumes are kept only when every file has
/// them. Error(Input) naming the files when they share fewer than 2 bars or use different kinds
/// of index; Error(Usage) when two files give a series of the same name.
Market read_market(const data::ReturnsSource& first, const std::vector<data::ReturnsSource>& more);

/// Markets from scenario paths of log returns (paths x horizon x assets): path p starts every
/// asset at `start_price` and compounds, P_t = P_{t-1} exp(r_t) (exp vectorised, core/vmath.hpp;
/// the product taken four bars at a time, equal up to rounding), so it has horizon + 1 bars of
/// closes and no opens or volumes.
Market market_from_log_returns(const double* path, std::size_t horizon, std::size_t assets,
                               const std::vector<std::string>& names, double start_price = 100.0);
/// The same into an existing market, reusing its storage (one market per thread over many paths).
void assign_log_returns(Market& m, const double* path, std::size_t horizon, std::size_t assets,
                        const std::vector<std::string>& names, double start_price = 100);

#define FINGEN_COST_OPTIONS(X)                                                          \
  X(double, commission_bps, 1.0, "commission, basis points of the traded notional")     \
  X(double, commission_fixed, 0.0, "fixed commission per order, in currency")           \
  X(double, spread_bps, 5.0, "bid-ask spread in basis points (each trade pays half)")   \
  X(double, slippage_bps, 2.0, "slippage, basis points of the traded notional")         \
  X(double, impact_coefficient, 0.1,                                                    \
    "square-root impact: cost = c * sigma * sqrt(shares / previous volume) * notional") \
  X(double, borrow_bps, 50.0, "annual borrow cost of short positions, basis points of value")

#define FINGEN_BACKTEST_OPTIONS(X)                                                               \
  X(double, initial_capital, 1000000.0, "starting cash")                                         \
  X(std::string, fill, "next_open", "next_open (when the data has opens) or next_close")         \
  X(std::string, rebalance, "on_change", "on_change (trade when a target changes) or every_bar") \
  X(double, max_leverage, 1.0, "largest sum of |weights|; larger targets are scaled down")       \
  X(bool, whole_shares, false, "trade whole shares only")                                        \
  X(double, periods_per_year, 252.0, "bars per year, for annualising")

struct CostOptions {
  FINGEN_COST_OPTIONS(FG_OPTION_FIELD)

 public:
  /// Every cost zero: the gross run.
  static CostOptions none();
  static std::vector<OptionInfo> info();
};

struct BacktestOptions {
  FINGEN_BACKTEST_OPTIONS(FG_OPTION_FIELD)
  FG_ARG(CostOptions, costs);

 public:
  static std::vector<OptionInfo> info();  ///< backtest and cost options together
  /// From a JSON object of backtest and cost options (unknown keys are Error(Usage) naming
  /// `where`); validated.
  static BacktestOptions from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;
  void validate() const;
};

struct Fill {
  std::size_t bar = 0, asset = 0;
  double shares = 0;  ///< signed: > 0 bought
  double price = 0;   ///< fill price
  double cost = 0;    ///< all costs of this fill
};

/// One run (gross or net).
struct Run {
  std::vector<double> equity;          ///< E_t at every close, E_0 = initial capital
  std::vector<double> gross_exposure;  ///< sum_i |q_i C_i,t| / E_t at every close
  std::vector<Fill> fills;
  double costs = 0;            ///< total costs paid (commissions, spread, slippage, impact, borrow)
  double traded_notional = 0;  ///< sum of |d_i| X_i
  Metrics metrics;
};

struct BacktestResult {
  Run gross, net;
};

/// Runs the targets `weights` (T x N, row t decided at the close of bar t) on `market`.
/// `keep_fills`/`keep_curves` false keep only the metrics (many paths). `rebalance_at` (T flags,
/// or empty): decision bars at which every asset is brought back to its target even when the
/// target did not change (a portfolio rebalanced on a calendar).
BacktestResult backtest(const Market& market, const Eigen::MatrixXd& weights,
                        const BacktestOptions& options, bool keep_fills = true,
                        bool keep_curves = true, const std::vector<char>& rebalance_at = {});

}  // namespace fingen::trading
