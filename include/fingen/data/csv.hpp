/// @file csv.hpp
/// @brief A fast, strict CSV tokenizer (RFC 4180 quoting) that keeps line numbers for messages.
///
/// Accepts comma, semicolon or tab separators (detected from the header line unless given), an
/// optional UTF-8 byte-order mark, CRLF or LF line ends, quoted fields with "" escapes and
/// embedded newlines. Blank lines are skipped. Unquoted fields are trimmed of surrounding spaces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fingen/core/error.hpp"

namespace fingen::data {

struct CsvOptions {
  char delimiter = 0;  ///< 0: detect from the header among ',', ';' and '\t'
};

/// One data row: its fields (valid until the next call to CsvCursor::next) and its line number.
struct CsvRow {
  std::vector<std::string_view> fields;
  std::size_t line = 0;
};

class CsvCursor;

/// A CSV file held in memory with its parsed header.
class CsvDocument {
 public:
  /// Reads `path`; throws Error(Io) if unreadable, Error(Input) if empty or the header is bad.
  static CsvDocument open(const std::string& path, const CsvOptions& options = {});
  /// Parses text held in memory; `name` stands for the file name in messages.
  static CsvDocument from_string(std::string text, std::string name,
                                 const CsvOptions& options = {});

  const std::string& name() const noexcept { return name_; }
  /// The file's bytes as read (for checksums).
  const std::string& text() const noexcept { return text_; }
  char delimiter() const noexcept { return delimiter_; }
  const std::vector<std::string>& header() const noexcept { return header_; }
  std::size_t header_line() const noexcept { return header_line_; }
  /// Position of a header name, compared case-insensitively; npos when absent.
  std::size_t find_column(std::string_view name) const noexcept;
  /// Location (file, line, column name) for error messages.
  InputLocation where(std::size_t line, std::size_t column) const;
  /// A cursor over the data rows.
  CsvCursor rows() const;
  /// Rough number of data rows (from the length of the first rows), for reserving memory.
  std::size_t estimated_rows() const noexcept;

 private:
  CsvDocument() = default;
  void parse_header(const CsvOptions& options);
  friend class CsvCursor;
  std::string name_;
  std::string text_;
  char delimiter_ = ',';
  std::vector<std::string> header_;
  std::size_t header_line_ = 1;
  std::size_t body_offset_ = 0;
  std::size_t body_line_ = 2;
};

/// Iterates over the data rows of a CsvDocument.
class CsvCursor {
 public:
  explicit CsvCursor(const CsvDocument& doc);
  /// Reads the next non-blank row; false at end of file. Throws Error(Input) on a malformed
  /// quoted field (unterminated, or text after the closing quote).
  bool next(CsvRow& row);

 private:
  friend class CsvDocument;
  struct Piece {
    bool in_scratch;
    std::size_t offset;
    std::size_t length;
  };
  const CsvDocument* doc_;
  std::size_t pos_;
  std::size_t line_;
  std::string scratch_;
  std::vector<Piece> pieces_;
};

/// True for the tokens read as a missing value: empty, NA, N/A, NaN, nan, null, NULL, ".".
bool is_missing_token(std::string_view field) noexcept;

/// Parses a whole field as a double (fast_float); false if any character is left over.
bool parse_double(std::string_view field, double& out) noexcept;

/// Lower-cases ASCII letters.
std::string to_lower(std::string_view text);

}  // namespace fingen::data
