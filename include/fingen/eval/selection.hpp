/// @file selection.hpp
/// @brief A composite stylized-facts distance for choosing a generative model's weights.
///
/// A GAN's losses say little about whether its paths look like the market; fingen keeps the
/// weights whose paths come closest to the data on the statistics the users of scenarios care
/// about (Cont 2001, "Empirical properties of asset returns: stylized facts and statistical
/// issues"): scale, heavy tails, volatility clustering and the leverage effect, and for several
/// assets their correlation. Both sides are summarised on windows of the same length (the real
/// history cut into consecutive chunks as long as the generated paths), because autocorrelation
/// estimates of short series are biased towards zero.
///
/// distance = mean over assets of
///     |ln(sd_g / sd_r)|
///   + 0.25 |kurt_g - kurt_r| / (3 + |kurt_r|)                  (excess kurtosis, pooled)
///   + mean_q |q_g - q_r| / sd_r,  q in {0.01, 0.05, 0.95, 0.99} (pooled quantiles)
///   + 2 mean_k |acf_g(|r|, k) - acf_r(|r|, k)|,  k = 1..acf_lags (per window, averaged)
///   + 2 mean_k |lev_g(k) - lev_r(k)|, lev(k) = corr(r_t, r_{t+k}^2), k = 1..leverage_lags
/// + mean |corr_g - corr_r| over pairs of assets (several assets).
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "fingen/scenario/scenarios.hpp"

namespace fingen::eval {

struct StylizedSummary {
  struct Asset {
    double sd = 0, excess_kurtosis = 0;
    std::vector<double> quantiles;  ///< at 0.01, 0.05, 0.95, 0.99
    std::vector<double> acf_abs;    ///< lags 1..acf_lags
    std::vector<double> leverage;   ///< lags 1..leverage_lags
  };
  std::vector<Asset> assets;
  Eigen::MatrixXd correlation;
};

struct SelectionOptions {
  std::size_t acf_lags = 50;
  std::size_t leverage_lags = 20;
};

/// Summary of a history [time, assets] cut into consecutive windows of `window` rows (at least
/// acf_lags + 2 rows each; the last incomplete window is dropped).
StylizedSummary summarize_history(const Eigen::MatrixXd& returns, std::size_t window,
                                  const SelectionOptions& options = {});
/// Summary of paths (each path is one window).
StylizedSummary summarize_paths(const Scenarios& paths, const SelectionOptions& options = {});
/// The composite distance above (lower is closer; 0 for identical summaries). Non-finite
/// synthetic statistics give +inf.
double stylized_distance(const StylizedSummary& real, const StylizedSummary& synthetic);

}  // namespace fingen::eval
