#include "fingen/stats/cointegration.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "fingen/core/error.hpp"

namespace fingen::stats {

namespace {
// MacKinnon (1994), constant case, N = 1 .. 6: tau*, tau_min, tau_max and the polynomial
// coefficients of the small-p and large-p approximations (Tables 3 and 4 of the paper, as scaled
// there: the small-p b2 and the large-p b1, b2 by 1e-2, 1e-1, 1e-1 and b3 by 1e-2).
constexpr std::array<double, 6> kTauStar = {-1.61, -2.62, -3.13, -3.47, -3.78, -3.93};
constexpr std::array<double, 6> kTauMin = {-18.83, -18.86, -23.48, -28.07, -25.96, -23.27};
constexpr std::array<double, 6> kTauMax = {2.74, 0.92, 0.55, 0.61, 0.79, 1};
constexpr std::array<std::array<double, 3>, 6> kSmallP = {{{2.1659, 1.4412, 3.8269},
                                                           {2.92, 1.5012, 3.9796},
                                                           {3.4699, 1.4856, 3.164},
                                                           {3.9673, 1.4777, 2.6315},
                                                           {4.5509, 1.5338, 2.9545},
                                                           {5.1399, 1.6036, 3.4445}}};
constexpr std::array<std::array<double, 4>, 6> kLargeP = {{{1.7339, 9.3202, -1.2745, -1.0368},
                                                           {2.1945, 6.4695, -2.9198, -4.2377},
                                                           {2.5893, 4.5168, -3.6529, -5.0074},
                                                           {3.0387, 4.5452, -3.3666, -4.1921},
                                                           {3.5049, 5.2098, -2.9158, -3.3468},
                                                           {3.9489, 5.8933, -2.5359, -2.721}}};

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

struct Ols {
  Eigen::VectorXd coef;
  double ssr = 0;
  double t0 = 0;  ///< t-value of the first coefficient
};

Ols ols(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  const Eigen::MatrixXd xtx = X.transpose() * X;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(xtx);
  const Eigen::VectorXd D = ldlt.vectorD();
  FG_CHECK(Numeric,
           ldlt.info() == Eigen::Success && D.minCoeff() > 1e-12 * std::max(D.maxCoeff(), 1e-300),
           "singular regression (a constant or collinear series)");
  Ols r;
  r.coef = ldlt.solve(X.transpose() * y);
  const Eigen::VectorXd e = y - X * r.coef;
  r.ssr = e.squaredNorm();
  const auto n = static_cast<double>(X.rows()), k = static_cast<double>(X.cols());
  const Eigen::VectorXd unit0 = Eigen::VectorXd::Unit(X.cols(), 0);
  const double v00 = ldlt.solve(unit0)(0);
  FG_CHECK(Numeric, v00 > 0 && n > k, "degenerate regression");
  r.t0 = r.coef(0) / std::sqrt(r.ssr / (n - k) * v00);
  return r;
}

// The ADF design with p lagged differences on the rows that have them all, using the last
// `rows` differences: [x_{t-1}, dx_{t-1}, .., dx_{t-p}, (1)] and dx_t.
void adf_design(const std::vector<double>& x, std::size_t p, std::size_t rows, bool constant,
                Eigen::MatrixXd& X, Eigen::VectorXd& y) {
  const std::size_t n_diff = x.size() - 1;  // dx_t for t = 1 .. n-1, index d = t - 1
  const auto R = static_cast<Eigen::Index>(rows);
  X.resize(R, static_cast<Eigen::Index>(p + 1 + (constant ? 1 : 0)));
  y.resize(R);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t d = n_diff - rows + r;  // the difference being explained: x[d+1] - x[d]
    const auto i = static_cast<Eigen::Index>(r);
    y(i) = x[d + 1] - x[d];
    X(i, 0) = x[d];
    for (std::size_t j = 1; j <= p; ++j)
      X(i, static_cast<Eigen::Index>(j)) = x[d + 1 - j] - x[d - j];
    if (constant) X(i, static_cast<Eigen::Index>(p + 1)) = 1.0;
  }
}

double aic(double ssr, std::size_t nobs, std::size_t k) {
  const auto n = static_cast<double>(nobs);
  return n * (std::log(2 * M_PI) + std::log(ssr / n) + 1) + 2 * static_cast<double>(k);
}
}  // namespace

double mackinnon_p_value(double statistic, int n_series) {
  FG_REQUIRE(n_series >= 1 && n_series <= 6, "MacKinnon p-values are for 1 to 6 series, got {}",
             n_series);
  FG_REQUIRE(std::isfinite(statistic), "the test statistic is not finite");
  const auto k = static_cast<std::size_t>(n_series - 1);
  if (statistic > kTauMax[k]) return 1.0;
  if (statistic < kTauMin[k]) return 0.0;
  const double t = statistic;
  if (t <= kTauStar[k]) {
    const auto& b = kSmallP[k];
    return normal_cdf(b[0] + b[1] * t + b[2] * 1e-2 * t * t);
  }
  const auto& b = kLargeP[k];
  return normal_cdf(b[0] + b[1] * 1e-1 * t + b[2] * 1e-1 * t * t + b[3] * 1e-2 * t * t * t);
}

AdfResult adf_test(const std::vector<double>& x, bool constant, std::optional<std::size_t> maxlag,
                   bool autolag) {
  FG_REQUIRE(x.size() >= 20, "a unit-root test needs at least 20 values, got {}", x.size());
  for (double v : x) FG_REQUIRE(std::isfinite(v), "the series has a non-finite value");
  const std::size_t n = x.size();
  const std::size_t ntrend = constant ? 1 : 0;
  const std::size_t cap = n / 2 - ntrend - 1;
  std::size_t L = 0;
  if (maxlag) {
    FG_REQUIRE(*maxlag <= cap, "maxlag {} is more than the {} the series allows", *maxlag, cap);
    L = *maxlag;
  } else {
    L = std::min(cap, static_cast<std::size_t>(
                          std::ceil(12.0 * std::pow(static_cast<double>(n) / 100.0, 0.25))));
  }
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  std::size_t p = L;
  if (autolag) {
    const std::size_t rows = n - 1 - L;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t q = 0; q <= L; ++q) {
      adf_design(x, q, rows, constant, X, y);
      const double a = aic(ols(X, y).ssr, rows, static_cast<std::size_t>(X.cols()));
      if (a < best) {
        best = a;
        p = q;
      }
    }
  }
  AdfResult r;
  r.lags = p;
  r.nobs = n - 1 - p;
  adf_design(x, p, r.nobs, constant, X, y);
  r.statistic = ols(X, y).t0;
  r.p_value = constant ? mackinnon_p_value(r.statistic, 1) : std::nan("");
  return r;
}

EngleGrangerResult engle_granger(const std::vector<double>& y, const std::vector<double>& x,
                                 std::optional<std::size_t> maxlag, bool autolag) {
  FG_REQUIRE(y.size() == x.size(), "the two series have {} and {} values", y.size(), x.size());
  FG_REQUIRE(y.size() >= 20, "a cointegration test needs at least 20 values, got {}", y.size());
  const auto n = static_cast<Eigen::Index>(y.size());
  Eigen::MatrixXd X(n, 2);
  Eigen::VectorXd Y(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    const auto u = static_cast<std::size_t>(t);
    FG_REQUIRE(std::isfinite(y[u]) && std::isfinite(x[u]), "non-finite value at row {}", u);
    X(t, 0) = x[u];
    X(t, 1) = 1.0;
    Y(t) = y[u];
  }
  const Ols fit = ols(X, Y);
  EngleGrangerResult r;
  r.beta = fit.coef(0);
  r.alpha = fit.coef(1);
  FG_CHECK(Numeric, fit.ssr > 1e-20 * Y.squaredNorm(),
           "the two series are (almost) perfectly collinear: no test is possible");
  r.residuals.resize(y.size());
  for (Eigen::Index t = 0; t < n; ++t)
    r.residuals[static_cast<std::size_t>(t)] = Y(t) - r.alpha - r.beta * X(t, 0);
  r.adf = adf_test(r.residuals, false, maxlag, autolag);
  r.adf.p_value = mackinnon_p_value(r.adf.statistic, 2);
  return r;
}

}  // namespace fingen::stats
