/// @file augment.hpp
/// @brief Generative data augmentation for forecasting, measured: a forecaster trained on the
///        real rows only against the same forecaster trained on the real rows plus paths from a
///        scenario generator fitted to those rows (a GAN; the block bootstrap as the control), at
///        several real-data sizes and seeds, scored on one held-out test block.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/forecast/evaluate.hpp"

namespace fingen::forecast {

/// One source of synthetic training paths: a scenario generator kind and its options.
struct AugmentSource {
  std::string name;  ///< label in tables
  std::string generator;
  nlohmann::json options = nlohmann::json::object();
};

struct AugmentOptions {
  FG_ARG(std::vector<std::size_t>, sizes) = {250, 500, 1000, 4000};  ///< real training rows
  FG_ARG(std::vector<std::uint64_t>, seeds) = {1, 2, 3};
  FG_ARG(std::size_t, test_rows) = 500;  ///< the last rows, forecast by every model
  FG_ARG(double, ratio) = 4;             ///< synthetic rows per real row
  FG_ARG(std::size_t, path_length) = 250;
  FG_ARG(std::size_t, horizon) = 1;
  /// Default: bootstrap, and gan when this build has it.
  FG_ARG(std::vector<AugmentSource>, sources);
};

struct AugmentCell {
  std::size_t rows = 0;           ///< real training rows
  std::string arm;                ///< "real" or a source's name
  std::vector<double> rmse, mae;  ///< per seed, pooled over horizons
  double rmse_mean = 0, rmse_sd = 0, mae_mean = 0;
  double relative = 1;  ///< rmse_mean / the real-only arm's
  /// DM test of this arm's seed-averaged forecasts against the real-only arm's (horizon 1,
  /// squared errors); NaN for the real arm.
  DmTest dm;
  double seconds = 0;  ///< generator fits, generation and forecaster fits
};

struct AugmentResult {
  ModelSpec model;
  std::string target, first_test, last_test;
  std::size_t test_origins = 0;
  double zero_rmse = 0;  ///< RMSE of the zero forecast over the same test block (reference)
  std::vector<AugmentCell> cells;
};

/// Runs the experiment. Error(Usage) for a size larger than the rows before the test block, a
/// model that cannot train on extra data (the baselines), or features from other series than
/// the target (synthetic paths have the target only).
AugmentResult augment_experiment(const Dataset& d, const ModelSpec& model,
                                 const AugmentOptions& options,
                                 const std::function<void(const std::string&)>& progress = {});

nlohmann::json to_json(const AugmentResult& r);
std::string format_table(const AugmentResult& r);

/// The same dataset with a share of the target's returns deleted (gaps) and a share replaced by
/// +-`sigmas` standard deviations (outliers), by seed; derived inputs are rebuilt from the
/// corrupted returns.
Panel corrupt(const Panel& returns, const std::string& series, double gaps, double outliers,
              double sigmas, std::uint64_t seed);

/// Accuracy of each model on clean data and on corrupted copies (gaps, outliers), every run
/// scored against the clean realised values.
struct RobustnessRow {
  std::string model;
  double clean_rmse = 0, gaps_rmse = 0, outliers_rmse = 0;
  double clean_mae = 0, gaps_mae = 0, outliers_mae = 0;
};
struct RobustnessResult {
  double gaps = 0, outliers = 0, sigmas = 0;
  std::size_t deleted = 0, replaced = 0;  ///< values changed in the target's returns
  std::vector<RobustnessRow> rows;
};
RobustnessResult robustness(const Panel& returns, const DatasetSpec& spec,
                            const std::vector<ModelSpec>& models, const WalkForwardOptions& options,
                            double gaps = 0.05, double outliers = 0.01, double sigmas = 10,
                            std::uint64_t seed = 1);
nlohmann::json to_json(const RobustnessResult& r);
std::string format_table(const RobustnessResult& r);

}  // namespace fingen::forecast
