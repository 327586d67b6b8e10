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
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// Two doubles in one SSE2 register (GCC/Clang vector extension): the backtester marks its gross
/// and net books in the two lanes at once, at the cost of one.
using Lanes2 = double __attribute__((vector_size(16)));

/// The few operations the accumulator needs beyond + - * /, for one value (double) and for
/// lanes (Lanes2), with the same IEEE result in every lane as on one value.
namespace lanes {
using Mask2 = decltype(Lanes2{} < Lanes2{});  // what comparing lanes gives
inline double select(bool m, double a, double b) noexcept {
  return m ? a : b;
}
inline Lanes2 select(Mask2 m, Lanes2 a, Lanes2 b) noexcept {
  return m ? a : b;
}
inline bool any(bool m) noexcept {
  return m;
}
inline bool any(Mask2 m) noexcept {
#if defined(__SSE2__)
  return _mm_movemask_pd(reinterpret_cast<__m128d>(m)) != 0;  // one instruction
#else
  return (m[0] | m[1]) != 0;
#endif
}
inline bool all(bool m) noexcept {
  return m;
}
inline bool all(Mask2 m) noexcept {
#if defined(__SSE2__)
  return _mm_movemask_pd(reinterpret_cast<__m128d>(m)) == 3;
#else
  return (m[0] & m[1]) != 0;
#endif
}
// c + (m ? 1 : 0): a count of the lanes where m holds.
inline long long count(long long c, bool m) noexcept {
  return c + m;
}
inline Mask2 count(Mask2 c, Mask2 m) noexcept {
  return c - m;  // a true lane is all ones, -1
}
// a > b ? a : b, as one maxsd / maxpd.
inline double max(double a, double b) noexcept {
  return a > b ? a : b;
}
inline Lanes2 max(Lanes2 a, Lanes2 b) noexcept {
#if defined(__SSE2__)
  return reinterpret_cast<Lanes2>(
      _mm_max_pd(reinterpret_cast<__m128d>(a), reinterpret_cast<__m128d>(b)));
#else
  return a > b ? a : b;
#endif
}
// m ? a : 0, as one and.
inline double keep(bool m, double a) noexcept {
  return m ? a : 0.0;
}
inline Lanes2 keep(Mask2 m, Lanes2 a) noexcept {
  return reinterpret_cast<Lanes2>(m & reinterpret_cast<Mask2>(a));
}
// |x| by clearing the sign bit (also of -0 and NaN, as std::abs does).
inline double abs(double x) noexcept {
  return std::abs(x);
}
inline Lanes2 abs(Lanes2 x) noexcept {
  // Every bit but the sign bit.
  constexpr auto magnitude = std::numeric_limits<std::decay_t<decltype(Mask2{}[0])>>::max();
  return reinterpret_cast<Lanes2>(reinterpret_cast<Mask2>(x) & Mask2{magnitude, magnitude});
}
}  // namespace lanes

/// The same metrics accumulated bar by bar, without keeping the curve (many paths). The variance
/// is accumulated about the first return, so it stays exact to rounding for any return scale.
/// Everything is inline so that a backtest loop keeps the sums in registers. V is double (one
/// equity curve) or Lanes2 (two curves of the same bars, e.g. gross and net, one per lane); every
/// lane computes exactly what a double accumulator given its values computes. Run lengths are
/// kept as doubles so that they can be lanes too (exact below 2^53).
template <class V>
class BasicMetricsAccumulator {
 public:
  explicit BasicMetricsAccumulator(V initial_equity) noexcept
      : first_(initial_equity),
        prev_(initial_equity),
        inv_prev_(1.0 / initial_equity),
        peak_(initial_equity),
        equity_sum_(initial_equity) {}
  /// Bar t >= 1: its equity and gross exposure sum_i |q_i C_i| / E_t.
  void add(V equity, V gross_exposure) noexcept {
    step(equity);
    expose(gross_exposure);
  }
  /// Bar t >= 1 given the gross value sum_i |q_i C_i| instead: returns the exposure, value / E_t
  /// (infinite when E_t <= 0 and something is held), with the division shared with the return.
  V add_value(V equity, V gross_value) noexcept {
    const V inv = step(equity);
    V x = gross_value * inv;
    // Exact as it is for E_t >= the smallest normal double (1 / E_t finite); else sorted out.
    const auto normal = equity >= V{} + std::numeric_limits<double>::min();
    if (!lanes::all(normal))
      x = lanes::select(
          normal, x,
          lanes::select(
              gross_value == V{}, V{},
              lanes::select(equity > V{}, x, V{} + std::numeric_limits<double>::infinity())));
    expose(x);
    return x;
  }
  /// `bars` >= 1 bars in a row with the same equity and nothing held (flat books): what `bars`
  /// calls of add_value(equity, 0) give, with each sum's repeated term added once as a product
  /// (equal up to rounding; the counts, peak and drawdowns exactly).
  void add_flat(V equity, std::size_t bars) noexcept {
    step(equity);
    if (bars == 1) return;
    // The later bars repeat the return e (1 / e) - 1 (rounding-level, not always 0) and leave
    // the peak, the drawdown and the exposure alone.
    const double more = static_cast<double>(bars - 1);
    const V r = equity * inv_prev_ - 1.0;
    n_ += bars - 1;
    const V d = r - shift_;
    sum_ += more * d;
    sum_sq_ += more * (d * d);
    const V neg = (r - lanes::abs(r)) * 0.5;
    down_ += more * (neg * neg);
    equity_sum_ += more * equity;
    last_r_ = r;
    run_ = lanes::keep(equity < peak_, run_ + more);
    longest_ = lanes::max(run_, longest_);
  }
  /// Whether every equity so far was finite (in every lane): an infinite or NaN equity leaves
  /// the sum of equities non-finite for good.
  bool finite() const noexcept { return !lanes::any((equity_sum_ - equity_sum_) != V{}); }
  /// One lane's accumulator (V = Lanes2).
  BasicMetricsAccumulator<double> lane(int j) const noexcept {
    BasicMetricsAccumulator<double> a(1.0);
    a.first_ = first_[j];
    a.prev_ = prev_[j];
    a.inv_prev_ = inv_prev_[j];
    a.peak_ = peak_[j];
    a.mdd_ = mdd_[j];
    a.last_r_ = last_r_[j];
    a.shift_ = shift_[j];
    a.sum_ = sum_[j];
    a.sum_sq_ = sum_sq_[j];
    a.down_ = down_[j];
    a.equity_sum_ = equity_sum_[j];
    a.exposure_sum_ = exposure_sum_[j];
    a.run_ = run_[j];
    a.longest_ = longest_[j];
    a.held_ = held_[j];
    a.up_ = up_[j];
    a.n_ = n_;
    return a;
  }
  /// The metrics (V = double).
  Metrics finish(double traded_notional, std::size_t trades, double periods_per_year) const;

 private:
  template <class>
  friend class BasicMetricsAccumulator;
  // The return r_t = E_t / E_{t-1} - 1 as E_t (1 / E_{t-1}): one division per bar. Returns 1 / E_t.
  V step(V e) noexcept {
    const V inv = 1 / e;
    const V r = e * inv_prev_ - 1.0;
    inv_prev_ = inv;
    prev_ = e;
    if (n_ == 0) shift_ = r;
    ++n_;
    const V d = r - shift_;
    sum_ += d;
    sum_sq_ += d * d;
    // Branch-free where a branch would be a coin flip (the sign of a return, a new peak).
    // min(r, 0) as (r - |r|) / 2: exact (2r and its half are exact; where 2r overflows, r * r
    // does too), while compilers turn std::min(r, 0.0) into a branch here.
    const V neg = (r - lanes::abs(r)) * 0.5;
    down_ += neg * neg;
    equity_sum_ += e;
    last_r_ = r;
    // A new maximum drawdown needs e / peak < 1 - mdd: divide only then (rarely).
    const auto deeper = e < peak_ * (1.0 - mdd_);
    if (lanes::any(deeper)) {
      const V dd = 1.0 - e / peak_;
      mdd_ = lanes::select(deeper & (mdd_ < dd), dd, mdd_);
    }
    run_ = lanes::keep(e < peak_, run_ + 1.0);
    peak_ = lanes::max(peak_, e);  // peak_ > e ? peak_ : e, NaN included
    longest_ = lanes::max(run_, longest_);
    return inv;
  }
  void expose(V x) noexcept {
    const auto held = x != V{};  // NaN included
    exposure_sum_ += x;          // + 0 where nothing is held
    held_ = lanes::count(held_, held);
    up_ = lanes::count(up_, held & (last_r_ > V{} + 1e-12));  // rounding-level: no hit
  }
  V first_{}, prev_{}, inv_prev_{}, peak_{}, mdd_{}, last_r_{};
  V shift_{}, sum_{}, sum_sq_{}, down_{}, equity_sum_{}, exposure_sum_{};
  V run_{}, longest_{};
  std::conditional_t<std::is_same_v<V, double>, long long, lanes::Mask2> held_{}, up_{};  // counts
  std::size_t n_ = 0;
};
using MetricsAccumulator = BasicMetricsAccumulator<double>;
template <>
Metrics MetricsAccumulator::finish(double traded_notional, std::size_t trades,
                                   double periods_per_year) const;

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
