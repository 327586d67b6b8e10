/// @file optimize.hpp
/// @brief Portfolio optimisation over estimated moments or over scenarios.
///
/// Weights w (N assets) satisfy the constraints: lower_i <= w_i <= upper_i, sum_i w_i = budget,
/// and for each group g: min_g <= sum_{i in g} w_i <= max_g. Returns are used as given (log
/// returns of a price panel, as R's fPortfolio uses them).
///
/// - min_variance: min w'Σw;
/// - mean_variance: min w'Σw subject to μ'w = target (a point of the efficient frontier);
/// - frontier: mean_variance at `points` targets evenly spaced from the minimum-variance return
///   to the highest return the constraints allow;
/// - max_sharpe: the tangency portfolio, max (μ'w - rf) / sqrt(w'Σw), solved as the convex
///   problem min y'Σy subject to (μ - rf)'y = 1 with the constraints homogenised by κ = sum y
///   (Cornuejols & Tütüncü, "Optimization Methods in Finance", 2007, §8.2), then w = y / κ;
/// - mean_cvar: the Rockafellar–Uryasev (2000) linear program over S scenarios r_s: min
///   ζ + 1/(αS) Σ_s u_s subject to u_s >= -r_s'w - ζ, u_s >= 0 (and μ'w = target when given);
///   its value is the CVaR (expected shortfall) at level 1 - α of the scenario losses -r_s'w;
/// - risk_parity: equal risk contributions w_i (Σw)_i, long-only, from Spinu's (2013) convex
///   problem min ½ y'Σy - Σ log y_i solved by Newton's method, w = y / sum y;
/// - equal_weight: 1/N, always reported beside the others.
/// A turnover limit adds t_i >= |w_i - current_i| with sum_i t_i <= max_turnover (risk parity and
/// 1/N ignore constraints; mean-CVaR with a turnover limit solves the Rockafellar–Uryasev LP
/// itself, one row per scenario, instead of its dual).
/// The quadratic and linear programs are solved with COIN-OR Clp; its status is checked every
/// time, the solution is checked against the constraints, and an infeasible problem is diagnosed
/// before it reaches the solver (bounds that cannot sum to the budget, a group that cannot meet
/// its limits, a target return outside the range the constraints allow).
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

namespace fingen::portfolio {

/// A group limit: min <= sum of the weights of `assets` <= max.
struct Group {
  std::string name;
  std::vector<std::size_t> assets;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

struct Constraints {
  std::vector<double> lower, upper;  ///< per asset; empty: every asset in [0, 1]
  double budget = 1;
  std::vector<Group> groups;
  /// Turnover limit sum_i |w_i - current_i| <= max_turnover (infinite: none) against the weights
  /// held now, one per asset.
  std::vector<double> current;
  double max_turnover = std::numeric_limits<double>::infinity();
  bool has_turnover() const noexcept {
    return max_turnover < std::numeric_limits<double>::infinity();
  }
  /// Bounds for every asset: long-only [0, 1], long-short [-bound, bound], or [lower, upper].
  static Constraints long_only(std::size_t assets);
  static Constraints long_short(std::size_t assets, double bound = 1);
  static Constraints box(std::size_t assets, double lower, double upper);
  /// Error(Usage) naming the conflicting constraints when no weights can satisfy them.
  void check(std::size_t assets) const;
};

/// Sample moments of T x N returns: column means and the covariance (ddof 1).
struct Moments {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  static Moments of(const Eigen::MatrixXd& returns);
};

struct Portfolio {
  std::string method;
  std::vector<double> weights;
  double mean = 0;                                         ///< μ'w
  double sd = 0;                                           ///< sqrt(w'Σw)
  double cvar = std::numeric_limits<double>::quiet_NaN();  ///< for mean_cvar: the LP's value
  std::string solver_status;  ///< "optimal", or how the weights were found ("closed form")
};

Portfolio min_variance(const Moments& m, const Constraints& c);
Portfolio mean_variance(const Moments& m, const Constraints& c, double target_return);
std::vector<Portfolio> frontier(const Moments& m, const Constraints& c, std::size_t points);
Portfolio max_sharpe(const Moments& m, const Constraints& c, double risk_free = 0);
/// `scenarios` S x N; `target_return` NaN: no return constraint (the minimum-CVaR portfolio).
Portfolio mean_cvar(const Eigen::MatrixXd& scenarios, double alpha, const Constraints& c,
                    double target_return = std::numeric_limits<double>::quiet_NaN());
Portfolio risk_parity(const Moments& m);
Portfolio equal_weight(const Moments& m);

/// The lowest and highest μ'w the constraints allow (two linear programs).
std::pair<double, double> return_range(const Eigen::VectorXd& mean, const Constraints& c);

/// CVaR at level 1 - alpha of the losses -r_s'w: the mean of the worst ⌊Sα⌋ losses plus the
/// fractional part of the next (Acerbi & Tasche 2002), equal to the Rockafellar–Uryasev value.
double scenario_cvar(const Eigen::MatrixXd& scenarios, const std::vector<double>& weights,
                     double alpha);

/// {"method", "weights": {name: w}, "mean", "sd", "cvar", "solver_status"}.
nlohmann::json to_json(const Portfolio& p, const std::vector<std::string>& names);

}  // namespace fingen::portfolio
