/// @file generator.hpp
/// @brief ScenarioGenerator: the one seam between models of the market and everything downstream.
///
/// A generator is fitted on a panel of returns (one or many assets on aligned dates) and generates
/// scenarios: n paths of `horizon` future returns for every asset. GBM, GARCH, block bootstrap and
/// the GANs all sit behind this interface, so risk, backtests, portfolios and the fidelity report
/// compare them without knowing how paths were made (the Monte Carlo split of QuantLib: path
/// generator, path pricer, statistics). A fitted generator saves itself to a directory
/// (model.json plus data files) and load_generator() restores any kind from such a directory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::scenario {

class ScenarioGenerator {
 public:
  virtual ~ScenarioGenerator() = default;

  /// Short model name stored in model.json: "gbm", "garch", "bootstrap", "gan", ...
  virtual std::string kind() const = 0;
  /// Fits on returns ([time, assets], no missing values).
  virtual void fit(const Panel& returns) = 0;
  virtual bool fitted() const = 0;
  /// `paths` independent paths of `horizon` steps. Path p depends only on (seed, p), so results do
  /// not depend on the thread count.
  virtual Scenarios generate(std::size_t paths, std::size_t horizon, std::uint64_t seed) const = 0;
  /// Paths that continue from a given recent history (rows = time, columns = assets): GARCH starts
  /// from the volatility this context implies, a conditional GAN from its encoding. Models without
  /// memory (GBM, bootstrap) throw Error(Usage).
  virtual Scenarios generate_from(const Eigen::MatrixXd& context, std::size_t paths,
                                  std::size_t horizon, std::uint64_t seed) const;
  /// Writes model.json (and any data files) into `dir`, which must exist.
  virtual void save(const std::string& dir) const = 0;
  /// Fitted parameters in a few human-readable lines.
  virtual std::string summary() const = 0;

  const std::vector<std::string>& names() const noexcept { return names_; }

 protected:
  std::vector<std::string> names_;
};

/// Restores a generator saved in `dir` (dispatching on model.json's "model").
using GeneratorLoader = std::function<std::unique_ptr<ScenarioGenerator>(const std::string& dir)>;
std::unique_ptr<ScenarioGenerator> load_generator(const std::string& dir);
/// Makes load_generator() understand another model kind (the GANs in fingen_ml register here).
void register_loader(const std::string& kind, GeneratorLoader loader);

/// Checks that a returns panel can be fitted: returns, at least `min_rows` rows, no NaN/inf.
void check_fit_input(const Panel& returns, std::size_t min_rows, const std::string& model);

}  // namespace fingen::scenario
