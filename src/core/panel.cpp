#include "fingen/core/panel.hpp"

#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen {

std::size_t Panel::column(std::string_view name) const {
  for (std::size_t j = 0; j < names.size(); ++j)
    if (names[j] == name) return j;
  FG_FAIL(Usage, "{}no series named '{}'; available: {}",
          source.empty() ? std::string() : source + ": ", name, fmt::join(names, ", "));
}

std::size_t Panel::missing(std::size_t j) const {
  FG_REQUIRE(j < cols(), "column {} out of range ({} columns)", j, cols());
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < values.rows(); ++i)
    n += std::isnan(values(i, static_cast<Eigen::Index>(j)));
  return n;
}

Panel Panel::slice_rows(std::size_t begin, std::size_t end) const {
  FG_REQUIRE(begin <= end && end <= rows(), "row range [{}, {}) outside a panel of {} rows", begin,
             end, rows());
  Panel out;
  out.kind = kind;
  out.values_kind = values_kind;
  out.names = names;
  out.source = source;
  out.index.assign(index.begin() + static_cast<std::ptrdiff_t>(begin),
                   index.begin() + static_cast<std::ptrdiff_t>(end));
  out.values =
      values.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin));
  return out;
}

Panel Panel::select(const std::vector<std::size_t>& columns) const {
  Panel out;
  out.kind = kind;
  out.values_kind = values_kind;
  out.source = source;
  out.index = index;
  out.values.resize(values.rows(), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t k = 0; k < columns.size(); ++k) {
    FG_REQUIRE(columns[k] < cols(), "column {} out of range ({} columns)", columns[k], cols());
    out.names.push_back(names[columns[k]]);
    out.values.col(static_cast<Eigen::Index>(k)) =
        values.col(static_cast<Eigen::Index>(columns[k]));
  }
  return out;
}

void Panel::validate() const {
  FG_REQUIRE(static_cast<std::size_t>(values.rows()) == index.size() &&
                 static_cast<std::size_t>(values.cols()) == names.size(),
             "panel shape mismatch: {} index entries, {} names, values {}x{}", index.size(),
             names.size(), values.rows(), values.cols());
  for (std::size_t i = 1; i < index.size(); ++i)
    FG_REQUIRE(index[i] > index[i - 1],
               "panel index not strictly increasing at row {}: {} after {}", i,
               format_index(kind, index[i]), format_index(kind, index[i - 1]));
}

}  // namespace fingen
