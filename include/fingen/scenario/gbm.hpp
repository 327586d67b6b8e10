/// @file gbm.hpp
/// @brief Geometric Brownian motion for one or many assets: i.i.d. multivariate normal log returns.
///
/// Log returns r_t ~ N(mu, Sigma) independently over time, with mu and Sigma the sample mean and
/// covariance (n - 1) of the training returns; prices then follow a correlated GBM. Correlated
/// draws use the Cholesky factor L of Sigma: r = mu + L z, z ~ N(0, I) (Glasserman 2003, 2.3).
/// This is the baseline with no fat tails and no volatility clustering.
#pragma once

#include <memory>

#include "fingen/scenario/generator.hpp"

namespace fingen::scenario {

class GbmGenerator final : public ScenarioGenerator {
 public:
  std::string kind() const override { return "gbm"; }
  void fit(const Panel& returns) override;
  bool fitted() const override { return mean_.size() > 0; }
  Scenarios generate_range(std::size_t first, std::size_t count, std::size_t horizon,
                           std::uint64_t seed) const override;
  void save(const std::string& dir) const override;
  std::string summary() const override;
  static std::unique_ptr<GbmGenerator> load(const std::string& dir);

  const Eigen::VectorXd& mean() const noexcept { return mean_; }
  const Eigen::MatrixXd& covariance() const noexcept { return cov_; }

 private:
  void set(Eigen::VectorXd mean, Eigen::MatrixXd cov);
  Eigen::VectorXd mean_;
  Eigen::MatrixXd cov_;
  Eigen::MatrixXd chol_;
};

}  // namespace fingen::scenario
