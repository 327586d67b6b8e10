#include "fingen/data/writers.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "fingen/core/io.hpp"

namespace fingen::data {

std::string to_csv(const Panel& panel) {
  panel.validate();
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  const char* index_name = panel.kind == IndexKind::Date       ? "date"
                           : panel.kind == IndexKind::DateTime ? "datetime"
                                                               : "obs";
  fmt::format_to(out, "{}", index_name);
  for (const auto& name : panel.names) {
    const bool quote = name.find_first_of(",;\"\t\n") != std::string::npos;
    if (!quote) {
      fmt::format_to(out, ",{}", name);
      continue;
    }
    std::string q;
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    fmt::format_to(out, ",\"{}\"", q);
  }
  buf.push_back('\n');
  for (std::size_t i = 0; i < panel.rows(); ++i) {
    fmt::format_to(out, "{}", format_index(panel.kind, panel.index[i]));
    for (Eigen::Index j = 0; j < panel.values.cols(); ++j) {
      const double v = panel.values(static_cast<Eigen::Index>(i), j);
      if (std::isnan(v))
        fmt::format_to(out, ",");
      else
        fmt::format_to(out, ",{}", v);
    }
    buf.push_back('\n');
  }
  return fmt::to_string(buf);
}

void write_csv(const std::string& path, const Panel& panel) {
  write_file_atomic(path, to_csv(panel));
}

}  // namespace fingen::data
