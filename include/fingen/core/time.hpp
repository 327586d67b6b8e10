/// @file time.hpp
/// @brief The time axis of a series: calendar dates, date-times, or plain observation numbers.
///
/// Dates are stored as days since 1970-01-01 (proleptic Gregorian calendar), date-times as seconds
/// since 1970-01-01 00:00:00 with no time zone (the files say local exchange time), observations as
/// the integer found in the file. Conversions use the days-from-civil algorithm described by
/// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fingen {

enum class IndexKind { Date, DateTime, Observation };

const char* to_string(IndexKind kind) noexcept;

/// Days since 1970-01-01 of a civil date. `month` is 1..12, `day` 1..31 (not validated here).
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept;

/// Parses "YYYY-MM-DD" (also "YYYY/MM/DD"); nullopt when malformed or not a real calendar date.
std::optional<std::int64_t> parse_date(std::string_view text) noexcept;

/// Parses "YYYY-MM-DD HH:MM[:SS]" (space or 'T' separator) into seconds since the epoch.
std::optional<std::int64_t> parse_datetime(std::string_view text) noexcept;

/// Parses an integer observation number.
std::optional<std::int64_t> parse_observation(std::string_view text) noexcept;

/// Parses `text` as an index value of the given kind.
std::optional<std::int64_t> parse_index(IndexKind kind, std::string_view text) noexcept;

/// Guesses the kind of an index value from its text: date, date-time or integer observation.
std::optional<IndexKind> detect_index_kind(std::string_view text) noexcept;

/// Formats an index value: "2020-04-17", "1996-04-01 00:30:00" or "1234".
std::string format_index(IndexKind kind, std::int64_t value);

}  // namespace fingen
