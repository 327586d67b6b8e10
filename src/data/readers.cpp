#include "fingen/data/readers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace fingen::data {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<std::string>& index_names() {
  static const std::vector<std::string> names = {"date", "datetime",    "time", "timestamp",
                                                 "obs",  "observation", "index"};
  return names;
}

std::size_t find_index_column(const CsvDocument& doc, const std::string& wanted) {
  if (!wanted.empty()) {
    const std::size_t j = doc.find_column(wanted);
    if (j == std::string::npos)
      throw_input_error({doc.name(), doc.header_line(), {}},
                        fmt::format("index column '{}' not found; header has: {}", wanted,
                                    fmt::join(doc.header(), ", ")));
    return j;
  }
  for (const auto& name : index_names()) {
    const std::size_t j = doc.find_column(name);
    if (j != std::string::npos) return j;
  }
  return 0;
}

std::string shorten(std::string_view field) {
  if (field.size() <= 40) return std::string(field);
  return std::string(field.substr(0, 37)) + "...";
}

// Reads the index column and the given value columns into a panel, checking everything that does
// not depend on what the columns mean.
Panel read_columns(const CsvDocument& doc, std::size_t index_col,
                   const std::vector<std::size_t>& value_cols, std::vector<std::string> names,
                   ValueKind kind) {
  Panel panel;
  panel.source = doc.name();
  panel.values_kind = kind;
  panel.names = std::move(names);
  const std::size_t width = doc.header().size();
  std::vector<std::vector<double>> cols(value_cols.size());
  const std::size_t expected_rows = doc.estimated_rows();
  for (auto& c : cols) c.reserve(expected_rows);
  panel.index.reserve(expected_rows);

  const std::string index_header = to_lower(doc.header()[index_col]);
  bool kind_known = false;
  if (index_header == "obs" || index_header == "observation" || index_header == "index") {
    panel.kind = IndexKind::Observation;
    kind_known = true;
  }
  std::size_t prev_line = 0;
  CsvRow row;
  CsvCursor cursor = doc.rows();
  while (cursor.next(row)) {
    if (row.fields.size() != width)
      throw_input_error(
          {doc.name(), row.line, {}},
          fmt::format("expected {} fields as in the header, found {}", width, row.fields.size()));
    const std::string_view idx_text = row.fields[index_col];
    if (!kind_known) {
      const auto detected = detect_index_kind(idx_text);
      if (!detected)
        throw_input_error(doc.where(row.line, index_col),
                          fmt::format("expected a date (YYYY-MM-DD), a date-time (YYYY-MM-DD "
                                      "HH:MM:SS) or an observation number, found '{}'",
                                      shorten(idx_text)));
      panel.kind = *detected;
      kind_known = true;
    }
    const auto idx = parse_index(panel.kind, idx_text);
    if (!idx) {
      const char* expected = panel.kind == IndexKind::Date       ? "a date YYYY-MM-DD"
                             : panel.kind == IndexKind::DateTime ? "a date-time YYYY-MM-DD HH:MM:SS"
                                                                 : "an integer observation number";
      throw_input_error(doc.where(row.line, index_col),
                        fmt::format("expected {} (like the rows before), found '{}'", expected,
                                    shorten(idx_text)));
    }
    if (!panel.index.empty() && *idx <= panel.index.back()) {
      const bool dup = *idx == panel.index.back();
      throw_input_error(
          doc.where(row.line, index_col),
          dup ? fmt::format("duplicate {} {} (also on line {})", to_string(panel.kind),
                            format_index(panel.kind, *idx), prev_line)
              : fmt::format("{}s out of order: {} comes after {} (line {}); rows must be in "
                            "increasing order",
                            to_string(panel.kind), format_index(panel.kind, *idx),
                            format_index(panel.kind, panel.index.back()), prev_line));
    }
    panel.index.push_back(*idx);
    prev_line = row.line;
    for (std::size_t k = 0; k < value_cols.size(); ++k) {
      const std::string_view f = row.fields[value_cols[k]];
      double v = kNaN;
      if (!is_missing_token(f)) {
        if (!parse_double(f, v))
          throw_input_error(doc.where(row.line, value_cols[k]),
                            fmt::format("expected a number, found '{}'", shorten(f)));
        if (!std::isfinite(v))
          throw_input_error(doc.where(row.line, value_cols[k]),
                            fmt::format("expected a finite number, found '{}'", shorten(f)));
        if (kind == ValueKind::Prices && v <= 0.0)
          throw_input_error(doc.where(row.line, value_cols[k]),
                            fmt::format("expected a positive price, found {}", shorten(f)));
      }
      cols[k].push_back(v);
    }
  }
  if (panel.index.empty())
    throw_input_error({doc.name(), doc.header_line(), {}}, "no data rows after the header");
  const auto rows = static_cast<Eigen::Index>(panel.index.size());
  panel.values.resize(rows, static_cast<Eigen::Index>(cols.size()));
  for (std::size_t k = 0; k < cols.size(); ++k)
    panel.values.col(static_cast<Eigen::Index>(k)) =
        Eigen::Map<const Eigen::VectorXd>(cols[k].data(), rows);
  return panel;
}

}  // namespace

Panel read_panel(const std::string& path, const ReadOptions& options) {
  return read_panel(CsvDocument::open(path, CsvOptions{options.delimiter()}), options);
}

Panel read_panel(const CsvDocument& doc, const ReadOptions& options) {
  const std::size_t index_col = find_index_column(doc, options.index_column());
  std::vector<std::size_t> value_cols;
  std::vector<std::string> names;
  if (options.columns().empty()) {
    for (std::size_t j = 0; j < doc.header().size(); ++j)
      if (j != index_col) {
        value_cols.push_back(j);
        names.push_back(doc.header()[j]);
      }
  } else {
    for (const auto& want : options.columns()) {
      const std::size_t j = doc.find_column(want);
      if (j == std::string::npos || j == index_col)
        throw_input_error({doc.name(), doc.header_line(), {}},
                          fmt::format("missing required column '{}'; header has: {}", want,
                                      fmt::join(doc.header(), ", ")));
      value_cols.push_back(j);
      names.push_back(doc.header()[j]);
    }
  }
  if (value_cols.empty())
    throw_input_error({doc.name(), doc.header_line(), {}},
                      "expected at least one value column besides the index");
  return read_columns(doc, index_col, value_cols, std::move(names), options.values());
}

Panel read_ohlcv(const std::string& path, const ReadOptions& options) {
  return read_ohlcv(CsvDocument::open(path, CsvOptions{options.delimiter()}), options);
}

Panel read_ohlcv(const CsvDocument& doc, const ReadOptions& options) {
  const std::size_t index_col = find_index_column(doc, options.index_column());
  std::vector<std::size_t> value_cols;
  std::vector<std::string> names = ohlcv_columns();
  for (const auto& name : names) {
    const std::size_t j = doc.find_column(name);
    if (j == std::string::npos)
      throw_input_error({doc.name(), doc.header_line(), {}},
                        fmt::format("missing required column '{}'; an OHLCV file needs date, open, "
                                    "high, low, close, volume; header has: {}",
                                    name, fmt::join(doc.header(), ", ")));
    value_cols.push_back(j);
  }
  for (const char* alias : {"adjusted", "adjclose", "adj close", "adj_close", "adj.close"}) {
    const std::size_t j = doc.find_column(alias);
    if (j != std::string::npos) {
      value_cols.push_back(j);
      names.emplace_back("adjusted");
      break;
    }
  }
  // Volume may be zero: read everything as returns (no sign check) and check prices below.
  Panel p = read_columns(doc, index_col, value_cols, names, ValueKind::Returns);
  p.values_kind = ValueKind::Prices;
  // Line numbers for messages: re-walk the rows only when something is wrong (rare).
  auto fail_at_row = [&](Eigen::Index row, std::size_t col, const std::string& msg) {
    CsvCursor cursor = doc.rows();
    CsvRow r;
    for (Eigen::Index i = 0; i <= row; ++i) cursor.next(r);
    throw_input_error(doc.where(r.line, value_cols[col]), msg);
  };
  const std::size_t volume_col = 4;  // position in ohlcv_columns()
  for (Eigen::Index i = 0; i < p.values.rows(); ++i) {
    for (std::size_t k = 0; k < names.size(); ++k) {
      const double v = p.values(i, static_cast<Eigen::Index>(k));
      if (std::isnan(v)) continue;
      if (k == volume_col) {
        if (v < 0) fail_at_row(i, k, fmt::format("expected a volume >= 0, found {}", v));
      } else if (v <= 0) {
        fail_at_row(i, k, fmt::format("expected a positive price, found {}", v));
      }
    }
    const double high = p.values(i, 1), low = p.values(i, 2);
    if (high < low)
      fail_at_row(i, 1,
                  fmt::format("high {} is below low {} on {}", high, low,
                              format_index(p.kind, p.index[static_cast<std::size_t>(i)])));
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Labelled tables

std::size_t LabelledTable::positives() const noexcept {
  return static_cast<std::size_t>(std::count(label.begin(), label.end(), 1));
}

std::vector<std::string> LabelledTable::design_names() const {
  std::vector<std::string> names;
  for (const auto& f : features) {
    if (!f.categorical) {
      names.push_back(f.name);
    } else {
      for (const auto& level : f.levels) names.push_back(f.name + "=" + level);
    }
  }
  return names;
}

Eigen::MatrixXd LabelledTable::design_matrix() const {
  std::size_t cols = 0;
  for (const auto& f : features) cols += f.categorical ? f.levels.size() : 1;
  Eigen::MatrixXd x =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows()), static_cast<Eigen::Index>(cols));
  Eigen::Index c = 0;
  for (const auto& f : features) {
    if (!f.categorical) {
      x.col(c++) =
          Eigen::Map<const Eigen::VectorXd>(f.numeric.data(), static_cast<Eigen::Index>(rows()));
      continue;
    }
    for (std::size_t i = 0; i < f.codes.size(); ++i)
      if (f.codes[i] >= 0) x(static_cast<Eigen::Index>(i), c + f.codes[i]) = 1.0;
    c += static_cast<Eigen::Index>(f.levels.size());
  }
  return x;
}

LabelledTable read_labelled(const std::string& path, const TableOptions& options) {
  return read_labelled(CsvDocument::open(path, CsvOptions{options.delimiter()}), options);
}

namespace {
std::size_t find_label_column(const CsvDocument& doc) {
  for (const char* name : {"class", "label", "target", "y", "fraud", "is_fraud", "default"}) {
    const std::size_t j = doc.find_column(name);
    if (j != std::string::npos) return j;
  }
  return std::string::npos;
}
}  // namespace

namespace {
// The label column: the one named in the options, else the first with a recognised name.
std::size_t label_column_of(const CsvDocument& doc, const TableOptions& options) {
  const std::size_t label_col = options.label_column().empty()
                                    ? find_label_column(doc)
                                    : doc.find_column(options.label_column());
  if (label_col == std::string::npos)
    throw_input_error({doc.name(), doc.header_line(), {}},
                      options.label_column().empty()
                          ? fmt::format("missing required label column (class, label, target, y, "
                                        "fraud, is_fraud or default; or name the label column); "
                                        "header has: {}",
                                        fmt::join(doc.header(), ", "))
                          : fmt::format("missing required label column '{}'; header has: {}",
                                        options.label_column(), fmt::join(doc.header(), ", ")));
  return label_col;
}
}  // namespace

namespace {
// Every field as text, column by column, with each row's line number: one pass, so a column's
// type can be decided from all its values.
struct TextColumns {
  std::vector<std::vector<std::string>> text;
  std::vector<std::size_t> lines;
};

TextColumns read_text(const CsvDocument& doc, std::size_t label_col) {
  const std::size_t width = doc.header().size();
  TextColumns t;
  t.text.resize(width);
  CsvRow row;
  CsvCursor cursor = doc.rows();
  while (cursor.next(row)) {
    if (row.fields.size() != width)
      throw_input_error(
          {doc.name(), row.line, {}},
          fmt::format("expected {} fields as in the header, found {}", width, row.fields.size()));
    if (label_col != std::string::npos && is_missing_token(row.fields[label_col]))
      throw_input_error(doc.where(row.line, label_col), "the label is missing");
    for (std::size_t j = 0; j < width; ++j) t.text[j].emplace_back(row.fields[j]);
    t.lines.push_back(row.line);
  }
  if (t.lines.empty())
    throw_input_error({doc.name(), doc.header_line(), {}}, "no data rows after the header");
  return t;
}

// The label: exactly two distinct values; the positive class as given, else "1" of 0/1, else the
// rarer value. Fills the table's label, positive_class and negative_class.
void binary_label(const CsvDocument& doc, const TextColumns& t, std::size_t label_col,
                  const TableOptions& options, LabelledTable& table) {
  std::map<std::string, std::size_t> counts;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    const std::string& v = t.text[label_col][i];
    if (counts[v]++ == 0) {
      order.push_back(v);
      if (order.size() > 2)
        throw_input_error(doc.where(t.lines[i], label_col),
                          fmt::format("expected a binary label; found a third value '{}' after "
                                      "'{}' and '{}'",
                                      shorten(v), order[0], order[1]));
    }
  }
  if (order.size() < 2)
    throw_input_error(
        {doc.name(), 0, table.label_name},
        fmt::format("the label has a single value '{}': a binary label needs two", order[0]));
  std::string positive = options.positive();
  if (positive.empty()) {
    if (counts.count("0") && counts.count("1")) {
      positive = "1";
    } else {
      positive = counts[order[0]] <= counts[order[1]] ? order[0] : order[1];
    }
  } else if (!counts.count(positive)) {
    throw_input_error({doc.name(), 0, table.label_name},
                      fmt::format("positive class '{}' not found; the label's values are '{}' and "
                                  "'{}'",
                                  positive, order[0], order[1]));
  }
  table.positive_class = positive;
  table.negative_class = order[0] == positive ? order[1] : order[0];
  table.label.reserve(t.lines.size());
  for (const auto& v : t.text[label_col]) table.label.push_back(v == positive ? 1 : 0);
}

// Column j as a feature: numeric when every non-missing field parses, else categorical.
Feature feature_of(const CsvDocument& doc, const TextColumns& t, std::size_t j) {
  const std::vector<std::string>& text = t.text[j];
  const std::size_t n = t.lines.size();
  Feature f;
  f.name = doc.header()[j];
  f.numeric.resize(n, kNaN);
  bool numeric = true;
  std::size_t non_finite = n;  // first row with inf/nan spelled as a number
  for (std::size_t i = 0; i < n && numeric; ++i) {
    const std::string& v = text[i];
    if (is_missing_token(v)) continue;
    double x = 0;
    if (!parse_double(v, x))
      numeric = false;
    else if (!std::isfinite(x))
      non_finite = std::min(non_finite, i);
    else
      f.numeric[i] = x;
  }
  // A column of numbers with an "inf" among them is a numeric column with a bad value, not a
  // categorical one (non-finite numbers are refused, as in panels).
  if (numeric && non_finite < n)
    throw_input_error(
        doc.where(t.lines[non_finite], j),
        fmt::format("expected a finite number, found '{}'", shorten(text[non_finite])));
  if (numeric) return f;
  f.categorical = true;
  f.numeric.clear();
  std::map<std::string, int> level_of;
  f.codes.reserve(n);
  for (const auto& v : text) {
    if (is_missing_token(v)) {
      f.codes.push_back(-1);
      continue;
    }
    auto it = level_of.find(v);
    if (it == level_of.end()) {
      it = level_of.emplace(v, static_cast<int>(f.levels.size())).first;
      f.levels.push_back(v);
    }
    f.codes.push_back(it->second);
  }
  return f;
}
}  // namespace

LabelledTable read_labelled(const CsvDocument& doc, const TableOptions& options) {
  LabelledTable table;
  table.source = doc.name();
  if (options.label_optional()) {
    const std::size_t skip = options.label_column().empty()
                                 ? find_label_column(doc)
                                 : doc.find_column(options.label_column());
    if (skip != std::string::npos) table.label_name = doc.header()[skip];
    const TextColumns t = read_text(doc, skip);
    for (std::size_t j = 0; j < doc.header().size(); ++j)
      if (j != skip) table.features.push_back(feature_of(doc, t, j));
    return table;
  }
  const std::size_t label_col = label_column_of(doc, options);
  table.label_name = doc.header()[label_col];
  const TextColumns t = read_text(doc, label_col);
  binary_label(doc, t, label_col, options, table);
  for (std::size_t j = 0; j < doc.header().size(); ++j)
    if (j != label_col) table.features.push_back(feature_of(doc, t, j));
  return table;
}

const char* to_string(FileFormat format) noexcept {
  switch (format) {
    case FileFormat::Ohlcv:
      return "ohlcv";
    case FileFormat::Panel:
      return "panel";
    case FileFormat::Labelled:
      return "labelled";
  }
  return "unknown";
}

FileFormat detect_format(const CsvDocument& doc) {
  bool ohlc = true;
  for (const char* name : {"open", "high", "low", "close"})
    ohlc = ohlc && doc.find_column(name) != std::string::npos;
  if (ohlc) return FileFormat::Ohlcv;
  bool has_index = false;
  for (const auto& name : index_names())
    has_index = has_index || doc.find_column(name) != std::string::npos;
  if (!has_index && find_label_column(doc) != std::string::npos) return FileFormat::Labelled;
  return FileFormat::Panel;
}

}  // namespace fingen::data
