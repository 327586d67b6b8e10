/// @file metrics.hpp
/// @brief Performance metrics of an equity curve E_0 .. E_{T-1}, with r_t = E_t / E_{t-1} - 1
/// (n = T - 1 returns) and P = periods per year.
///
/// - total_return = E_{T-1} / E_0 - 1; annual_return = (E_{T-1} / E_0)^(P / n) - 1;
/// - annual_volatility = sd(r) sqrt(P), sd with ddof 1;
/// - sharpe = mean(r) / sd(r) sqrt(P) (zero risk-free rate); NaN when sd(r) = 0;
/// - sortino = mean(r) / sqrt(mean(min(r, 0)^2)) sqrt(P); NaN when no return is negative;
/// - max_drawdown = max_t (1 - E_t / max_{s <= t} E_s); max_drawdown_duration = the longest run of
///   consecutive bars with E_t below the running peak (in bars);
/// - calmar = annual_return / max_drawdown (NaN when max_drawdown = 0);
/// - turnover = traded notional / mean(E) * P / n (times the book is traded per year);
/// - hit_rate = share of bars t >= 1 with r_t > 1e-12 (a return at rounding level, as on a day
///   whose prices did not move, is no hit) among those holding a position at their close (NaN
///   when none); exposure = mean over all bars of the gross exposure sum_i |q_i C_i| / E_t;
/// - trades = number of fills.
/// These are the usual definitions (see Bacon, "Practical Portfolio Performance Measurement and
/// Attribution", 2nd ed., 2008); tests/trading/golden/make_trading_golden.py computes them
/// independently with NumPy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fingen::trading {

struct Metrics {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double total_return = kNaN, annual_return = kNaN, annual_volatility = kNaN;
  double sharpe = kNaN, sortino = kNaN;
  double max_drawdown = kNaN;
  std::size_t max_drawdown_duration = 0;
  double calmar = kNaN, turnover = kNaN, hit_rate = kNaN, exposure = kNaN;
  std::size_t trades = 0;
};

/// The same metrics accumulated bar by bar, without keeping the curve (many paths). The variance
/// is accumulated about the first return, so it stays exact to rounding for any return scale.
/// Everything is inline so that a backtest loop keeps the sums in registers.
class MetricsAccumulator {
 public:
  explicit MetricsAccumulator(double initial_equity) noexcept
      : first_(initial_equity),
        prev_(initial_equity),
        inv_prev_(1 / initial_equity),
        peak_(initial_equity),
        equity_sum_(initial_equity) {}
  /// Bar t >= 1: its equity and gross exposure sum_i |q_i C_i| / E_t.
  void add(double equity, double gross_exposure) noexcept {
    step(equity);
    expose(gross_exposure);
  }
  /// Bar t >= 1 given the gross value sum_i |q_i C_i| instead: returns the exposure, value / E_t
  /// (infinite when E_t <= 0 and something is held), with the division shared with the return.
  double add_value(double equity, double gross_value) noexcept {
    const double inv = step(equity);
    const double x = gross_value == 0 ? 0.0
                     : equity > 0     ? gross_value * inv
                                      : std::numeric_limits<double>::infinity();
    expose(x);
    return x;
  }
  Metrics finish(double traded_notional, std::size_t trades, double periods_per_year) const;

 private:
  // The return r_t = E_t / E_{t-1} - 1 as E_t (1 / E_{t-1}): one division per bar. Returns 1 / E_t.
  double step(double e) noexcept {
    const double inv = 1 / e;
    const double r = e * inv_prev_ - 1;
    inv_prev_ = inv;
    prev_ = e;
    if (n_ == 0) shift_ = r;
    ++n_;
    const double d = r - shift_;
    sum_ += d;
    sum_sq_ += d * d;
    // Branch-free where a branch would be a coin flip (the sign of a return, a new peak).
    // min(r, 0) as (r - |r|) / 2: exact (2r and its half are exact; where 2r overflows, r * r
    // does too), while compilers turn std::min(r, 0.0) into a branch here.
    const double neg = (r - std::abs(r)) * 0.5;
    down_ += neg * neg;
    equity_sum_ += e;
    last_r_ = r;
    // A new maximum drawdown needs e / peak < 1 - mdd: divide only then (rarely).
    if (e < peak_ * (1 - mdd_)) mdd_ = std::max(mdd_, 1 - e / peak_);
    const std::size_t below = e < peak_;
    run_ = (run_ + 1) & (0 - below);  // below ? run_ + 1 : 0, without a branch
    peak_ = peak_ > e ? peak_ : e;    // below ? peak_ : e (NaN included), as one maxsd
    longest_ = std::max(longest_, run_);
    return inv;
  }
  void expose(double x) noexcept {
    if (x != 0) {
      exposure_sum_ += x;
      ++held_;
      up_ += last_r_ > 1e-12;  // rounding-level returns are no hits
    }
  }

  double first_ = 0, prev_ = 0, inv_prev_ = 0, peak_ = 0, mdd_ = 0, last_r_ = 0;
  double shift_ = 0, sum_ = 0, sum_sq_ = 0, down_ = 0, equity_sum_ = 0, exposure_sum_ = 0;
  std::size_t n_ = 0, run_ = 0, longest_ = 0, held_ = 0, up_ = 0;
};

/// Metrics of `equity` (at least 2 values) given the gross exposure at each close, the traded
/// notional and the number of fills.
Metrics compute_metrics(const std::vector<double>& equity,
                        const std::vector<double>& gross_exposure, double traded_notional,
                        std::size_t trades, double periods_per_year);

/// {"total_return": ..., ...}; NaN as null.
nlohmann::json to_json(const Metrics& m);

/// The inverse of to_json (null as NaN); nlohmann::json exceptions for anything else.
Metrics metrics_from_json(const nlohmann::json& j);

/// The metric names in display order, and one metric by name.
const std::vector<std::string>& metric_names();
double metric_value(const Metrics& m, const std::string& name);

}  // namespace fingen::trading
