/// @file bootstrap.hpp
/// @brief Stationary block bootstrap (Politis & Romano 1994) with automatic block length.
///
/// A path is built from blocks of consecutive historical days: it starts at a uniformly drawn day,
/// then each next day either continues the block (probability 1 - 1/L) or jumps to a new uniformly
/// drawn day (probability 1/L); the series wraps around circularly. Block lengths are geometric
/// with mean L, which keeps the resampled series stationary. Whole rows (all assets of a day) are
/// resampled together, so cross-asset dependence survives, and blocks keep short-range dependence
/// such as volatility clustering.
/// Automatic L: the Politis & White (2004) estimator with the correction of Patton, Politis & White
/// (2009), b = (2 G^2 / D)^{1/3} n^{1/3} with the flat-top lag window, averaged over assets.
#pragma once

#include <memory>

#include "fingen/scenario/generator.hpp"

namespace fingen::scenario {

/// Politis-White optimal expected block length for the stationary bootstrap of one series.
double optimal_block_length(const double* x, std::size_t n);

class BootstrapGenerator final : public ScenarioGenerator {
 public:
  /// block_length <= 0: choose it automatically on fit.
  explicit BootstrapGenerator(double block_length = 0.0);
  std::string kind() const override { return "bootstrap"; }
  nlohmann::json options() const override { return {{"block_length", requested_}}; }
  void fit(const Panel& returns) override;
  bool fitted() const override { return observations_ > 0; }
  Scenarios generate_range(std::size_t first, std::size_t count, std::size_t horizon,
                           std::uint64_t seed) const override;
  void save(const std::string& dir) const override;
  std::string summary() const override;
  static std::unique_ptr<BootstrapGenerator> load(const std::string& dir);

  double block_length() const noexcept { return block_length_; }

 private:
  double requested_;
  double block_length_ = 0.0;
  std::size_t observations_ = 0;
  std::vector<double> rows_;  // the history, one day after another: rows_[t * assets + a]
};

}  // namespace fingen::scenario
