/// @file clean.hpp
/// @brief Missing values, outliers and calendar alignment of several series.
///
/// Outliers are found with the robust z-score z = (x - median) / (1.4826 * MAD), where MAD is the
/// median absolute deviation and 1.4826 = 1/Phi^{-1}(3/4) makes it consistent for the normal
/// standard deviation (Hampel 1974; Rousseeuw & Croux 1993). Apply it to returns, not prices.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "fingen/core/panel.hpp"

namespace fingen::data {

enum class MissingPolicy {
  Drop,         ///< drop every row with a missing value in any column
  ForwardFill,  ///< carry the last observed value forward (leading gaps stay missing, then dropped)
  Interpolate,  ///< linear interpolation in row position between observed neighbours
};
MissingPolicy parse_missing_policy(const std::string& text);

struct MissingReport {
  std::vector<std::size_t> missing;  ///< missing values per column before cleaning
  std::size_t filled = 0;            ///< values filled in
  std::size_t rows_dropped = 0;      ///< rows removed
};

/// Fills or drops missing values in place. `limit` caps how many consecutive values forward-fill
/// or interpolation may fill (0 = no cap); gaps longer than that are left missing and those rows
/// dropped, so the result has no NaN.
MissingReport clean_missing(Panel& panel, MissingPolicy policy, std::size_t limit = 0);

enum class OutlierAction {
  Report,     ///< only find them
  Winsorize,  ///< clip to median +- threshold * 1.4826 * MAD
  Drop,       ///< remove the rows that hold one
};
OutlierAction parse_outlier_action(const std::string& text);

struct Outlier {
  std::size_t row;
  std::size_t column;
  double value;
  double z;  ///< robust z-score
};

struct OutlierReport {
  double threshold = 0;
  std::vector<Outlier> outliers;
  std::size_t rows_dropped = 0;
};

/// Robust z-score of every value of one column (NaN stays NaN; a column with MAD = 0 gives z = 0
/// where x equals the median and +-inf elsewhere).
std::vector<double> robust_zscores(const double* x, std::size_t n);

/// Finds |z| > threshold in each column and acts on them in place.
OutlierReport treat_outliers(Panel& panel, double threshold, OutlierAction action);

enum class JoinPolicy {
  Inner,        ///< keep only the index values every input has
  ForwardFill,  ///< union of index values; each series carried forward at most `max_fill` rows
};
JoinPolicy parse_join_policy(const std::string& text);

/// Aligns several panels (same index kind) on one calendar; column names are kept, and must be
/// unique across the inputs. With ForwardFill, rows still missing after filling are dropped
/// (max_fill = 0 fills nothing). Missing values inside an input are filled the same way.
Panel align(const std::vector<Panel>& panels, JoinPolicy policy, std::size_t max_fill = 5);

}  // namespace fingen::data
