#include "fingen/core/time.hpp"

#include <charconv>

#include <fmt/format.h>

namespace fingen {

const char* to_string(IndexKind kind) noexcept {
  switch (kind) {
    case IndexKind::Date:
      return "date";
    case IndexKind::DateTime:
      return "datetime";
    case IndexKind::Observation:
      return "observation";
  }
  return "unknown";
}

// Days from civil: shift the year to start in March so the leap day is the last day of the year,
// then count 400-year eras (146097 days each) and days within the era.
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_era = y - era * 400;                          // [0, 399]
  const std::int64_t month_index = month > 2 ? month - 3 : month + 9;      // March = 0
  const std::int64_t day_of_year = (153 * month_index + 2) / 5 + day - 1;  // [0, 365]
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

namespace {

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29u : kDays[m - 1];
}

// Parses exactly `width` decimal digits at text[pos].
bool digits(std::string_view text, std::size_t pos, std::size_t width, unsigned& out) noexcept {
  if (pos + width > text.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

// "YYYY-MM-DD" prefix; returns days or nullopt.
std::optional<std::int64_t> parse_date_prefix(std::string_view t) noexcept {
  unsigned y = 0, m = 0, d = 0;
  if (t.size() < 10 || !digits(t, 0, 4, y) || !digits(t, 5, 2, m) || !digits(t, 8, 2, d))
    return std::nullopt;
  const char s1 = t[4], s2 = t[7];
  if (s1 != s2 || (s1 != '-' && s1 != '/')) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return days_from_civil(static_cast<int>(y), m, d);
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) noexcept {
  if (text.size() != 10) return std::nullopt;
  return parse_date_prefix(text);
}

std::optional<std::int64_t> parse_datetime(std::string_view t) noexcept {
  // YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS
  if (t.size() != 16 && t.size() != 19) return std::nullopt;
  const auto days = parse_date_prefix(t.substr(0, 10));
  if (!days || (t[10] != ' ' && t[10] != 'T') || t[13] != ':') return std::nullopt;
  unsigned hh = 0, mm = 0, ss = 0;
  if (!digits(t, 11, 2, hh) || !digits(t, 14, 2, mm)) return std::nullopt;
  if (t.size() == 19 && (t[16] != ':' || !digits(t, 17, 2, ss))) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return *days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::optional<std::int64_t> parse_observation(std::string_view text) noexcept {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_index(IndexKind kind, std::string_view text) noexcept {
  switch (kind) {
    case IndexKind::Date:
      return parse_date(text);
    case IndexKind::DateTime:
      return parse_datetime(text);
    case IndexKind::Observation:
      return parse_observation(text);
  }
  return std::nullopt;
}

std::optional<IndexKind> detect_index_kind(std::string_view text) noexcept {
  if (parse_date(text)) return IndexKind::Date;
  if (parse_datetime(text)) return IndexKind::DateTime;
  if (parse_observation(text)) return IndexKind::Observation;
  return std::nullopt;
}

std::string format_index(IndexKind kind, std::int64_t value) {
  switch (kind) {
    case IndexKind::Date: {
      const Civil c = civil_from_days(value);
      return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
    }
    case IndexKind::DateTime: {
      std::int64_t days = value / 86400;
      std::int64_t secs = value % 86400;
      if (secs < 0) {
        secs += 86400;
        --days;
      }
      const Civil c = civil_from_days(days);
      return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", c.year, c.month, c.day,
                         secs / 3600, (secs / 60) % 60, secs % 60);
    }
    case IndexKind::Observation:
      return fmt::format("{}", value);
  }
  return {};
}

}  // namespace fingen
