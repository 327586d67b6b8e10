/// @file cointegration.hpp
/// @brief Unit-root and cointegration tests: the augmented Dickey-Fuller test and the two-step
/// Engle-Granger test, with MacKinnon's approximate p-values.
///
/// ADF (Said & Dickey 1984): the OLS regression
///   dx_t = [c] + g x_{t-1} + sum_{j=1..p} d_j dx_{t-j} + e_t,
/// the statistic is the t-value of g. With automatic lags, p minimises the AIC
///   nobs (ln 2 pi + ln(SSR / nobs) + 1) + 2 k   (k regressors)
/// over p = 0 .. maxlag, every candidate fitted on the same nobs = n - 1 - maxlag rows (ties to the
/// smaller p); the chosen p is then refitted on all n - 1 - p rows. The default maxlag is
/// ceil(12 (n / 100)^(1/4)) (Schwert 1989), at most n / 2 - 1 - (1 with a constant).
/// Engle & Granger (1987): regress y on [1, x] by OLS, then the ADF regression without a constant
/// on the residuals; its statistic is compared with the distribution for N = 2 series.
/// p-values: MacKinnon (1994), "Approximate asymptotic distribution functions for unit-root and
/// cointegration tests", J. Business & Economic Statistics 12(2), 167-176: p = Phi(b0 + b1 t +
/// b2 t^2 [+ b3 t^3]) with the small-p coefficients below tau*, the large-p ones above, 0 below
/// tau_min and 1 above tau_max (tables for the "constant" case, N = 1 .. 6). These are the
/// conventions of statsmodels' adfuller and coint, whose values the tests reproduce
/// (tests/stats/golden/make_coint_golden.py).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace fingen::stats {

/// MacKinnon (1994) p-value of a Dickey-Fuller t statistic, regression with a constant, for N
/// series (1: unit-root test, 2: a cointegrating pair, up to 6).
double mackinnon_p_value(double statistic, int n_series);

struct AdfResult {
  double statistic = 0;
  double p_value = 1;    ///< MacKinnon, for the regression's case and N
  std::size_t lags = 0;  ///< lagged differences used
  std::size_t nobs = 0;  ///< rows of the final regression
};

/// ADF test of `x`. `constant`: the regression has a constant (p-value for N = 1); without one
/// the statistic is for residuals (its p-value is left to the caller: engle_granger). `maxlag`:
/// the largest (autolag) or the fixed number of lags; `autolag`: choose by AIC.
AdfResult adf_test(const std::vector<double>& x, bool constant = true,
                   std::optional<std::size_t> maxlag = std::nullopt, bool autolag = true);

struct EngleGrangerResult {
  double alpha = 0, beta = 0;  ///< y = alpha + beta x + residual
  AdfResult adf;               ///< on the residuals; its p_value is for N = 2
  std::vector<double> residuals;
};

/// Engle-Granger test that y and x are cointegrated (small p: they are). Error(Usage) for series
/// of different lengths or fewer than 20 values, Error(Numeric) when x is constant.
EngleGrangerResult engle_granger(const std::vector<double>& y, const std::vector<double>& x,
                                 std::optional<std::size_t> maxlag = std::nullopt,
                                 bool autolag = true);

}  // namespace fingen::stats
