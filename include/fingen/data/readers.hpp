/// @file readers.hpp
/// @brief Readers for the three kinds of input fingen works on, with strict validation.
///
/// (a) OHLCV files: date,open,high,low,close,volume[,adjusted] in any column order, headers
///     compared case-insensitively ("adj close", "adj_close", "adjclose" name the adjusted close).
/// (b) Wide panels: an index column then one column per asset (prices or returns).
/// (c) Labelled tables: numeric and categorical features and a binary label (fraud, credit).
/// The index column holds ISO dates, ISO date-times or integer observation numbers. Every error
/// names the file, the line, the column and what was expected.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/data/csv.hpp"

namespace fingen::data {

struct ReadOptions {
  /// Field separator; 0 detects ',', ';' or tab from the header.
  FG_ARG(char, delimiter) = 0;
  /// Prices (checked > 0) or returns (any finite value).
  FG_ARG(ValueKind, values) = ValueKind::Prices;
  /// Name of the index column; empty: a column named date/datetime/time/timestamp/obs/index, else
  /// the first column.
  FG_ARG(std::string, index_column) = "";
  /// Panel only: the value columns to keep (default all).
  FG_ARG(std::vector<std::string>, columns) = {};
};

/// Canonical OHLCV column names, in the order read_ohlcv returns them.
inline const std::vector<std::string>& ohlcv_columns() {
  static const std::vector<std::string> names = {"open", "high", "low", "close", "volume"};
  return names;
}

/// Reads an OHLCV file into a panel with columns open, high, low, close, volume and, when present,
/// adjusted. Checks: required columns present, field counts, numbers, index order and uniqueness,
/// prices > 0, volume >= 0, high >= low.
Panel read_ohlcv(const std::string& path, const ReadOptions& options = {});
Panel read_ohlcv(const CsvDocument& doc, const ReadOptions& options = {});

/// Reads a wide panel: the index column and every other (or the selected) column as a series.
Panel read_panel(const std::string& path, const ReadOptions& options = {});
Panel read_panel(const CsvDocument& doc, const ReadOptions& options = {});

/// One feature column of a labelled table.
struct Feature {
  std::string name;
  bool categorical = false;
  std::vector<double> numeric;      ///< numeric columns: values, NaN = missing
  std::vector<int> codes;           ///< categorical columns: level index, -1 = missing
  std::vector<std::string> levels;  ///< categorical columns: level names in order of appearance
};

struct TableOptions {
  FG_ARG(char, delimiter) = 0;
  /// Label column; empty: the first of class/label/target/y/fraud/is_fraud/default (any case).
  FG_ARG(std::string, label_column) = "";
  /// Value of the label that marks the positive (rare, "bad", fraud) class; empty: "1" if the
  /// labels are 0/1, otherwise the less frequent of the two values.
  FG_ARG(std::string, positive) = "";
  /// For tables to be scored: the label column may be absent, and when present it is left out
  /// unread (the table's label stays empty, label_name names it).
  FG_ARG(bool, label_optional) = false;
};

/// A table of features and a binary label (1 = positive class).
struct LabelledTable {
  std::string source;
  std::vector<Feature> features;
  std::string label_name;
  std::string positive_class;
  std::string negative_class;
  std::vector<int> label;  ///< 1 = positive, 0 = negative

  std::size_t rows() const noexcept {
    if (!label.empty() || features.empty()) return label.size();
    const Feature& f = features.front();  // a table read with label_optional
    return f.categorical ? f.codes.size() : f.numeric.size();
  }
  std::size_t positives() const noexcept;
  /// Numeric features as they are and categorical ones one-hot encoded (one column per level,
  /// missing = all zeros). [rows, columns]
  Eigen::MatrixXd design_matrix() const;
  /// Column names of design_matrix(): "name" or "name=level".
  std::vector<std::string> design_names() const;
};

LabelledTable read_labelled(const std::string& path, const TableOptions& options = {});
LabelledTable read_labelled(const CsvDocument& doc, const TableOptions& options = {});

/// What a file looks like, from its header alone.
enum class FileFormat { Ohlcv, Panel, Labelled };
const char* to_string(FileFormat format) noexcept;
/// Ohlcv if the OHLC columns are present, Labelled if a label column is present and the first
/// column is not an index, Panel otherwise.
FileFormat detect_format(const CsvDocument& doc);

}  // namespace fingen::data
