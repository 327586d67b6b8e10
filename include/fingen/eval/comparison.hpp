/// @file comparison.hpp
/// @brief Models side by side: one row per fidelity metric, the best model in each row, and the
/// metrics.json file that carries the comparison from `fingen evaluate` to the report.
///
/// The best model of a row (best_in_row):
/// - a distance or error (no real target) is better the lower it is;
/// - a statistic with a real target is better the closer it is, |value - target|;
/// - a non-finite score (a non-finite value, or a non-finite target) never beats a finite one;
///   ties go to the earlier model; a row where no model has a finite score goes to the first model
///   (what `fingen evaluate` has always marked).
///
/// metrics.json, written by metrics_json() and read by read_metrics_json():
/// - names: the models, in column order;
/// - targets.{metric}: the real data's value of each statistic with a target (null when not
///   finite); distances have no entry;
/// - models.{name}.{metric}: each model's value (null when not finite);
/// - rows_won.{name}: rows each model won (empty with a single model);
/// - curves.{name}[asset]: {asset, acf_r_real, acf_r, acf_abs_real, acf_abs, acf_sq_real,
///   acf_sq, leverage_real, leverage} (see fidelity.hpp);
/// - predictive_score_train_on_real: the post-hoc predictive score of real windows (null if not
///   computed).
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/eval/fidelity.hpp"

namespace fingen::eval {

/// Key names of metrics.json.
namespace metrics_keys {
inline constexpr const char* kNames = "names";
inline constexpr const char* kTargets = "targets";
inline constexpr const char* kModels = "models";
inline constexpr const char* kRowsWon = "rows_won";
inline constexpr const char* kCurves = "curves";
inline constexpr const char* kPredictiveTrainOnReal = "predictive_score_train_on_real";
}  // namespace metrics_keys

/// Index of the best of `values` (one per model) by the rule above; `distance`: lower is better,
/// otherwise closest to `target`. 0 for an empty row.
std::size_t best_in_row(const std::vector<double>& values, bool distance, double target);

/// One metric across models.
struct ComparisonRow {
  std::string key;
  bool distance = false;                                     ///< lower is better (no real target)
  double target = std::numeric_limits<double>::quiet_NaN();  ///< the real value (NaN: none)
  std::vector<double> values;                                ///< one per model (NaN: none)
  std::size_t best = 0;                                      ///< best_in_row of the values
};

struct Comparison {
  std::vector<std::string> names;
  std::vector<ComparisonRow> rows;
  std::vector<std::vector<Curves>> curves;  ///< per model, per asset
  double predictive_score_train_on_real = std::numeric_limits<double>::quiet_NaN();

  /// Rows won by each model (every name listed); empty with fewer than two models.
  std::map<std::string, int> rows_won() const;
};

/// Side by side: the reports of the models `names` (same metrics, in the same order), rows in the
/// order of the metrics.
Comparison compare_models(
    const std::vector<std::string>& names, const std::vector<FidelityReport>& reports,
    double predictive_score_train_on_real = std::numeric_limits<double>::quiet_NaN());

/// The metrics.json sections of a comparison (see above).
nlohmann::json metrics_json(const Comparison& comparison);

/// Reads the comparison of the models `names` from a metrics.json file; the rows come in the
/// file's key order (alphabetical) with `best` recomputed. Error(Input) naming the file if it is
/// not such a file.
Comparison read_metrics_json(const std::string& path, const std::vector<std::string>& names);

}  // namespace fingen::eval
