/// @file generator.hpp
/// @brief ScenarioGenerator: the one seam between models of the market and everything downstream.
///
/// A generator is fitted on a panel of returns (one or many assets on aligned dates) and generates
/// scenarios: n paths of `horizon` future returns for every asset. GBM, GARCH, block bootstrap and
/// the GANs all sit behind this interface, so risk, backtests, portfolios and the fidelity report
/// compare them without knowing how paths were made (the Monte Carlo split of QuantLib: path
/// generator, path pricer, statistics). A fitted generator saves itself to a directory
/// (model.json plus data files) and load_generator() restores any kind from such a directory.
///
/// Every kind is registered once, in the library that implements it (fingen_core: gbm, garch,
/// bootstrap; fingen_ml: the GANs), with its options' single definition: make_generator(kind,
/// options) builds one from a JSON object of options (unknown keys and wrong types rejected), so
/// the command line (`--set key=value`), pipeline configs and bindings all go through the same
/// code. Linking the library registers its kinds; nothing has to be called by hand.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::dist {
class Communicator;
}

namespace fingen::scenario {

/// Progress of a training loop (models that train: the GANs), reported through FitControl.
struct FitProgress {
  int64_t step = 0, total_steps = 0;
  double d_loss = 0, g_loss = 0;
  double wasserstein = 0;      ///< the critic's estimate (wgan-gp), else NaN
  double best_validation = 0;  ///< best validation score so far (NaN before the first)
  int64_t best_step = -1;
  double steps_per_second = 0, eta_seconds = 0;
  std::string message;  ///< a one-off event ("resuming from ... at step N"), else empty
};

/// How a fit runs, as opposed to what is fitted (the model's options): checkpoints, resuming,
/// progress. Models without a training loop ignore it. The library never prints: progress goes to
/// the callback (the CLI prints it, bindings forward it).
struct FitControl {
  std::string checkpoint_dir;  ///< empty: no checkpoints
  bool resume = false;         ///< continue from checkpoint_dir
  std::function<void(const FitProgress&)> progress;
  /// Several processes training one model (data-parallel; null or a world of one: this process
  /// alone). Models that do not train fit the same model on every rank.
  dist::Communicator* comm = nullptr;
};

class ScenarioGenerator {
 public:
  virtual ~ScenarioGenerator() = default;

  /// Short model name stored in model.json: "gbm", "garch", "bootstrap", "gan", ...
  virtual std::string kind() const = 0;
  /// Fits on returns ([time, assets], no missing values).
  virtual void fit(const Panel& returns) = 0;
  /// Checkpoints, resume and progress for the next fit() (ignored by models that do not train).
  virtual void set_fit_control(const FitControl& /*control*/) {}
  /// Where generation runs: "cpu", "cuda" or "auto" (Error(Usage) for a device this model or
  /// machine lacks). Models without networks run on the CPU; a GAN loads onto the CPU.
  virtual void set_device(const std::string& device);
  /// True when generate_from() uses the recent history it is given (GARCH, a conditional GAN).
  virtual bool conditional() const { return false; }
  /// The options this generator was made with, as make_generator() takes them.
  virtual nlohmann::json options() const { return nlohmann::json::object(); }
  virtual bool fitted() const = 0;
  /// `paths` independent paths of `horizon` steps: generate_range(0, paths, horizon, seed).
  Scenarios generate(std::size_t paths, std::size_t horizon, std::uint64_t seed) const {
    return generate_range(0, paths, horizon, seed);
  }
  /// Paths first .. first + count - 1 (count > 0) of `horizon` steps. Path p depends only on
  /// (seed, p), so results do not depend on the thread count, and a large set can be made in
  /// blocks or split across processes with the same numbers as in one piece.
  virtual Scenarios generate_range(std::size_t first, std::size_t count, std::size_t horizon,
                                   std::uint64_t seed) const = 0;
  /// Paths that continue from a given recent history (rows = time, columns = assets): GARCH starts
  /// from the volatility this context implies, a conditional GAN from its encoding. Models without
  /// memory (conditional() false) throw Error(Usage): callers ask conditional() first.
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

using GeneratorLoader = std::function<std::unique_ptr<ScenarioGenerator>(const std::string& dir)>;
using GeneratorMaker =
    std::function<std::unique_ptr<ScenarioGenerator>(const nlohmann::json& options)>;

/// One registered model kind.
struct GeneratorKind {
  std::string name;         ///< "garch", "gan", "wgan-gp", ...
  std::string description;  ///< one line for --help
  std::vector<OptionInfo> options;
  /// Builds an unfitted generator from an object of options (already checked against `options`).
  GeneratorMaker make;
  /// Restores a saved generator whose model.json names this kind; empty for aliases that save
  /// under another kind ("wgan-gp" saves as "gan").
  GeneratorLoader load;
};

/// Adds a kind (called by the libraries at static initialisation; a second registration of a name
/// replaces the first).
void register_generator(GeneratorKind kind);
/// The registered kind called `name`; Error(Usage) listing the known kinds otherwise.
const GeneratorKind& generator_kind(const std::string& name);
/// Names of the registered kinds, sorted.
std::vector<std::string> generator_kinds();
/// An unfitted generator of `kind` from options (JSON object; unknown keys and wrong types are
/// Error(Usage) naming `where`, e.g. the config entry).
std::unique_ptr<ScenarioGenerator> make_generator(const std::string& kind,
                                                  const nlohmann::json& options = {},
                                                  const std::string& where = "");
/// Restores a generator saved in `dir` (dispatching on model.json's "model").
std::unique_ptr<ScenarioGenerator> load_generator(const std::string& dir);

/// Checks that a returns panel can be fitted: returns, at least `min_rows` rows, no NaN/inf.
void check_fit_input(const Panel& returns, std::size_t min_rows, const std::string& model);

}  // namespace fingen::scenario
