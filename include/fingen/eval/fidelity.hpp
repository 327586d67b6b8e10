/// @file fidelity.hpp
/// @brief Is the synthetic data real enough? Stylized facts and distances, real vs scenarios.
///
/// Real data is a held-out returns panel [time, assets]; synthetic data is Scenarios (paths of
/// per-step log returns). Scenario statistics of a single path (ACF, leverage, drawdown) are
/// computed per path and averaged; distributional statistics pool all paths.
/// - Hill (1975) tail index of the left tail: losses x = -r sorted descending, k = max(10, 5% of
/// n),
///   alpha = 1 / mean_{i<=k} ln(x_(i) / x_(k+1)).
/// - ACF as R's acf (see stats/descriptive.hpp) of r (lags 1-20: no linear autocorrelation), |r|
/// and
///   r^2 (lags 1-100: volatility clustering, Cont 2001); leverage effect corr(r_t, r_{t+k}^2),
///   k = 1-20 (negative in equity data, Bouchaud et al. 2001). Curve errors are mean absolute
///   differences to the real curve.
/// - Returns aggregated over 1, 5, 20, 60 days (Quant GANs' lags, Wiese et al. 2020): real
/// overlapping
///   sums, synthetic non-overlapping block sums per path; 1-Wasserstein and Kolmogorov-Smirnov.
/// - Across assets: Pearson correlation error (mean |difference| over pairs) and lower tail
///   dependence lambda(i,j) = P(r_j <= q_j(5%) | r_i <= q_i(5%)).
/// - Path features: maximum drawdown 1 - exp(-max(peak - cumulative log return)) and realised
///   volatility sqrt(sum r^2) of each path vs every real window of the same length.
/// - Memorisation: Euclidean distance from each synthetic window (length L, non-overlapping in each
///   path) to its nearest training window, against the same for held-out real windows; a ratio far
///   below 1, or exact copies, means the generator reproduces its training data.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::eval {

double hill_left_tail(std::vector<double> r);
/// ACF at lags 1..max_lag (R's definition).
std::vector<double> acf_curve(const std::vector<double>& x, std::size_t max_lag);
/// corr(r_t, r_{t+k}^2) for k = 1..max_lag.
std::vector<double> leverage_curve(const std::vector<double>& r, std::size_t max_lag);
/// Maximum drawdown (a positive fraction) of a path of log returns.
double max_drawdown(const double* r, std::size_t n, std::size_t stride = 1);
/// The paths of one asset as separate series.
std::vector<std::vector<double>> asset_paths(const Scenarios& s, std::size_t asset);
/// Lower tail dependence matrix at quantile q (diagonal 1).
Eigen::MatrixXd tail_dependence(const Eigen::MatrixXd& r, double q = 0.05);

struct Memorisation {
  std::size_t windows = 0;
  double median_synthetic = 0, median_heldout = 0, ratio = 0;
  std::size_t exact_copies = 0;
  bool flagged = false;  ///< exact copies, or ratio < 0.5
};
/// Uses at most `max_windows` synthetic windows (from the first paths) to bound the cost.
Memorisation memorisation(const Eigen::MatrixXd& train, const Scenarios& s,
                          const Eigen::MatrixXd& heldout, std::size_t length = 20,
                          std::size_t max_windows = 2000);

/// One number of the comparison. `target` is the real data's value for statistics that should match
/// it (NaN for distances and errors, where lower is better).
struct Metric {
  std::string
      key;  ///< stable name, e.g. "kurtosis", "w1_lag5", "acf_abs_error"; assets prefix "NAME/"
  double value = 0;
  double target = 0;
  bool is_distance() const { return target != target; }  // NaN target
};

struct Curves {
  std::string asset;
  std::vector<double> acf_r_real, acf_r_synthetic, acf_abs_real, acf_abs_synthetic, acf_sq_real,
      acf_sq_synthetic, leverage_real, leverage_synthetic;
};

struct FidelityOptions {
  FG_ARG(std::size_t, memorisation_length) = 20;
  FG_ARG(std::vector<std::size_t>, aggregation_lags) = std::vector<std::size_t>{1, 5, 20, 60};
};

struct FidelityReport {
  std::vector<Metric> metrics;
  std::vector<Curves> curves;
};

/// Compares scenarios with held-out real returns (same assets, same order); `train` (may be empty)
/// enables the memorisation check.
FidelityReport evaluate_fidelity(const Panel& real, const Scenarios& synthetic, const Panel& train,
                                 const FidelityOptions& options = {});

}  // namespace fingen::eval
