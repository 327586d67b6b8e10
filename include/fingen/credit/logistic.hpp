/// @file logistic.hpp
/// @brief Credit scoring by logistic regression: a labelled table's design matrix with R's
///        treatment contrasts, and the maximum-likelihood fit by iteratively reweighted least
///        squares as R's glm(family = binomial) computes it (optionally with an L2 penalty).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/options.hpp"
#include "fingen/data/readers.hpp"

namespace fingen::credit {

/// Numeric columns as they are; each categorical column as one 0/1 column per level except the
/// first in byte order (the reference level, as R's default treatment contrasts in the C
/// locale). Names "column" and "column=level". Rows with a missing value are refused
/// (Error(Input) naming the file, row and column).
struct Design {
  Eigen::MatrixXd x;  ///< [rows, columns], no intercept column
  std::vector<std::string> names;
  std::vector<int> y;  ///< 1 = positive class
  /// Per column: -1 for a numeric column, else the index of the feature of a one-hot column.
  std::vector<int> groups;
};
Design treatment_design(const data::LabelledTable& table);

struct LogisticOptions {
  /// L2 penalty lambda * sum(beta_j^2) / 2 on every coefficient but the intercept (0: glm).
  FG_ARG(double, l2) = 0.0;
  FG_ARG(int, max_iterations) = 25;  ///< glm.control's maxit
  FG_ARG(double, epsilon) = 1e-8;    ///< glm.control's epsilon: |dev - dev_old| / (|dev| + 0.1)
};

struct LogisticModel {
  std::vector<std::string> names;  ///< "(Intercept)" then the design's columns
  Eigen::VectorXd coef;            ///< NaN for aliased columns
  std::vector<bool> aliased;       ///< columns that are linear combinations of earlier ones
  double deviance = 0;
  int iterations = 0;
  bool converged = false;
  /// P(positive) of each row of a design matrix with the fitted columns.
  Eigen::VectorXd predict(const Eigen::MatrixXd& x) const;
};

/// The fit as glm.fit does it: start mu = (y + 1/2) / 2, IRLS steps solved by least squares on
/// the columns that are not aliased (a column whose residual norm after the earlier columns is
/// below 1e-9 of its own is aliased and gets NaN, as R's NA), until the relative change of the
/// deviance is below epsilon. Error(Input) for a label with one class only.
LogisticModel fit_logistic(const Eigen::MatrixXd& x, const std::vector<int>& y,
                           const std::vector<std::string>& names,
                           const LogisticOptions& options = {});

}  // namespace fingen::credit
