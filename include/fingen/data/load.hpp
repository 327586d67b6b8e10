/// @file load.hpp
/// @brief Returns of the series of a data file, trimmed to a date range: what every command that
///        fits, evaluates or backtests starts from.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/panel.hpp"

namespace fingen::data {

struct ReturnsSource {
  std::string file;
  std::vector<std::string> series;  ///< empty: OHLCV adjusted (or close), panel all columns
  bool returns = false;             ///< the file holds returns already
  std::string return_kind = "log";
  std::string start;  ///< first index value to use (inclusive), empty = from the start
  std::string end;    ///< last index value to use (inclusive), empty = to the end
};

/// Reads, selects, converts to returns and trims to [start, end]; rows with a missing return are
/// dropped. Throws fingen::Error naming the file for anything wrong.
Panel load_returns(const ReturnsSource& source);

/// The rows of `p` in [source.start, source.end] (index text of the panel's kind; empty: open).
/// Error(Usage) naming the file for text that is no index, or a range with no row.
Panel trim_to_dates(const Panel& p, const ReturnsSource& source);

/// The first row of `returns` on or after `date` (text in the panel's index kind), which must
/// leave at least one row before and one from it: the train/test split of `evaluate` and `run`.
/// Error(Usage) naming `what` (e.g. "split.test_start") otherwise.
std::size_t split_row(const Panel& returns, const std::string& date, const std::string& what);

/// What a manifest records of the data: {"file", "sha256", "values" (returns or prices),
/// "return_kind", "rows", "first", "last", "series"} of what load_returns(source) produced.
nlohmann::json describe_data(const ReturnsSource& source, const Panel& returns);

}  // namespace fingen::data
