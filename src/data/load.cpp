#include "fingen/data/load.hpp"

#include <algorithm>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/clean.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"

namespace fingen::data {

Panel load_returns(const ReturnsSource& source) {
  const CsvDocument doc = CsvDocument::open(source.file);
  const ValueKind kind = source.returns ? ValueKind::Returns : ValueKind::Prices;
  const FileFormat format = detect_format(doc);
  FG_REQUIRE(format != FileFormat::Labelled,
             "{} is a labelled table (features and a class label), not a price or returns series",
             source.file);
  Panel p;
  if (format == FileFormat::Ohlcv) {
    p = read_ohlcv(doc, ReadOptions().values(kind));
    std::vector<std::string> want = source.series;
    if (want.empty())
      want = {std::find(p.names.begin(), p.names.end(), "adjusted") != p.names.end() ? "adjusted"
                                                                                     : "close"};
    std::vector<std::size_t> cols;
    for (const auto& name : want) cols.push_back(p.column(name));
    p = p.select(cols);
  } else {
    p = read_panel(doc, ReadOptions().values(kind).columns(source.series));
  }
  if (!source.returns) p = to_returns(p, parse_return_kind(source.return_kind));
  p = trim_to_dates(p, source);
  clean_missing(p, MissingPolicy::Drop);
  return p;
}

std::size_t split_row(const Panel& p, const std::string& date, const std::string& what) {
  const auto ts = parse_index(p.kind, date);
  FG_REQUIRE(ts.has_value(), "{} '{}' is not a valid {}", what, date, to_string(p.kind));
  const auto row = static_cast<std::size_t>(std::lower_bound(p.index.begin(), p.index.end(), *ts) -
                                            p.index.begin());
  FG_REQUIRE(row > 0 && row < p.rows(), "{} {} leaves no training or no held-out data", what, date);
  return row;
}

Panel trim_to_dates(const Panel& p, const ReturnsSource& s) {
  auto bound = [&](const std::string& text, const char* what) {
    const auto v = parse_index(p.kind, text);
    FG_REQUIRE(v.has_value(), "{} date '{}' is not a valid {} for {}", what, text,
               to_string(p.kind), s.file);
    return *v;
  };
  std::size_t begin = 0, end = p.rows();
  if (!s.start.empty())
    begin = static_cast<std::size_t>(
        std::lower_bound(p.index.begin(), p.index.end(), bound(s.start, "start")) -
        p.index.begin());
  if (!s.end.empty())
    end = static_cast<std::size_t>(
        std::upper_bound(p.index.begin(), p.index.end(), bound(s.end, "end")) - p.index.begin());
  FG_REQUIRE(begin < end, "no data between the start '{}' and the end '{}' in {}", s.start, s.end,
             s.file);
  return p.slice_rows(begin, end);
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

}  // namespace fingen::data
