#include "fingen/data/csv.hpp"

#include <algorithm>
#include <cstring>

#include <fast_float/fast_float.h>

#include "fingen/core/io.hpp"

namespace fingen::data {

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_missing_token(std::string_view f) noexcept {
  // Hot path: called for every numeric field, so compare characters, not strings.
  switch (f.size()) {
    case 0:
      return true;
    case 1:
      return f[0] == '.';
    case 2:
      return f[0] == 'N' && f[1] == 'A';
    case 3:
      return (f[0] == 'N' && f[1] == 'a' && f[2] == 'N') ||
             (f[0] == 'n' && f[1] == 'a' && f[2] == 'n') ||
             (f[0] == 'N' && f[1] == 'A' && f[2] == 'N') ||
             (f[0] == 'N' && f[1] == '/' && f[2] == 'A');
    case 4:
      return (f[0] == 'n' && f[1] == 'u' && f[2] == 'l' && f[3] == 'l') ||
             (f[0] == 'N' && f[1] == 'U' && f[2] == 'L' && f[3] == 'L');
    default:
      return false;
  }
}

bool parse_double(std::string_view f, double& out) noexcept {
  if (f.empty()) return false;
  const char* first = f.data();
  const char* last = f.data() + f.size();
  if (*first == '+') ++first;  // fast_float rejects a leading '+', spreadsheets write it
  const auto res = fast_float::from_chars(first, last, out);
  return res.ec == std::errc() && res.ptr == last;
}

CsvDocument CsvDocument::open(const std::string& path, const CsvOptions& options) {
  CsvDocument doc;
  doc.name_ = path;
  doc.text_ = read_file(path);
  doc.parse_header(options);
  return doc;
}

CsvDocument CsvDocument::from_string(std::string text, std::string name,
                                     const CsvOptions& options) {
  CsvDocument doc;
  doc.name_ = std::move(name);
  doc.text_ = std::move(text);
  doc.parse_header(options);
  return doc;
}

std::size_t CsvDocument::find_column(std::string_view name) const noexcept {
  const std::string want = to_lower(name);
  for (std::size_t j = 0; j < header_.size(); ++j)
    if (to_lower(header_[j]) == want) return j;
  return std::string::npos;
}

InputLocation CsvDocument::where(std::size_t line, std::size_t column) const {
  InputLocation loc{name_, line, {}};
  if (column < header_.size()) loc.column = header_[column];
  return loc;
}

CsvCursor CsvDocument::rows() const {
  return CsvCursor(*this);
}

std::size_t CsvDocument::estimated_rows() const noexcept {
  const std::size_t body = text_.size() - std::min(text_.size(), body_offset_);
  const std::size_t sample = std::min<std::size_t>(body, 64 * 1024);
  const auto lines = static_cast<std::size_t>(
      std::count(text_.begin() + static_cast<std::ptrdiff_t>(body_offset_),
                 text_.begin() + static_cast<std::ptrdiff_t>(body_offset_ + sample), '\n'));
  if (lines == 0) return 1;
  return std::min<std::size_t>(body / (sample / lines) + 16, std::size_t{1} << 28);
}

void CsvDocument::parse_header(const CsvOptions& options) {
  static constexpr char kBom[] = "\xEF\xBB\xBF";
  std::size_t pos = text_.compare(0, 3, kBom) == 0 ? 3 : 0;
  std::size_t line = 1;
  // Skip blank lines before the header.
  while (pos < text_.size() && (text_[pos] == '\n' || text_[pos] == '\r')) {
    if (text_[pos] == '\n') ++line;
    ++pos;
  }
  if (pos >= text_.size()) throw_input_error({name_, 0, {}}, "the file is empty (no header line)");
  {
    // Lines ended by a lone CR (classic Mac OS) would make the whole file one header line and
    // surface as "duplicate column name"; detect them on the header line (outside quotes).
    bool quoted = false;
    for (std::size_t i = pos; i < text_.size() && (quoted || text_[i] != '\n'); ++i) {
      if (text_[i] == '"') quoted = !quoted;
      if (!quoted && text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] != '\n' &&
          text_[i + 1] != '\r')
        throw_input_error({name_, line, {}},
                          "lines end with a lone carriage return (CR, old Mac line ends); convert "
                          "the file to LF or CRLF line ends");
    }
  }
  if (options.delimiter != 0) {
    FG_REQUIRE(options.delimiter == ',' || options.delimiter == ';' || options.delimiter == '\t' ||
                   options.delimiter == '|',
               "unsupported delimiter '{}': use ',', ';', '|' or tab", options.delimiter);
    delimiter_ = options.delimiter;
  } else {
    // Count candidate separators outside quotes on the header line.
    std::size_t commas = 0, semis = 0, tabs = 0;
    bool quoted = false;
    for (std::size_t i = pos; i < text_.size() && (quoted || text_[i] != '\n'); ++i) {
      const char c = text_[i];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      commas += c == ',';
      semis += c == ';';
      tabs += c == '\t';
    }
    delimiter_ = ',';
    if (semis > commas && semis >= tabs) delimiter_ = ';';
    if (tabs > commas && tabs > semis) delimiter_ = '\t';
  }
  header_line_ = line;
  body_offset_ = pos;
  body_line_ = line;
  CsvCursor cursor(*this);
  CsvRow row;
  cursor.next(row);
  for (std::size_t j = 0; j < row.fields.size(); ++j) {
    if (row.fields[j].empty())
      throw_input_error({name_, row.line, {}}, fmt::format("header field {} is empty", j + 1));
    header_.emplace_back(row.fields[j]);
  }
  for (std::size_t j = 0; j < header_.size(); ++j)
    for (std::size_t k = 0; k < j; ++k)
      if (to_lower(header_[j]) == to_lower(header_[k]))
        throw_input_error({name_, row.line, header_[j]},
                          fmt::format("duplicate column name (also column {})", k + 1));
  body_offset_ = cursor.pos_;
  body_line_ = cursor.line_;
}

CsvCursor::CsvCursor(const CsvDocument& doc)
    : doc_(&doc), pos_(doc.body_offset_), line_(doc.body_line_) {}

// One function on purpose (about 115 lines): the record scanner is a single state machine over
// the bytes (quoted fields, escaped quotes, embedded newlines, CR/LF, the unquoted fast path);
// split into helpers it would pass that state around on every byte of a million-row file.
bool CsvCursor::next(CsvRow& row) {
  const std::string& t = doc_->text_;
  const std::size_t n = t.size();
  const char delim = doc_->delimiter_;
  // Skip blank lines.
  while (pos_ < n && (t[pos_] == '\n' || t[pos_] == '\r')) {
    if (t[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  row.line = line_;
  pieces_.clear();
  scratch_.clear();
  {
    // Fast path for the common line without quotes: find its end and split it with memchr.
    const char* base = t.data();
    const char* eol = static_cast<const char*>(std::memchr(base + pos_, '\n', n - pos_));
    const std::size_t end = eol ? static_cast<std::size_t>(eol - base) : n;
    if (!std::memchr(base + pos_, '"', end - pos_)) {
      std::size_t start = pos_;
      for (;;) {
        const char* d = static_cast<const char*>(std::memchr(base + start, delim, end - start));
        const std::size_t stop = d ? static_cast<std::size_t>(d - base) : end;
        std::size_t a = start, b = stop;
        while (b > a && (base[b - 1] == '\r' || base[b - 1] == ' ')) --b;
        while (a < b && base[a] == ' ') ++a;
        pieces_.push_back({false, a, b - a});
        if (!d) break;
        start = stop + 1;
      }
      pos_ = end < n ? end + 1 : n;
      if (end < n) ++line_;
      row.fields.resize(pieces_.size());
      for (std::size_t i = 0; i < pieces_.size(); ++i)
        row.fields[i] = std::string_view(base + pieces_[i].offset, pieces_[i].length);
      return true;
    }
  }
  for (;;) {
    if (t[pos_] == '"') {
      // Quoted field: up to the closing quote; "" stands for one quote.
      const std::size_t open_line = line_;
      std::size_t start = ++pos_;
      bool escaped = false;
      std::size_t close = std::string::npos;
      while (pos_ < n) {
        const char* q = static_cast<const char*>(std::memchr(t.data() + pos_, '"', n - pos_));
        const std::size_t qi = q ? static_cast<std::size_t>(q - t.data()) : n;
        line_ +=
            static_cast<std::size_t>(std::count(t.begin() + static_cast<std::ptrdiff_t>(pos_),
                                                t.begin() + static_cast<std::ptrdiff_t>(qi), '\n'));
        if (!q) break;
        if (qi + 1 < n && t[qi + 1] == '"') {
          escaped = true;
          pos_ = qi + 2;
          continue;
        }
        close = qi;
        pos_ = qi + 1;
        break;
      }
      if (close == std::string::npos)
        throw_input_error(
            {doc_->name_, open_line, {}},
            fmt::format("field {} opens a quote that is never closed", pieces_.size() + 1));
      if (escaped) {
        const std::size_t off = scratch_.size();
        for (std::size_t i = start; i < close; ++i) {
          scratch_ += t[i];
          if (t[i] == '"') ++i;  // skip the second quote of ""
        }
        pieces_.push_back({true, off, scratch_.size() - off});
      } else {
        pieces_.push_back({false, start, close - start});
      }
      // After a closing quote: optional spaces/CR, then a delimiter, end of line or end of file.
      while (pos_ < n && (t[pos_] == ' ' || t[pos_] == '\r')) ++pos_;
      if (pos_ < n && t[pos_] != delim && t[pos_] != '\n')
        throw_input_error({doc_->name_, line_, {}},
                          fmt::format("field {}: unexpected character '{}' after a closing quote",
                                      pieces_.size(), t[pos_]));
    } else {
      std::size_t start = pos_;
      while (pos_ < n && t[pos_] != delim && t[pos_] != '\n') ++pos_;
      std::size_t end = pos_;
      while (end > start && (t[end - 1] == '\r' || t[end - 1] == ' ')) --end;
      while (start < end && t[start] == ' ') ++start;
      pieces_.push_back({false, start, end - start});
    }
    if (pos_ >= n) break;
    if (t[pos_] == delim) {
      ++pos_;
      if (pos_ >= n || t[pos_] == '\n' || t[pos_] == '\r') {
        // A trailing delimiter means one more, empty, field.
        pieces_.push_back({false, pos_, 0});
        while (pos_ < n && t[pos_] == '\r') ++pos_;
        if (pos_ < n) {
          ++pos_;
          ++line_;
        }
        break;
      }
      continue;
    }
    // t[pos_] == '\n'
    ++pos_;
    ++line_;
    break;
  }
  row.fields.resize(pieces_.size());
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    const Piece& p = pieces_[i];
    row.fields[i] = p.in_scratch ? std::string_view(scratch_).substr(p.offset, p.length)
                                 : std::string_view(t).substr(p.offset, p.length);
  }
  return true;
}

}  // namespace fingen::data
