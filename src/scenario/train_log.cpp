#include "fingen/scenario/train_log.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/data/csv.hpp"

namespace fingen::scenario {

namespace {
constexpr std::array<const char*, 6> kColumns = {"step",        "d_loss",     "g_loss",
                                                 "wasserstein", "validation", "seconds"};
}  // namespace

std::string train_log_csv(const std::vector<TrainLogRow>& rows) {
  std::string csv = fmt::format("{}\n", fmt::join(kColumns, ","));
  for (const auto& r : rows)
    csv +=
        fmt::format("{},{},{},{},{},{}\n", r.step, r.d_loss, r.g_loss,
                    std::isnan(r.wasserstein) ? std::string() : fmt::format("{}", r.wasserstein),
                    r.validation < 0 ? std::string() : fmt::format("{}", r.validation), r.seconds);
  return csv;
}

std::vector<TrainLogRow> read_train_log(const std::string& path) {
  const data::CsvDocument doc = data::CsvDocument::open(path);
  std::array<std::size_t, kColumns.size()> at{};
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    at[c] = doc.find_column(kColumns[c]);
    if (at[c] == std::string::npos)
      throw_input_error(
          {path, doc.header_line(), {}},
          fmt::format("no column '{}' (expected {})", kColumns[c], fmt::join(kColumns, ",")));
  }
  std::vector<TrainLogRow> out;
  data::CsvRow row;
  data::CsvCursor cur = doc.rows();
  while (cur.next(row)) {
    if (row.fields.size() != doc.header().size())
      throw_input_error({path, row.line, {}}, fmt::format("{} fields, expected {}",
                                                          row.fields.size(), doc.header().size()));
    // Empty wasserstein/validation fields mean "none"; every other field must be a number.
    std::array<double, kColumns.size()> v{};
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      const std::string_view f = row.fields[at[c]];
      const bool optional = c == 3 || c == 4;
      if (optional && f.empty()) {
        v[c] = c == 3 ? std::nan("") : -1.0;
        continue;
      }
      if (!data::parse_double(f, v[c]))
        throw_input_error(doc.where(row.line, at[c]), fmt::format("not a number: '{}'", f));
    }
    if (!(v[0] >= 0 && v[0] < 9.2e18 && v[0] == std::floor(v[0])))
      throw_input_error(doc.where(row.line, at[0]),
                        fmt::format("not a step number: '{}'", row.fields[at[0]]));
    out.push_back({static_cast<std::int64_t>(v[0]), v[1], v[2], v[3], v[4], v[5]});
  }
  return out;
}

}  // namespace fingen::scenario
