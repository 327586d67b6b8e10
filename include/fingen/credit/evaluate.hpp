/// @file evaluate.hpp
/// @brief Repeated stratified cross-validation of detectors on a labelled table, with the rare
///        class optionally oversampled in each training fold (SMOTE, or a generator of rows).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"

namespace fingen::credit {

/// Fold of every row (0..k-1) for one repeat: each class shuffled by `seed` and dealt round the
/// folds (the negatives continuing where the positives stopped), so each fold's count of each
/// class, and its size, are within one row of the others'.
std::vector<int> stratified_folds(const std::vector<int>& y, int k, std::uint64_t seed);

/// SMOTE (Chawla et al. 2002): `count` rows, each on the segment between a random positive row
/// and one of its `k` nearest positive neighbours (Euclidean), at a uniform random point.
Eigen::MatrixXd smote(const Eigen::MatrixXd& positives, std::size_t count, std::size_t k,
                      std::uint64_t seed);

/// Extra positive rows for a training fold: (the fold's rows, their labels, count, seed) -> count
/// new rows of the positive class.
using Oversampler = std::function<Eigen::MatrixXd(const Eigen::MatrixXd&, const std::vector<int>&,
                                                  std::size_t, std::uint64_t)>;

/// Oversamplers register like detectors: "smote" here, "gan" (a conditional tabular GAN) in
/// fingen_ml. make() gets the kind's options and the design's column groups (Design::groups).
struct OversamplerKind {
  std::string name, description;
  std::vector<OptionInfo> options;
  std::function<Oversampler(const nlohmann::json& options, const std::vector<int>& groups)> make;
};
void register_oversampler(OversamplerKind kind);
const OversamplerKind& oversampler_kind(const std::string& name);
std::vector<std::string> oversampler_kinds();
/// Options checked against the kind's (Error(Usage) naming `where`).
Oversampler make_oversampler(const std::string& kind, const nlohmann::json& options,
                             const std::vector<int>& groups, const std::string& where = "");

struct CvOptions {
  FG_ARG(int, folds) = 5;
  FG_ARG(int, repeats) = 2;
  FG_ARG(std::uint64_t, seed) = 1;
  /// Oversampling of the positives in each training fold to this share of the fold (0: none).
  FG_ARG(double, oversample_to) = 0.0;
  /// Column groups of the design (Design::groups), passed to every detector; empty: all numeric.
  FG_ARG(std::vector<int>, groups);
  /// Folds run in parallel on this many threads (0: all cores); each fold's models run
  /// single-threaded and are seeded by the fold, so results are the same for any thread count.
  FG_ARG(int, threads) = 0;
};

struct DetectorSpec {
  std::string name, kind;
  nlohmann::json options = nlohmann::json::object();
};

/// Mean over folds x repeats with a 95% interval by the corrected resampled t statistic
/// (Nadeau & Bengio 2003: variance times 1/(k r) + n_test / n_train).
struct Interval {
  double mean = 0, lower = 0, upper = 0, sd = 0;
};

struct CvResult {
  std::string name, kind, oversampling;  ///< oversampling: "none", "smote" or a generator's name
  bool supervised = false;
  std::vector<double> auroc, auprc, brier;  ///< per fold (brier: NaN for scores that are not
                                            ///< probabilities)
  Interval auroc_ci, auprc_ci;
  double recall_at_1pct_fpr = 0;  ///< mean over folds
  double seconds = 0;
  /// Out-of-fold score of every row in the first repeat (each row scored once, by the model of
  /// the fold that left it out): for ROC and precision-recall curves and score histograms.
  std::vector<double> oof;
};

/// Cross-validates each spec on (x, y): columns standardised with the training fold's mean and
/// sd, the detector fitted on the training fold (unsupervised ones on its negatives), scored on
/// the test fold. With oversample_to > 0 supervised specs are also run with each oversampler
/// (called once per fold, its rows shared by every supervised spec).
std::vector<CvResult> cross_validate(
    const Eigen::MatrixXd& x, const std::vector<int>& y, const std::vector<DetectorSpec>& specs,
    const CvOptions& options,
    const std::vector<std::pair<std::string, Oversampler>>& oversamplers = {},
    const std::function<void(const std::string&)>& progress = {});

/// How close synthetic rows come to the real rows they were made from (distance to the closest
/// record, standardised columns): the median and 5% quantile of each synthetic row's distance to
/// its nearest real row, against the same for each real row's nearest other real row, and the
/// synthetic rows that copy a real row exactly (distance below 1e-9).
struct PrivacyCheck {
  std::size_t synthetic = 0, exact_copies = 0;
  double synthetic_median = 0, synthetic_q05 = 0;
  double real_median = 0, real_q05 = 0;
};
PrivacyCheck privacy_check(const Eigen::MatrixXd& real, const Eigen::MatrixXd& synthetic);

nlohmann::json to_json(const std::vector<CvResult>& r);
/// Error(Input) naming `file` when `j` is not what to_json wrote.
std::vector<CvResult> cv_results_from_json(const nlohmann::json& j, const std::string& file);
std::string format_table(const std::vector<CvResult>& r);

}  // namespace fingen::credit
