#include "run_support.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/clean.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/version.hpp"

namespace fingen::cli {

Panel load_returns(const ReturnsSource& source) {
  const data::CsvDocument doc = data::CsvDocument::open(source.file);
  const ValueKind kind = source.returns ? ValueKind::Returns : ValueKind::Prices;
  const data::FileFormat format = data::detect_format(doc);
  FG_REQUIRE(format != data::FileFormat::Labelled,
             "{} is a labelled table (features and a class label), not a price or returns series",
             source.file);
  Panel p;
  if (format == data::FileFormat::Ohlcv) {
    p = data::read_ohlcv(doc, data::ReadOptions().values(kind));
    std::vector<std::string> want = source.series;
    if (want.empty())
      want = {std::find(p.names.begin(), p.names.end(), "adjusted") != p.names.end() ? "adjusted"
                                                                                     : "close"};
    std::vector<std::size_t> cols;
    for (const auto& name : want) cols.push_back(p.column(name));
    p = p.select(cols);
  } else {
    p = data::read_panel(doc, data::ReadOptions().values(kind).columns(source.series));
  }
  if (!source.returns) p = data::to_returns(p, data::parse_return_kind(source.return_kind));
  auto bound = [&](const std::string& text, const char* what) {
    const auto v = parse_index(p.kind, text);
    FG_REQUIRE(v.has_value(), "--{} '{}' is not a valid {} for {}", what, text, to_string(p.kind),
               source.file);
    return *v;
  };
  std::size_t begin = 0, end = p.rows();
  if (!source.start.empty())
    begin = static_cast<std::size_t>(
        std::lower_bound(p.index.begin(), p.index.end(), bound(source.start, "start")) -
        p.index.begin());
  if (!source.end.empty())
    end = static_cast<std::size_t>(
        std::upper_bound(p.index.begin(), p.index.end(), bound(source.end, "end")) -
        p.index.begin());
  FG_REQUIRE(begin < end, "no data between --start '{}' and --end '{}' in {}", source.start,
             source.end, source.file);
  p = p.slice_rows(begin, end);
  data::clean_missing(p, data::MissingPolicy::Drop);
  return p;
}

nlohmann::json describe_data(const ReturnsSource& source, const Panel& returns) {
  return {{"file", source.file},
          {"sha256", sha256_file(source.file)},
          {"values", source.returns ? "returns" : "prices"},
          {"return_kind", source.return_kind},
          {"rows", returns.rows()},
          {"first", format_index(returns.kind, returns.index.front())},
          {"last", format_index(returns.kind, returns.index.back())},
          {"series", returns.names}};
}

void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  nlohmann::json j{
      {"fingen_version", FINGEN_VERSION_STRING}, {"command", command}, {"created_utc", stamp}};
  j.update(sections);
  write_file_atomic(path, j.dump(2) + "\n");
}

std::string manifest_path_for(const std::string& output) {
  const std::size_t slash = output.find_last_of('/');
  const std::size_t dot = output.find_last_of('.');
  const std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                               ? output.substr(0, dot)
                               : output;
  return stem + ".manifest.json";
}

}  // namespace fingen::cli
