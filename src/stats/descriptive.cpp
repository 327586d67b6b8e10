#include "fingen/stats/descriptive.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/chi_squared.hpp>

#include "fingen/core/error.hpp"

namespace fingen::stats {
namespace {

void check_finite(const double* x, std::size_t n, std::size_t min_n, const char* what) {
  FG_REQUIRE(x != nullptr || n == 0, "{}: null data", what);
  FG_REQUIRE(n >= min_n, "{} needs at least {} values, got {}", what, min_n, n);
  for (std::size_t i = 0; i < n; ++i)
    FG_CHECK(Numeric, std::isfinite(x[i]), "{}: value {} at position {} is not finite", what, x[i],
             i);
}

// Long double accumulation keeps sums of 10^5..10^7 returns accurate to ~1e-15 relative.
long double sum_ld(const double* x, std::size_t n) {
  long double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i];
  return s;
}

}  // namespace

double mean(const double* x, std::size_t n) {
  check_finite(x, n, 1, "mean");
  return static_cast<double>(sum_ld(x, n) / static_cast<long double>(n));
}

double variance(const double* x, std::size_t n) {
  check_finite(x, n, 2, "variance");
  const long double m = sum_ld(x, n) / static_cast<long double>(n);
  long double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += (x[i] - m) * (x[i] - m);
  return static_cast<double>(ss / static_cast<long double>(n - 1));
}

Moments moments(const double* x, std::size_t n) {
  check_finite(x, n, 2, "moments");
  Moments out;
  out.n = n;
  const long double m = sum_ld(x, n) / static_cast<long double>(n);
  long double m2 = 0, m3 = 0, m4 = 0;
  double lo = x[0], hi = x[0];
  for (std::size_t i = 0; i < n; ++i) {
    const long double d = x[i] - m;
    const long double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const long double nn = static_cast<long double>(n);
  out.mean = static_cast<double>(m);
  out.sd = static_cast<double>(std::sqrt(m2 / (nn - 1)));
  out.min = lo;
  out.max = hi;
  if (m2 > 0) {
    m2 /= nn;
    m3 /= nn;
    m4 /= nn;
    out.skewness = static_cast<double>(m3 / std::pow(m2, 1.5L));
    out.excess_kurtosis = static_cast<double>(m4 / (m2 * m2) - 3.0L);
  }
  return out;
}

double quantile_sorted(const double* sorted, std::size_t n, double p) {
  FG_REQUIRE(n > 0, "quantile of an empty sample");
  FG_REQUIRE(p >= 0.0 && p <= 1.0, "quantile level must be in [0, 1], got {}", p);
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, n - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double quantile(std::vector<double> x, double p) {
  check_finite(x.data(), x.size(), 1, "quantile");
  FG_REQUIRE(p >= 0.0 && p <= 1.0, "quantile level must be in [0, 1], got {}", p);
  const std::size_t n = x.size();
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(lo), x.end());
  const double a = x[lo];
  if (lo + 1 >= n || h == static_cast<double>(lo)) return a;
  const double b = *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(lo) + 1, x.end());
  return a + (h - static_cast<double>(lo)) * (b - a);
}

double median(std::vector<double> x) {
  return quantile(std::move(x), 0.5);
}

std::vector<double> acf(const double* x, std::size_t n, std::size_t max_lag) {
  check_finite(x, n, 2, "acf");
  FG_REQUIRE(max_lag < n, "acf lag {} needs more than {} observations", max_lag, n);
  const long double m = sum_ld(x, n) / static_cast<long double>(n);
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<double>(x[i] - m);
  long double c0 = 0;
  for (std::size_t i = 0; i < n; ++i) c0 += static_cast<long double>(d[i]) * d[i];
  std::vector<double> r(max_lag + 1, 0.0);
  r[0] = 1.0;
  if (c0 == 0) return r;  // constant series: no correlation to speak of
  for (std::size_t k = 1; k <= max_lag; ++k) {
    long double ck = 0;
    for (std::size_t i = 0; i + k < n; ++i) ck += static_cast<long double>(d[i]) * d[i + k];
    r[k] = static_cast<double>(ck / c0);
  }
  return r;
}

double chi_squared_sf(double x, double df) {
  FG_REQUIRE(df > 0, "chi-squared degrees of freedom must be positive, got {}", df);
  FG_CHECK(Numeric, !std::isnan(x), "chi-squared statistic is NaN");
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(df), x));
}

TestResult jarque_bera(const double* x, std::size_t n) {
  const Moments m = moments(x, n);
  TestResult t;
  t.df = 2;
  const double nn = static_cast<double>(n);
  t.statistic = nn / 6.0 * (m.skewness * m.skewness + m.excess_kurtosis * m.excess_kurtosis / 4.0);
  t.p_value = chi_squared_sf(t.statistic, t.df);
  return t;
}

TestResult ljung_box(const double* x, std::size_t n, std::size_t lags, std::size_t fitdf) {
  FG_REQUIRE(lags >= 1, "Ljung-Box needs at least one lag");
  FG_REQUIRE(fitdf < lags, "Ljung-Box fitdf ({}) must be below the number of lags ({})", fitdf,
             lags);
  const std::vector<double> r = acf(x, n, lags);
  const double nn = static_cast<double>(n);
  long double q = 0;
  for (std::size_t k = 1; k <= lags; ++k)
    q += static_cast<long double>(r[k]) * r[k] / (nn - static_cast<double>(k));
  TestResult t;
  t.statistic = static_cast<double>(nn * (nn + 2) * q);
  t.df = static_cast<double>(lags - fitdf);
  t.p_value = chi_squared_sf(t.statistic, t.df);
  return t;
}

}  // namespace fingen::stats
