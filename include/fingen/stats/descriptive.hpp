/// @file descriptive.hpp
/// @brief Sample moments, quantiles, autocorrelation and the normality / whiteness tests.
///
/// Conventions match R so results can be checked against it:
/// - sd: sample standard deviation with n - 1 (R `sd`).
/// - skewness m3 / m2^{3/2} and excess kurtosis m4 / m2^2 - 3 with population central moments
///   m_k = (1/n) sum (x - mean)^k (R package `moments`).
/// - acf(k) = sum_{t=1}^{n-k} (x_t - mean)(x_{t+k} - mean) / sum_{t=1}^{n} (x_t - mean)^2 (R
/// `acf`).
/// - Jarque-Bera JB = n/6 * (S^2 + K_excess^2 / 4) ~ chi^2(2) (Jarque & Bera 1987;
///   R `tseries::jarque.bera.test`).
/// - Ljung-Box Q(m) = n (n + 2) sum_{k=1}^{m} acf(k)^2 / (n - k) ~ chi^2(m - fitdf)
///   (Ljung & Box 1978; R `Box.test(type = "Ljung-Box")`).
/// - quantile: R type 7 / NumPy "linear": h = (n - 1) p, linear between the order statistics.
/// p-values are upper-tail probabilities computed directly (Boost.Math), not as 1 - cdf, so they
/// stay accurate far below 1e-16 where R's `1 - pchisq(...)` rounds to 0.
/// Every function rejects empty input and NaN/inf values with an Error naming the position.
#pragma once

#include <cstddef>
#include <vector>

namespace fingen::stats {

double mean(const double* x, std::size_t n);
/// Sample variance (n - 1 in the denominator); needs n >= 2.
double variance(const double* x, std::size_t n);

struct Moments {
  std::size_t n = 0;
  double mean = 0, sd = 0, skewness = 0, excess_kurtosis = 0, min = 0, max = 0;
};
/// All of the above in two passes; needs n >= 2. A constant sample has no shape: its skewness and
/// excess kurtosis are reported as 0 rather than 0/0.
Moments moments(const double* x, std::size_t n);
inline Moments moments(const std::vector<double>& x) {
  return moments(x.data(), x.size());
}

/// Sample quantile, R type 7. `sorted` must be in increasing order.
double quantile_sorted(const double* sorted, std::size_t n, double p);
/// Sample quantile of unsorted data (copies and partially sorts).
double quantile(std::vector<double> x, double p);
double median(std::vector<double> x);

/// Autocorrelations for lags 0..max_lag (entry 0 is 1). Needs max_lag < n.
std::vector<double> acf(const double* x, std::size_t n, std::size_t max_lag);

struct TestResult {
  double statistic = 0;
  double df = 0;
  double p_value = 1;
};
TestResult jarque_bera(const double* x, std::size_t n);
TestResult ljung_box(const double* x, std::size_t n, std::size_t lags, std::size_t fitdf = 0);

/// Upper tail P(X > x) of a chi-squared distribution with `df` degrees of freedom.
double chi_squared_sf(double x, double df);

}  // namespace fingen::stats
