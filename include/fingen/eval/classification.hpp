/// @file classification.hpp
/// @brief Scores of a binary classifier or detector against labels: AUROC (ties counted half,
///        the Mann–Whitney statistic), AUPRC as average precision, precision at k, recall at a
///        false-positive rate, the Brier score and calibration bins. Higher scores mean "more
///        likely positive". Checked against an independent NumPy script (tests/eval/golden).
#pragma once

#include <cstddef>
#include <vector>

namespace fingen::eval {

/// P(score of a random positive > score of a random negative) + P(tie) / 2.
double auroc(const std::vector<double>& scores, const std::vector<int>& labels);
/// Average precision: sum over the distinct score thresholds, from the highest, of
/// (recall_k - recall_{k-1}) * precision_k (tied scores enter together).
double average_precision(const std::vector<double>& scores, const std::vector<int>& labels);
/// Share of positives among the k highest scores (ties at the cut broken by row order).
double precision_at_k(const std::vector<double>& scores, const std::vector<int>& labels,
                      std::size_t k);
/// Recall at the lowest threshold whose false-positive rate does not exceed `fpr` (tied scores
/// enter together; 0 when even the highest score's group exceeds it).
double recall_at_fpr(const std::vector<double>& scores, const std::vector<int>& labels, double fpr);
/// One point of a ROC or precision-recall curve: after every group of tied scores, from the
/// highest, the false-positive rate, recall (true-positive rate) and precision.
struct CurvePoint {
  double fpr = 0, recall = 0, precision = 1;
};
/// The curve from (0, 0) to (1, 1); the area under its (fpr, recall) polygon is auroc() and the
/// sum of recall steps times precision is average_precision().
std::vector<CurvePoint> curve(const std::vector<double>& scores, const std::vector<int>& labels);

/// Mean squared difference between predicted probabilities and the 0/1 labels.
double brier(const std::vector<double>& probabilities, const std::vector<int>& labels);

struct CalibrationBin {
  double lower = 0, upper = 0;
  std::size_t n = 0;
  double mean_predicted = 0, observed = 0;  ///< NaN for an empty bin
};
/// `bins` equal-width bins of [0, 1] (a probability of 1 falls in the last).
std::vector<CalibrationBin> calibration(const std::vector<double>& probabilities,
                                        const std::vector<int>& labels, std::size_t bins = 10);

}  // namespace fingen::eval
