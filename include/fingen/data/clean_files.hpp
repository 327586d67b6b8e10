/// @file clean_files.hpp
/// @brief `fingen data clean` as one library call: read one or more files, align them on one
/// calendar, fill or drop gaps, optionally turn prices into returns, find or treat outliers, and
/// write one clean CSV with a JSON report of everything done.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/panel.hpp"
#include "fingen/data/clean.hpp"

namespace fingen::data {

struct CleanRequest {
  std::vector<std::string> files;  ///< OHLCV or panel files; several OHLCV files: each one's close
  std::string out;                 ///< the clean CSV (written atomically); empty: write nothing
  std::string missing = "ffill";   ///< parse_missing_policy
  std::size_t limit = 0;           ///< longest gap to fill (0: no limit)
  std::string join = "inner";      ///< parse_join_policy (several files)
  std::size_t max_fill = 5;        ///< longest gap the ffill join fills
  std::string outliers = "none";   ///< none, or parse_outlier_action
  double threshold = 8.0;          ///< |robust z| above which a value is an outlier
  bool returns = false;            ///< the files hold returns already
  bool to_returns = false;         ///< convert prices to returns (after filling)
  std::string return_kind = "log";
  std::string report;  ///< the JSON report (optional)
};

struct CleanResult {
  Panel panel;  ///< what was written
  std::size_t aligned_rows = 0;
  MissingReport missing;
  bool converted = false;  ///< turned into returns
  std::size_t rows_after_conversion = 0;
  bool outliers_checked = false;
  OutlierReport outliers;
  std::vector<std::string> outlier_dates;  ///< the index of each outlier, as text
  nlohmann::json report;                   ///< the JSON report's content
};

/// Every option is checked (Error(Usage)) before any file is read; fewer than 2 rows left after
/// cleaning is Error(Input).
CleanResult clean_files(const CleanRequest& request);

}  // namespace fingen::data
