/// @file garch.hpp
/// @brief GARCH(1,1) with normal or Student-t innovations, fitted by maximum likelihood, and a
///        constant-conditional-correlation generator for several assets.
///
/// Model (Bollerslev 1986): r_t = mu + e_t, e_t = sqrt(h_t) z_t,
///   h_t = omega + alpha e_{t-1}^2 + beta h_{t-1},
/// z_t i.i.d. N(0, 1) or a Student-t scaled to unit variance with `shape` = nu > 2 degrees of
/// freedom (Bollerslev 1987). The likelihood follows R's fGarch::garchFit (default "mci"
/// initialisation) so that fitted values can be checked against it: every residual
/// e_t = r_t - mu counts, h_1 = omega + (alpha + beta) * mean(e_t^2) with the mean taken under the
/// mu being evaluated, and all n observations enter the log-likelihood
///   sum_t [ log f(e_t / sqrt(h_t)) - log(h_t) / 2 ],
///   normal: log f(z) = -log(2 pi)/2 - z^2/2,
///   Student-t: log f(z) = lgamma((nu+1)/2) - lgamma(nu/2) - log(pi (nu-2))/2
///                         - (nu+1)/2 log(1 + z^2/(nu-2)).
/// Several assets: each gets its own GARCH(1,1); the innovations are correlated with the
/// correlation matrix of the standardized residuals (constant conditional correlation, Bollerslev
/// 1990), drawn through a Gaussian copula so each asset keeps its own Student-t tails.
#pragma once

#include <limits>
#include <memory>
#include <vector>

#include "fingen/core/options.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::scenario {

/// Largest per-period variance (and |mu|) a saved GARCH model may hold: 1e6, i.e. a standard
/// deviation of 1000 per period, far beyond any return series in fractions or percent. Larger
/// values only come from a corrupt or crafted model.json and would overflow the simulation.
inline constexpr double kMaxGarchVariance = 1e6;

enum class Innovation { Normal, StudentT };
Innovation parse_innovation(const std::string& text);
const char* to_string(Innovation innovation) noexcept;

struct Garch11 {
  Innovation innovation = Innovation::Normal;
  double mu = 0, omega = 0, alpha = 0, beta = 0;
  double shape = std::numeric_limits<double>::quiet_NaN();  ///< Student-t degrees of freedom
  double persistence() const noexcept { return alpha + beta; }
  /// omega / (1 - alpha - beta), or +inf when alpha + beta >= 1.
  double unconditional_variance() const noexcept;
};

/// Log-likelihood of x under the model (see the file comment); fills `h` with h_1..h_n if given.
double garch11_loglik(const double* x, std::size_t n, const Garch11& model,
                      std::vector<double>* h = nullptr);

struct GarchFitOptions {
  FG_ARG(int, max_iterations) = 500;
  /// Stop when the gradient norm (in the optimiser's unconstrained coordinates) is below this.
  FG_ARG(double, gradient_tolerance) = 1e-7;
};

struct GarchFit {
  Garch11 model;
  double loglik = 0;
  std::size_t n = 0;
  int iterations = 0;
  bool converged = false;
  std::vector<double> variance;  ///< fitted h_1..h_n
};

/// Maximum-likelihood fit (quasi-Newton BFGS from GSL on transformed parameters that keep
/// omega > 0, 0 < alpha, beta < 1 and nu > 2). Needs n >= 50.
GarchFit fit_garch11(const double* x, std::size_t n, Innovation innovation,
                     const GarchFitOptions& options = {});

class GarchGenerator final : public ScenarioGenerator {
 public:
  explicit GarchGenerator(Innovation innovation = Innovation::StudentT) : innovation_(innovation) {}
  std::string kind() const override { return "garch"; }
  bool conditional() const override { return true; }
  nlohmann::json options() const override { return {{"innovation", to_string(innovation_)}}; }
  void fit(const Panel& returns) override;
  bool fitted() const override { return !models_.empty(); }
  /// Paths start from the conditional variance after the last training day.
  Scenarios generate_range(std::size_t first, std::size_t count, std::size_t horizon,
                           std::uint64_t seed) const override;
  /// Paths start from the conditional variance implied by `context` (filtered from its first row,
  /// where the variance starts at the mean squared deviation of the context itself).
  Scenarios generate_from(const Eigen::MatrixXd& context, std::size_t paths, std::size_t horizon,
                          std::uint64_t seed) const override;
  void save(const std::string& dir) const override;
  std::string summary() const override;
  static std::unique_ptr<GarchGenerator> load(const std::string& dir);

  const std::vector<Garch11>& models() const noexcept { return models_; }
  const std::vector<GarchFit>& fits() const noexcept { return fits_; }
  const Eigen::MatrixXd& correlation() const noexcept { return correlation_; }
  /// Conditional variance and last residual after the training data, per asset.
  const Eigen::VectorXd& next_variance() const noexcept { return next_variance_; }

 private:
  /// Paths first .. first + count - 1 from `start_variance`.
  Scenarios simulate(const Eigen::VectorXd& start_variance, std::size_t first, std::size_t count,
                     std::size_t horizon, std::uint64_t seed) const;
  void set_correlation(Eigen::MatrixXd correlation);
  Innovation innovation_;
  std::vector<Garch11> models_;
  std::vector<GarchFit> fits_;  // empty after load()
  Eigen::MatrixXd correlation_;
  Eigen::MatrixXd chol_;
  Eigen::VectorXd next_variance_;
};

}  // namespace fingen::scenario
