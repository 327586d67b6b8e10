// Logistic regression by IRLS, following R's glm.fit (R Core Team, src/library/stats/R/glm.R):
// the same start, working response and weights, and convergence rule, so its coefficients agree
// with glm's (tests/credit/golden).
#include "fingen/credit/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "fingen/core/error.hpp"

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
  Design d;
  d.y = t.label;
  const auto n = static_cast<Eigen::Index>(t.rows());
  std::vector<Eigen::VectorXd> cols;
  for (std::size_t fi = 0; fi < t.features.size(); ++fi) {
    const auto& f = t.features[fi];
    if (!f.categorical) {
      for (std::size_t i = 0; i < f.numeric.size(); ++i)
        if (!std::isfinite(f.numeric[i]))
          throw_input_error({t.source, i + 2, f.name},
                            "missing value (logistic regression needs "
                            "complete rows; clean the table first)");
      cols.emplace_back(Eigen::Map<const Eigen::VectorXd>(f.numeric.data(), n));
      d.names.push_back(f.name);
      d.groups.push_back(-1);
      continue;
    }
    // Levels in byte order; the first is the reference.
    std::vector<std::size_t> order(f.levels.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return f.levels[a] < f.levels[b]; });
    for (std::size_t i = 0; i < f.codes.size(); ++i)
      if (f.codes[i] < 0)
        throw_input_error({t.source, i + 2, f.name},
                          "missing value (logistic regression needs "
                          "complete rows; clean the table first)");
    for (std::size_t k = 1; k < order.size(); ++k) {
      Eigen::VectorXd c = Eigen::VectorXd::Zero(n);
      for (Eigen::Index i = 0; i < n; ++i)
        if (static_cast<std::size_t>(f.codes[static_cast<std::size_t>(i)]) == order[k]) c(i) = 1;
      cols.push_back(std::move(c));
      d.names.push_back(f.name + "=" + f.levels[order[k]]);
      d.groups.push_back(static_cast<int>(fi));
    }
  }
  d.x.resize(n, static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) d.x.col(static_cast<Eigen::Index>(j)) = cols[j];
  return d;
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
