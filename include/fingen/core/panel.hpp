/// @file panel.hpp
/// @brief Panel: several aligned series on one time axis, the data type every module exchanges.
///
/// values is [time, series] in Eigen's column-major order, so each series is contiguous in memory.
/// A missing observation is a quiet NaN; the cleaning functions in fingen/data/clean.hpp remove or
/// fill them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/time.hpp"

namespace fingen {

/// What the numbers of a panel are.
enum class ValueKind { Prices, Returns };

struct Panel {
  IndexKind kind = IndexKind::Date;
  ValueKind values_kind = ValueKind::Prices;
  std::vector<std::int64_t> index;  ///< one entry per row, strictly increasing
  std::vector<std::string> names;   ///< one entry per column
  Eigen::MatrixXd values;           ///< [time, series]; NaN = missing
  std::string source;               ///< file the panel was read from (for messages), may be empty

  std::size_t rows() const noexcept { return index.size(); }
  std::size_t cols() const noexcept { return names.size(); }
  /// Column number of a series by exact name; throws Error(Usage) listing the names otherwise.
  std::size_t column(std::string_view name) const;
  /// Number of NaN entries in column j.
  std::size_t missing(std::size_t j) const;
  /// Rows [begin, end) as a new panel.
  Panel slice_rows(std::size_t begin, std::size_t end) const;
  /// The given columns, in the given order, as a new panel.
  Panel select(const std::vector<std::size_t>& columns) const;
  /// Checks the invariants (sizes agree, index strictly increasing); throws Error(Usage) if not.
  void validate() const;
};

}  // namespace fingen
