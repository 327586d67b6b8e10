// Logistic regression by IRLS, following R's glm.fit (R Core Team, src/library/stats/R/glm.R):
// the same start, working response and weights, and convergence rule, so its coefficients agree
// with glm's (tests/credit/golden).
#include "fingen/credit/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "fingen/core/error.hpp"
#include "fingen/credit/run.hpp"

namespace fingen::credit {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double binomial_deviance(const std::vector<int>& y, const Eigen::VectorXd& mu) {
  double d = 0;
  for (Eigen::Index i = 0; i < mu.size(); ++i) {
    const double m = std::clamp(mu(i), 1e-300, 1 - 1e-16);
    d -= 2 * (y[static_cast<std::size_t>(i)] ? std::log(m) : std::log1p(-m));
  }
  return d;
}

double inv_logit(double eta) {
  return 1 / (1 + std::exp(-eta));
}
}  // namespace

Design treatment_design(const data::LabelledTable& t) {
  const Encoding e = encoding_of(t);
  return {encode(t, e), e.design_names(), t.label, e.design_groups()};
}

Eigen::VectorXd LogisticModel::predict(const Eigen::MatrixXd& x) const {
  FG_REQUIRE(x.cols() + 1 == coef.size(), "logistic: {} columns for a model of {}", x.cols(),
             coef.size() - 1);
  Eigen::VectorXd p(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double eta = std::isnan(coef(0)) ? 0 : coef(0);
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!aliased[static_cast<std::size_t>(j + 1)]) eta += coef(j + 1) * x(i, j);
    p(i) = inv_logit(eta);
  }
  return p;
}

LogisticModel fit_logistic(const Eigen::MatrixXd& x0, const std::vector<int>& y,
                           const std::vector<std::string>& names, const LogisticOptions& o) {
  const Eigen::Index n = x0.rows(), p = x0.cols() + 1;
  FG_REQUIRE(
      static_cast<std::size_t>(n) == y.size() && names.size() + 1 == static_cast<std::size_t>(p),
      "logistic: {} rows, {} labels, {} columns, {} names", n, y.size(), x0.cols(), names.size());
  FG_REQUIRE(o.l2() >= 0 && std::isfinite(o.l2()), "logistic: l2 must be >= 0");
  FG_REQUIRE(o.max_iterations() >= 1 && o.epsilon() > 0,
             "logistic: max_iterations >= 1, epsilon > 0");
  std::size_t positives = 0;
  for (int v : y) positives += v ? 1 : 0;
  FG_CHECK(Input, positives > 0 && positives < y.size(),
           "logistic: the label has one class only ({} of {} rows positive)", positives, y.size());
  FG_CHECK(Input, x0.allFinite(), "logistic: the design matrix has missing or infinite values");
  Eigen::MatrixXd x(n, p);
  x.col(0).setOnes();
  x.rightCols(p - 1) = x0;

  LogisticModel m;
  m.names.push_back("(Intercept)");
  m.names.insert(m.names.end(), names.begin(), names.end());
  // Aliased columns: residual of each column after the kept earlier ones (Gram-Schmidt, twice).
  m.aliased.assign(static_cast<std::size_t>(p), false);
  std::vector<Eigen::Index> kept;
  if (o.l2() == 0) {
    Eigen::MatrixXd q(n, 0);
    for (Eigen::Index j = 0; j < p; ++j) {
      Eigen::VectorXd v = x.col(j);
      const double norm = v.norm();
      for (int pass = 0; pass < 2 && q.cols() > 0; ++pass) v -= q * (q.transpose() * v);
      if (norm == 0 || v.norm() < 1e-9 * norm) {
        m.aliased[static_cast<std::size_t>(j)] = true;
        continue;
      }
      q.conservativeResize(Eigen::NoChange, q.cols() + 1);
      q.col(q.cols() - 1) = v / v.norm();
      kept.push_back(j);
    }
  } else {
    for (Eigen::Index j = 0; j < p; ++j) kept.push_back(j);
  }
  const auto k = static_cast<Eigen::Index>(kept.size());
  Eigen::MatrixXd xk(n, k);
  for (Eigen::Index j = 0; j < k; ++j) xk.col(j) = x.col(kept[static_cast<std::size_t>(j)]);

  // glm.fit: mustart = (y + 0.5) / 2, eta = logit(mu).
  Eigen::VectorXd mu(n), eta(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    mu(i) = (y[static_cast<std::size_t>(i)] + 0.5) / 2;
    eta(i) = std::log(mu(i) / (1 - mu(i)));
  }
  double devold = binomial_deviance(y, mu);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, o.l2());
  if (kept.front() == 0) penalty(0) = 0;  // never the intercept
  for (int it = 1; it <= o.max_iterations(); ++it) {
    Eigen::VectorXd w(n), z(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = std::max(mu(i) * (1 - mu(i)), 1e-300);
      z(i) = eta(i) + (y[static_cast<std::size_t>(i)] - mu(i)) / v;
      w(i) = std::sqrt(v);
    }
    const Eigen::MatrixXd xw = w.asDiagonal() * xk;
    const Eigen::VectorXd zw = w.cwiseProduct(z);
    if (o.l2() == 0) {
      beta = xw.householderQr().solve(zw);
    } else {
      Eigen::MatrixXd a = xw.transpose() * xw;
      a.diagonal() += penalty;
      beta = a.ldlt().solve(xw.transpose() * zw);
    }
    FG_CHECK(Numeric, beta.allFinite(), "logistic: the IRLS step at iteration {} is not finite",
             it);
    eta = xk * beta;
    for (Eigen::Index i = 0; i < n; ++i) mu(i) = inv_logit(eta(i));
    double dev = binomial_deviance(y, mu);
    if (o.l2() > 0) dev += o.l2() * beta.cwiseProduct(penalty.cwiseSign()).squaredNorm();
    m.iterations = it;
    if (std::abs(dev - devold) / (std::abs(dev) + 0.1) < o.epsilon()) {
      m.converged = true;
      devold = dev;
      break;
    }
    devold = dev;
  }
  m.deviance = binomial_deviance(y, mu);
  m.coef = Eigen::VectorXd::Constant(p, kNaN);
  for (Eigen::Index j = 0; j < k; ++j) m.coef(kept[static_cast<std::size_t>(j)]) = beta(j);
  return m;
}

}  // namespace fingen::credit
