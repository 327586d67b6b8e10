#include "fingen/portfolio/optimize.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>

#include "fingen/core/error.hpp"
#include "fingen/risk/measures.hpp"

namespace fingen::portfolio {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// A linear or convex quadratic program for Clp: min cost'x + ½ x'Qx subject to row_lo <= Ax <=
// row_up and lo <= x <= up. A and the upper triangle of Q as triplets.
struct Program {
  std::vector<double> cost, lo, up;
  std::vector<double> row_lo, row_up;
  std::vector<std::string> row_name;  // the constraint set each row belongs to
  std::vector<int> ar, ac;
  std::vector<double> av;
  std::vector<int> qr, qc;
  std::vector<double> qv;
  bool scaled = false;  // let Clp scale the rows and columns (its default, mode 3)

  int column(double cost_, double lo_, double up_) {
    cost.push_back(cost_);
    lo.push_back(lo_);
    up.push_back(up_);
    return static_cast<int>(cost.size()) - 1;
  }
  int row(double lo_, double up_, std::string name) {
    row_lo.push_back(lo_);
    row_up.push_back(up_);
    row_name.push_back(std::move(name));
    return static_cast<int>(row_lo.size()) - 1;
  }
  void add(int r, int c, double v) {
    if (v == 0) return;
    ar.push_back(r);
    ac.push_back(c);
    av.push_back(v);
  }
};

// The primal active-set method for a convex quadratic program (Nocedal & Wright, "Numerical
// Optimization", 2nd ed., Algorithm 16.3) from a feasible point x: each step solves the
// equality-constrained problem on the working set in its null space (QR of the working
// constraints), moves until a constraint blocks, and drops the constraint with the most negative
// multiplier when the step is zero. Q gets a ridge of 1e-12 of its mean diagonal, so a singular
// covariance (two identical assets) still has one solution.
std::vector<double> active_set_qp(const Program& p, std::vector<double> x0,
                                  const std::string& what) {
  const auto n = static_cast<Eigen::Index>(p.cost.size());
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(n, n);
  for (std::size_t k = 0; k < p.qv.size(); ++k) {
    G(p.qr[k], p.qc[k]) = p.qv[k];
    G(p.qc[k], p.qr[k]) = p.qv[k];
  }
  G.diagonal().array() += 1e-12 * std::max(G.diagonal().mean(), 1e-300);
  const Eigen::Map<const Eigen::VectorXd> c(p.cost.data(), n);
  // Constraints as a'x = b (equalities) and a'x >= b (inequalities), dense rows.
  std::vector<Eigen::VectorXd> eq_a, in_a;
  std::vector<double> eq_b, in_b;
  std::vector<Eigen::VectorXd> row(p.row_lo.size(), Eigen::VectorXd::Zero(n));
  for (std::size_t k = 0; k < p.av.size(); ++k)
    row[static_cast<std::size_t>(p.ar[k])](p.ac[k]) += p.av[k];
  for (std::size_t r = 0; r < row.size(); ++r) {
    if (p.row_lo[r] == p.row_up[r]) {
      eq_a.push_back(row[r]);
      eq_b.push_back(p.row_lo[r]);
      continue;
    }
    if (std::isfinite(p.row_lo[r])) {
      in_a.push_back(row[r]);
      in_b.push_back(p.row_lo[r]);
    }
    if (std::isfinite(p.row_up[r])) {
      in_a.push_back(-row[r]);
      in_b.push_back(-p.row_up[r]);
    }
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    const auto u = static_cast<std::size_t>(j);
    if (p.lo[u] == p.up[u]) {
      eq_a.push_back(Eigen::VectorXd::Unit(n, j));
      eq_b.push_back(p.lo[u]);
      continue;
    }
    if (std::isfinite(p.lo[u])) {
      in_a.push_back(Eigen::VectorXd::Unit(n, j));
      in_b.push_back(p.lo[u]);
    }
    if (std::isfinite(p.up[u])) {
      in_a.push_back(-Eigen::VectorXd::Unit(n, j));
      in_b.push_back(-p.up[u]);
    }
  }
  Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(x0.data(), n);
  std::vector<std::size_t> work;  // inequalities held as equalities
  std::vector<char> in_work(in_a.size(), 0);
  const std::size_t limit = 50 * (static_cast<std::size_t>(n) + in_a.size()) + 100;
  for (std::size_t it = 0; it < limit; ++it) {
    const auto k = static_cast<Eigen::Index>(eq_a.size() + work.size());
    Eigen::MatrixXd At(n, k);  // the working constraints' normals as columns
    for (std::size_t e = 0; e < eq_a.size(); ++e) At.col(static_cast<Eigen::Index>(e)) = eq_a[e];
    for (std::size_t w = 0; w < work.size(); ++w)
      At.col(static_cast<Eigen::Index>(eq_a.size() + w)) = in_a[work[w]];
    const Eigen::VectorXd g = G * x + c;
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(At);
    qr.setThreshold(1e-12);
    const Eigen::Index rank = k > 0 ? qr.rank() : 0;
    Eigen::VectorXd step = Eigen::VectorXd::Zero(n);
    if (rank < n) {
      const Eigen::MatrixXd Q = k > 0 ? Eigen::MatrixXd(qr.householderQ())
                                      : Eigen::MatrixXd(Eigen::MatrixXd::Identity(n, n));
      const Eigen::MatrixXd Z = Q.rightCols(n - rank);
      step = -Z * (Z.transpose() * G * Z).ldlt().solve(Z.transpose() * g);
    }
    const double scale = 1 + x.cwiseAbs().maxCoeff();
    if (step.cwiseAbs().maxCoeff() <= 1e-13 * scale) {
      if (work.empty()) return {x.data(), x.data() + n};
      // Multipliers of the working constraints: g = At λ.
      const Eigen::VectorXd lambda = qr.solve(g);
      Eigen::Index worst = -1;
      double most = -1e-10 * (1 + g.cwiseAbs().maxCoeff());
      for (std::size_t w = 0; w < work.size(); ++w) {
        const double l = lambda(static_cast<Eigen::Index>(eq_a.size() + w));
        if (l < most) {
          most = l;
          worst = static_cast<Eigen::Index>(w);
        }
      }
      if (worst < 0) return {x.data(), x.data() + n};
      in_work[work[static_cast<std::size_t>(worst)]] = 0;
      work.erase(work.begin() + worst);
      continue;
    }
    double alpha = 1;
    std::ptrdiff_t blocking = -1;
    for (std::size_t i = 0; i < in_a.size(); ++i) {
      if (in_work[i]) continue;
      const double ap = in_a[i].dot(step);
      if (ap >= -1e-15 * scale) continue;
      const double t = std::max((in_b[i] - in_a[i].dot(x)) / ap, 0.0);
      if (t < alpha) {
        alpha = t;
        blocking = static_cast<std::ptrdiff_t>(i);
      }
    }
    x += alpha * step;
    if (blocking >= 0) {
      work.push_back(static_cast<std::size_t>(blocking));
      in_work[static_cast<std::size_t>(blocking)] = 1;
    }
  }
  FG_FAIL(Runtime, "{}: the active-set method did not converge in {} iterations", what, limit);
}

// Solves with Clp (dual simplex; for a quadratic program its linear part, then active_set_qp from
// that feasible vertex), checks the status and the solution's feasibility.
std::vector<double> solve(const Program& p, const std::string& what, double* objective,
                          std::vector<double>* row_duals = nullptr) {
  const int n = static_cast<int>(p.cost.size()), m = static_cast<int>(p.row_lo.size());
  ClpSimplex model;
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  const CoinPackedMatrix A(true, p.ar.data(), p.ac.data(), p.av.data(),
                           static_cast<CoinBigIndex>(p.av.size()));
  CoinPackedMatrix Afull = A;
  if (Afull.getNumCols() < n || Afull.getNumRows() < m) Afull.setDimensions(m, n);
  model.loadProblem(Afull, p.lo.data(), p.up.data(), p.cost.data(), p.row_lo.data(),
                    p.row_up.data());
  // Dual simplex, without Clp's own scaling unless asked (the programs here are scaled to unit
  // size): with it, an earlier primal form of the CVaR LP on the Swiss indices came back
  // "optimal" with variables 2e-4 outside their bounds (the check below caught it). For a
  // quadratic program this is its linear part: a feasible start for active_set_qp. (Clp's own
  // quadratic primal declared feasible 30-asset mean-variance problems infeasible, the Dow Jones
  // window ending 1993-09-27, and its quadratic barrier aborts.)
  const bool quadratic = !p.qv.empty();
  model.scaling(p.scaled ? 3 : 0);
  model.dual();
  if (model.isProvenPrimalInfeasible())
    FG_FAIL(Usage, "{}: the constraints cannot all hold (the solver proved them infeasible)", what);
  FG_CHECK(Runtime, !model.isProvenDualInfeasible(), "{}: the problem is unbounded", what);
  FG_CHECK(Runtime, model.isProvenOptimal(),
           "{}: the solver stopped without an optimal solution (Clp status {}, secondary {})", what,
           model.status(), model.secondaryStatus());
  const double* x = model.primalColumnSolution();
  std::vector<double> sol(x, x + n);
  if (quadratic) sol = active_set_qp(p, std::move(sol), what);
  // Feasibility check of our own: bounds and rows to 1e-7 of the solution's scale.
  double big = 1;
  for (double v : sol) big = std::max(big, std::abs(v));
  const double tol = 1e-7 * big;
  for (int j = 0; j < n; ++j)
    FG_CHECK(Runtime, std::isfinite(sol[j]) && sol[j] >= p.lo[j] - tol && sol[j] <= p.up[j] + tol,
             "{}: the solver returned variable {} = {} outside its bounds [{}, {}]", what, j,
             sol[j], p.lo[j], p.up[j]);
  // Within tolerance of a bound: on it (no -0.0000 weights).
  for (int j = 0; j < n; ++j) sol[j] = std::min(std::max(sol[j], p.lo[j]), p.up[j]);
  std::vector<double> ax(static_cast<std::size_t>(m), 0.0);
  for (std::size_t k = 0; k < p.av.size(); ++k)
    ax[static_cast<std::size_t>(p.ar[k])] += p.av[k] * sol[static_cast<std::size_t>(p.ac[k])];
  for (int i = 0; i < m; ++i)
    FG_CHECK(Runtime, ax[i] >= p.row_lo[i] - tol && ax[i] <= p.row_up[i] + tol,
             "{}: the solver's solution breaks the {} constraint", what, p.row_name[i]);
  if (objective) {
    *objective = model.objectiveValue();
    if (quadratic) {
      *objective = 0;
      for (int j = 0; j < n; ++j) *objective += p.cost[j] * sol[j];
      for (std::size_t k = 0; k < p.qv.size(); ++k)
        *objective += (p.qr[k] == p.qc[k] ? 0.5 : 1.0) * p.qv[k] *
                      sol[static_cast<std::size_t>(p.qr[k])] *
                      sol[static_cast<std::size_t>(p.qc[k])];
    }
  }
  if (row_duals) {
    const double* y = model.dualRowSolution();
    row_duals->assign(y, y + m);
  }
  return sol;
}

std::size_t assets_of(const Moments& m) {
  const auto n = static_cast<std::size_t>(m.mean.size());
  FG_REQUIRE(n >= 1, "a portfolio needs at least one asset");
  FG_REQUIRE(
      static_cast<std::size_t>(m.cov.rows()) == n && static_cast<std::size_t>(m.cov.cols()) == n,
      "the covariance is {} x {} for {} assets", m.cov.rows(), m.cov.cols(), n);
  FG_REQUIRE(m.mean.allFinite() && m.cov.allFinite(), "the moments are not finite");
  return n;
}

// Columns 0..N-1 are the weights, or y = κ w when `kappa` (the column of κ) is >= 0: the bounds
// become rows l κ <= y <= u κ.
void add_constraints(Program& p, const Constraints& c, std::size_t n, int kappa = -1) {
  const Constraints& cc = c;
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = cc.lower.empty() ? 0.0 : cc.lower[i];
    const double up = cc.upper.empty() ? 1.0 : cc.upper[i];
    if (kappa < 0) {
      p.column(0, lo, up);
    } else {
      p.column(0, lo >= 0 ? 0.0 : -kInf, up <= 0 ? 0.0 : kInf);
      const int ii = static_cast<int>(i);
      if (std::isfinite(lo) && lo != 0) {
        const int r = p.row(0, kInf, "lower bound");
        p.add(r, ii, 1);
        p.add(r, kappa, -lo);
      }
      if (std::isfinite(up) && up != 0) {
        const int r = p.row(-kInf, 0, "upper bound");
        p.add(r, ii, 1);
        p.add(r, kappa, -up);
      }
    }
  }
}

void add_rows(Program& p, const Constraints& c, std::size_t n, int kappa = -1) {
  const int b = kappa < 0 ? p.row(c.budget, c.budget, "budget") : p.row(0, 0, "budget");
  for (std::size_t i = 0; i < n; ++i) p.add(b, static_cast<int>(i), 1);
  if (kappa >= 0) p.add(b, kappa, -c.budget);
  for (const Group& g : c.groups) {
    if (kappa < 0) {
      const int r = p.row(g.min, g.max, "group '" + g.name + "'");
      for (std::size_t i : g.assets) p.add(r, static_cast<int>(i), 1);
    } else {
      if (std::isfinite(g.min)) {
        const int r = p.row(0, kInf, "group '" + g.name + "'");
        for (std::size_t i : g.assets) p.add(r, static_cast<int>(i), 1);
        p.add(r, kappa, -g.min);
      }
      if (std::isfinite(g.max)) {
        const int r = p.row(-kInf, 0, "group '" + g.name + "'");
        for (std::size_t i : g.assets) p.add(r, static_cast<int>(i), 1);
        p.add(r, kappa, -g.max);
      }
    }
  }
  if (!c.has_turnover()) return;
  // t_i >= |w_i - c_i| (homogenised: t_i >= |y_i - c_i κ|, sum t <= τ κ), columns after all others.
  const int limit = kappa < 0 ? p.row(-kInf, c.max_turnover, "turnover limit")
                              : p.row(-kInf, 0, "turnover limit");
  if (kappa >= 0) p.add(limit, kappa, -c.max_turnover);
  for (std::size_t i = 0; i < n; ++i) {
    const int t = p.column(0, 0, kInf);
    const int w = static_cast<int>(i);
    const double ci = c.current[i];
    const int up = p.row(kappa < 0 ? -ci : 0, kInf, "turnover limit");  // t - w >= -c
    p.add(up, t, 1);
    p.add(up, w, -1);
    const int dn = p.row(kappa < 0 ? ci : 0, kInf, "turnover limit");  // t + w >= c
    p.add(dn, t, 1);
    p.add(dn, w, 1);
    if (kappa >= 0) {
      p.add(up, kappa, ci);
      p.add(dn, kappa, -ci);
    }
    p.add(limit, t, 1);
  }
}

// The quadratic w'Σw as ½ w'Qw with Q = 2 k Σ, k = 1 / mean(diag Σ) (the solver's tolerances are
// absolute: entries near 1).
double add_covariance(Program& p, const Eigen::MatrixXd& cov) {
  const auto n = cov.rows();
  const double k = static_cast<double>(n) / cov.diagonal().sum();
  FG_CHECK(Input, std::isfinite(k) && k > 0,
           "the covariance has no positive variance: every asset's returns are constant");
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i <= j; ++i) {
      if (cov(i, j) == 0) continue;
      p.qr.push_back(static_cast<int>(i));
      p.qc.push_back(static_cast<int>(j));
      p.qv.push_back(2 * k * cov(i, j));
    }
  return k;
}

Portfolio finish(std::string method, std::vector<double> w, const Moments& m, std::string status) {
  Portfolio p;
  p.method = std::move(method);
  const Eigen::Map<const Eigen::VectorXd> x(w.data(), static_cast<Eigen::Index>(w.size()));
  p.mean = m.mean.dot(x);
  p.sd = std::sqrt(std::max(x.dot(m.cov * x), 0.0));
  p.weights = std::move(w);
  p.solver_status = std::move(status);
  return p;
}

std::vector<double> first(const std::vector<double>& x, std::size_t n) {
  return {x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n)};
}

double mean_scale(const Eigen::VectorXd& mean) {
  const double s = mean.cwiseAbs().maxCoeff();
  return s > 0 ? s : 1.0;
}

void check_target(const Eigen::VectorXd& mean, const Constraints& c, double target) {
  FG_REQUIRE(std::isfinite(target), "the target return must be finite, got {}", target);
  const auto [lo, hi] = return_range(mean, c);
  const double slack = 1e-10 * mean_scale(mean);
  FG_REQUIRE(target >= lo - slack && target <= hi + slack,
             "the target return {:.6g} is outside the range these constraints allow, [{:.6g}, "
             "{:.6g}]",
             target, lo, hi);
}
}  // namespace

// --- constraints ---

Constraints Constraints::long_only(std::size_t assets) {
  return box(assets, 0, 1);
}

Constraints Constraints::long_short(std::size_t assets, double bound) {
  return box(assets, -bound, bound);
}

Constraints Constraints::box(std::size_t assets, double lower, double upper) {
  Constraints c;
  c.lower.assign(assets, lower);
  c.upper.assign(assets, upper);
  return c;
}

void Constraints::check(std::size_t n) const {
  FG_REQUIRE(lower.empty() || lower.size() == n, "{} lower bounds for {} assets", lower.size(), n);
  FG_REQUIRE(upper.empty() || upper.size() == n, "{} upper bounds for {} assets", upper.size(), n);
  FG_REQUIRE(std::isfinite(budget), "the budget must be finite, got {}", budget);
  double slo = 0, sup = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = lower.empty() ? 0.0 : lower[i], up = upper.empty() ? 1.0 : upper[i];
    FG_REQUIRE(!std::isnan(lo) && !std::isnan(up) && lo != kInf && up != -kInf,
               "asset {}: bounds [{}, {}] are not numbers", i, lo, up);
    FG_REQUIRE(lo <= up, "asset {}: its lower bound {} is above its upper bound {}", i, lo, up);
    slo += lo;
    sup += up;
  }
  FG_REQUIRE(slo <= budget + 1e-12,
             "the lower bounds sum to {:.6g}, more than the budget {:.6g}: no weights can satisfy "
             "both",
             slo, budget);
  FG_REQUIRE(sup >= budget - 1e-12,
             "the upper bounds sum to {:.6g}, less than the budget {:.6g}: no weights can satisfy "
             "both",
             sup, budget);
  if (has_turnover()) {
    FG_REQUIRE(max_turnover >= 0, "the turnover limit must be non-negative, got {}", max_turnover);
    FG_REQUIRE(current.size() == n, "a turnover limit needs the {} current weights, got {}", n,
               current.size());
    for (double v : current)
      FG_REQUIRE(std::isfinite(v), "the current weights must be finite, got {}", v);
  }
  for (const Group& g : groups) {
    FG_REQUIRE(!g.assets.empty(), "group '{}' has no assets", g.name);
    FG_REQUIRE(g.min <= g.max, "group '{}': its minimum {} is above its maximum {}", g.name, g.min,
               g.max);
    double glo = 0, gup = 0;
    for (std::size_t i : g.assets) {
      FG_REQUIRE(i < n, "group '{}' names asset {} of {}", g.name, i, n);
      glo += lower.empty() ? 0.0 : lower[i];
      gup += upper.empty() ? 1.0 : upper[i];
    }
    FG_REQUIRE(gup >= g.min - 1e-12,
               "group '{}': the upper bounds of its assets sum to {:.6g}, below its minimum {:.6g}",
               g.name, gup, g.min);
    FG_REQUIRE(glo <= g.max + 1e-12,
               "group '{}': the lower bounds of its assets sum to {:.6g}, above its maximum {:.6g}",
               g.name, glo, g.max);
  }
}

Moments Moments::of(const Eigen::MatrixXd& r) {
  FG_REQUIRE(r.rows() >= 2 && r.cols() >= 1,
             "moments need at least 2 returns of 1 asset, got {} x {}", r.rows(), r.cols());
  FG_REQUIRE(r.allFinite(), "the returns are not all finite");
  Moments m;
  m.mean = r.colwise().mean().transpose();
  const Eigen::MatrixXd d = r.rowwise() - m.mean.transpose();
  m.cov = d.transpose() * d / static_cast<double>(r.rows() - 1);
  return m;
}

// --- optimisers ---

std::pair<double, double> return_range(const Eigen::VectorXd& mean, const Constraints& c) {
  const auto n = static_cast<std::size_t>(mean.size());
  c.check(n);
  const double s = mean_scale(mean);
  double out[2];
  for (int dir = 0; dir < 2; ++dir) {
    Program p;
    add_constraints(p, c, n);
    add_rows(p, c, n);
    for (std::size_t i = 0; i < n; ++i)
      p.cost[i] = (dir == 0 ? 1.0 : -1.0) * mean(static_cast<Eigen::Index>(i)) / s;
    double obj = 0;
    solve(p, dir == 0 ? "the lowest return" : "the highest return", &obj);
    out[dir] = (dir == 0 ? obj : -obj) * s;
  }
  return {out[0], out[1]};
}

Portfolio min_variance(const Moments& m, const Constraints& c) {
  const std::size_t n = assets_of(m);
  c.check(n);
  Program p;
  add_constraints(p, c, n);
  add_rows(p, c, n);
  add_covariance(p, m.cov);
  return finish("min_variance", first(solve(p, "minimum variance", nullptr), n), m, "optimal");
}

Portfolio mean_variance(const Moments& m, const Constraints& c, double target) {
  const std::size_t n = assets_of(m);
  c.check(n);
  check_target(m.mean, c, target);
  Program p;
  add_constraints(p, c, n);
  add_rows(p, c, n);
  const double s = mean_scale(m.mean);
  const int r = p.row(target / s, target / s, "target return");
  for (std::size_t i = 0; i < n; ++i)
    p.add(r, static_cast<int>(i), m.mean(static_cast<Eigen::Index>(i)) / s);
  add_covariance(p, m.cov);
  return finish("mean_variance", first(solve(p, "mean-variance", nullptr), n), m, "optimal");
}

std::vector<Portfolio> frontier(const Moments& m, const Constraints& c, std::size_t points) {
  FG_REQUIRE(points >= 2 && points <= 1000, "a frontier needs 2 to 1000 points, got {}", points);
  const Portfolio mvp = min_variance(m, c);
  const double hi = return_range(m.mean, c).second;
  std::vector<Portfolio> out;
  for (std::size_t k = 0; k < points; ++k) {
    const double t =
        mvp.mean + (hi - mvp.mean) * static_cast<double>(k) / static_cast<double>(points - 1);
    out.push_back(k == 0 ? mvp : mean_variance(m, c, std::min(t, hi)));
    out.back().method = "frontier";
  }
  return out;
}

Portfolio max_sharpe(const Moments& m, const Constraints& c, double rf) {
  const std::size_t n = assets_of(m);
  c.check(n);
  FG_REQUIRE(std::isfinite(rf), "the risk-free rate must be finite, got {}", rf);
  FG_REQUIRE(c.budget > 0, "the tangency portfolio needs a positive budget, got {}", c.budget);
  const Eigen::VectorXd excess = m.mean.array() - rf;
  const double hi = return_range(excess, c).second;
  FG_REQUIRE(hi > 0,
             "no portfolio these constraints allow has a mean return above the risk-free rate {}: "
             "the highest is {:.6g}",
             rf, hi + rf);
  Program p;
  const int kappa = static_cast<int>(n);  // the column after the weights
  add_constraints(p, c, n, kappa);
  p.column(0, 0, kInf);
  add_rows(p, c, n, kappa);
  const double s = mean_scale(excess);
  const int r = p.row(1, 1, "excess return");
  for (std::size_t i = 0; i < n; ++i)
    p.add(r, static_cast<int>(i), excess(static_cast<Eigen::Index>(i)) / s);
  add_covariance(p, m.cov);
  const std::vector<double> y = solve(p, "maximum Sharpe", nullptr);
  const double k = y[static_cast<std::size_t>(kappa)];
  FG_CHECK(Runtime, k > 0, "maximum Sharpe: the solver returned κ = {}", k);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = y[i] / k;
  return finish("max_sharpe", std::move(w), m, "optimal");
}

Portfolio mean_cvar(const Eigen::MatrixXd& R, double alpha, const Constraints& c, double target) {
  const auto n = static_cast<std::size_t>(R.cols());
  const auto S = static_cast<std::size_t>(R.rows());
  FG_REQUIRE(n >= 1 && S >= 2, "mean-CVaR needs at least 2 scenarios of 1 asset, got {} x {}", S,
             n);
  FG_REQUIRE(alpha > 0 && alpha < 1, "alpha must be in (0, 1), got {}", alpha);
  FG_REQUIRE(static_cast<double>(S) * alpha >= 1,
             "{} scenarios leave no tail at alpha {}: at least {:.0f} are needed", S, alpha,
             std::ceil(1 / alpha));
  FG_REQUIRE(R.allFinite(), "the scenarios are not all finite");
  c.check(n);
  const Eigen::VectorXd mean = R.colwise().mean().transpose();
  if (std::isfinite(target)) check_target(mean, c, target);
  // Returns scaled by k (entries near 1): the value scales with them, the weights do not.
  const double sd = std::sqrt((R.array() - R.mean()).square().mean());
  const double k = sd > 0 ? 1 / sd : 1.0;

  auto moments = [&] {
    Moments m;
    m.mean = mean;
    const Eigen::MatrixXd dev = R.rowwise() - mean.transpose();
    m.cov = dev.transpose() * dev / static_cast<double>(S - 1);
    return m;
  };
  if (c.has_turnover()) {
    // The Rockafellar-Uryasev LP itself: w, ζ, u_s >= 0 with u_s >= -r_s'w - ζ (one row per
    // scenario), then the budget, groups, turnover and target rows.
    Program p;
    add_constraints(p, c, n);
    const int zeta = p.column(1, -kInf, kInf);
    const double weight = 1 / (alpha * static_cast<double>(S));
    for (std::size_t s = 0; s < S; ++s) {
      const int u = p.column(weight, 0, kInf);
      const int r = p.row(0, kInf, "scenario tail");
      for (std::size_t i = 0; i < n; ++i)
        p.add(r, static_cast<int>(i),
              k * R(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(i)));
      p.add(r, zeta, 1);
      p.add(r, u, 1);
    }
    add_rows(p, c, n);
    if (std::isfinite(target)) {
      const double ms = mean_scale(mean);
      const int r = p.row(target / ms, target / ms, "target return");
      for (std::size_t i = 0; i < n; ++i)
        p.add(r, static_cast<int>(i), mean(static_cast<Eigen::Index>(i)) / ms);
    }
    double obj = 0;
    Portfolio out =
        finish("mean_cvar", first(solve(p, "mean-CVaR", &obj), n), moments(), "optimal");
    out.cvar = obj / k;
    return out;
  }

  // The linear constraints on w (budget, target, groups) as rows a_j'w in [lo_j, up_j].
  struct Row {
    std::vector<std::pair<std::size_t, double>> a;
    double lo, up;
  };
  std::vector<Row> rows;
  {
    Row b{{}, c.budget, c.budget};
    for (std::size_t i = 0; i < n; ++i) b.a.push_back({i, 1.0});
    rows.push_back(std::move(b));
  }
  if (std::isfinite(target)) {
    const double ms = mean_scale(mean);
    Row t{{}, target / ms, target / ms};
    for (std::size_t i = 0; i < n; ++i) t.a.push_back({i, mean(static_cast<Eigen::Index>(i)) / ms});
    rows.push_back(std::move(t));
  }
  for (const Group& g : c.groups) {
    Row r{{}, g.min, g.max};
    for (std::size_t i : g.assets) r.a.push_back({i, 1.0});
    rows.push_back(std::move(r));
  }

  // The Rockafellar-Uryasev LP, min over w of ζ + 1/(αS) Σ_s max(0, -r_s'w - ζ), has one row per
  // scenario. Its LP dual has one row per asset and one more: CVaR is the largest expected loss
  // under the reweightings p of the scenarios with Σ p_s = 1, 0 <= p_s <= 1/(αS), and the inner
  // minimum over w is dualised in turn (duals y of the rows, a and b of the bounds):
  //   max Σ_j (lo_j y⁺_j - up_j y⁻_j) + Σ_i (l_i a_i - h_i b_i)
  //   s.t. Σ_j a_ji (y⁺_j - y⁻_j) + a_i - b_i + Σ_s p_s r_si = 0   (asset i: its price is -w_i)
  //        Σ_s p_s = 1                                             (its price is ζ)
  // Its basis has N + 1 rows instead of S: 10,000 scenarios of 500 assets solve in seconds. The
  // weights are the prices of the asset rows; they are checked against the constraints below.
  Program d;
  for (std::size_t i = 0; i < n; ++i) d.row(0, 0, "asset");
  // p_s = q_s / (αS) with q_s in [0, 1]: variables of unit scale for the solver's tolerances.
  const double aS = alpha * static_cast<double>(S);
  const int one = d.row(aS, aS, "probabilities");
  for (std::size_t s = 0; s < S; ++s) {
    const int col = d.column(0, 0, 1);
    for (std::size_t i = 0; i < n; ++i)
      d.add(static_cast<int>(i), col,
            k / aS * R(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(i)));
    d.add(one, col, 1);
  }
  // Minimise the negative of the dual objective.
  for (const Row& r : rows) {
    if (r.lo == r.up) {
      const int col = d.column(-r.lo, -kInf, kInf);
      for (const auto& [i, v] : r.a) d.add(static_cast<int>(i), col, v);
      continue;
    }
    if (std::isfinite(r.lo)) {
      const int col = d.column(-r.lo, 0, kInf);
      for (const auto& [i, v] : r.a) d.add(static_cast<int>(i), col, v);
    }
    if (std::isfinite(r.up)) {
      const int col = d.column(r.up, 0, kInf);
      for (const auto& [i, v] : r.a) d.add(static_cast<int>(i), col, -v);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = c.lower.empty() ? 0.0 : c.lower[i], up = c.upper.empty() ? 1.0 : c.upper[i];
    if (std::isfinite(lo)) d.add(static_cast<int>(i), d.column(-lo, 0, kInf), 1);
    if (std::isfinite(up)) d.add(static_cast<int>(i), d.column(up, 0, kInf), -1);
  }
  // With Clp's scaling: the dual simplex then solves 10,000 scenarios x 500 assets in about 5 s;
  // without, it ran for minutes on the same problem (and barrier or sprint took 25-150 s).
  d.scaled = true;
  double obj = 0;
  std::vector<double> prices;
  solve(d, "mean-CVaR", &obj, &prices);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = -prices[i];
  // The weights must satisfy the primal constraints (to the solver's tolerance): check.
  constexpr double tol = 1e-7;
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = c.lower.empty() ? 0.0 : c.lower[i], up = c.upper.empty() ? 1.0 : c.upper[i];
    FG_CHECK(Runtime, std::isfinite(w[i]) && w[i] >= lo - tol && w[i] <= up + tol,
             "mean-CVaR: the solver's weight {} = {} is outside its bounds [{}, {}]", i, w[i], lo,
             up);
    w[i] = std::min(std::max(w[i], lo), up);
  }
  for (const Row& r : rows) {
    double v = 0;
    for (const auto& [i, a] : r.a) v += a * w[i];
    FG_CHECK(Runtime, v >= r.lo - 1e-6 && v <= r.up + 1e-6,
             "mean-CVaR: the solver's weights break a constraint ({} not in [{}, {}])", v, r.lo,
             r.up);
  }
  Portfolio out = finish("mean_cvar", std::move(w), moments(), "optimal");
  out.cvar = -obj / k;
  return out;
}

Portfolio risk_parity(const Moments& m) {
  const std::size_t n = assets_of(m);
  const double k = static_cast<double>(n) / m.cov.diagonal().sum();
  FG_CHECK(Input, std::isfinite(k) && k > 0 && m.cov.diagonal().minCoeff() > 0,
           "risk parity needs every asset to have a positive variance");
  const Eigen::MatrixXd S = k * m.cov;
  // Newton's method on f(y) = ½ y'Sy - Σ log y_i (strictly convex on y > 0), with a step cut
  // back to stay positive and to decrease f.
  Eigen::VectorXd y = S.diagonal().cwiseSqrt().cwiseInverse();
  auto f = [&](const Eigen::VectorXd& v) { return 0.5 * v.dot(S * v) - v.array().log().sum(); };
  bool converged = false;
  for (int it = 0; it < 200 && !converged; ++it) {
    const Eigen::VectorXd g = S * y - y.cwiseInverse();
    Eigen::MatrixXd H = S;
    H.diagonal() += y.cwiseInverse().cwiseAbs2();
    const Eigen::VectorXd step = H.ldlt().solve(g);
    const double decrement = g.dot(step);
    if (decrement < 1e-22) {
      converged = true;
      break;
    }
    double t = 1;
    while ((y - t * step).minCoeff() <= 0) t *= 0.5;
    // Far from the optimum a backtracking line search; near it (decrement below 1e-8, where f's
    // decrease is at rounding level) full Newton steps, which converge quadratically.
    if (decrement > 1e-8) {
      const double f0 = f(y);
      while (f(y - t * step) > f0 - 0.25 * t * decrement && t > 1e-12) t *= 0.5;
    }
    y -= t * step;
  }
  FG_CHECK(Runtime, converged, "risk parity: Newton's method did not converge in 200 steps");
  std::vector<double> w(n);
  const double sum = y.sum();
  for (std::size_t i = 0; i < n; ++i) w[i] = y(static_cast<Eigen::Index>(i)) / sum;
  return finish("risk_parity", std::move(w), m, "converged (Newton)");
}

Portfolio equal_weight(const Moments& m) {
  const std::size_t n = assets_of(m);
  return finish("equal_weight", std::vector<double>(n, 1.0 / static_cast<double>(n)), m,
                "closed form");
}

double scenario_cvar(const Eigen::MatrixXd& R, const std::vector<double>& w, double alpha) {
  FG_REQUIRE(static_cast<std::size_t>(R.cols()) == w.size(), "{} weights for {} assets", w.size(),
             R.cols());
  const Eigen::Map<const Eigen::VectorXd> x(w.data(), static_cast<Eigen::Index>(w.size()));
  const Eigen::VectorXd l = -(R * x);
  std::vector<double> losses(l.data(), l.data() + l.size());
  return risk::empirical_var_es(losses, 1 - alpha).es;
}

nlohmann::json to_json(const Portfolio& p, const std::vector<std::string>& names) {
  FG_REQUIRE(names.size() == p.weights.size(), "{} names for {} weights", names.size(),
             p.weights.size());
  nlohmann::json w = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size(); ++i) w[names[i]] = p.weights[i];
  nlohmann::json j = {{"method", p.method},
                      {"weights", w},
                      {"mean", p.mean},
                      {"sd", p.sd},
                      {"solver_status", p.solver_status}};
  j["cvar"] = std::isfinite(p.cvar) ? nlohmann::json(p.cvar) : nlohmann::json();
  return j;
}

}  // namespace fingen::portfolio
