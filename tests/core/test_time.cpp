#include "fingen/core/time.hpp"

#include <gtest/gtest.h>

namespace fingen {
namespace {

TEST(Time, DaysFromCivilKnownValues) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);   // date -d 2000-03-01 +%s / 86400
  EXPECT_EQ(days_from_civil(2020, 4, 17), 18369);  // last S&P 500 row
  EXPECT_EQ(days_from_civil(1900, 3, 1), -25508);
}

TEST(Time, ParseDateRejectsImpossibleDates) {
  EXPECT_TRUE(parse_date("2020-02-29"));
  EXPECT_FALSE(parse_date("2021-02-29"));
  EXPECT_FALSE(parse_date("1900-02-29"));  // not a leap year
  EXPECT_TRUE(parse_date("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(parse_date("2020-13-01"));
  EXPECT_FALSE(parse_date("2020-00-10"));
  EXPECT_FALSE(parse_date("2020-1-10"));
  EXPECT_FALSE(parse_date("2020-01-10x"));
  EXPECT_FALSE(parse_date("2020-01/10"));
  EXPECT_EQ(parse_date("2020/01/10"), parse_date("2020-01-10"));
}

TEST(Time, ParseDateTime) {
  EXPECT_EQ(parse_datetime("1970-01-02 00:30:00"), 86400 + 1800);
  EXPECT_EQ(parse_datetime("1970-01-02T00:30"), 86400 + 1800);
  EXPECT_FALSE(parse_datetime("1970-01-02 24:00:00"));
  EXPECT_FALSE(parse_datetime("1970-01-02 10:60"));
  EXPECT_FALSE(parse_datetime("1970-01-02"));
}

TEST(Time, DetectKind) {
  EXPECT_EQ(detect_index_kind("2001-09-11"), IndexKind::Date);
  EXPECT_EQ(detect_index_kind("1996-04-01 00:30:00"), IndexKind::DateTime);
  EXPECT_EQ(detect_index_kind("9574"), IndexKind::Observation);
  EXPECT_FALSE(detect_index_kind("yesterday"));
}

TEST(Time, FormatRoundTripsOverFourCenturies) {
  for (std::int64_t d = days_from_civil(1800, 1, 1); d < days_from_civil(2200, 1, 1); d += 7) {
    const std::string s = format_index(IndexKind::Date, d);
    ASSERT_EQ(parse_date(s), d) << s;
  }
  EXPECT_EQ(format_index(IndexKind::DateTime, 86400 + 1800 + 7), "1970-01-02 00:30:07");
  EXPECT_EQ(format_index(IndexKind::DateTime, -1), "1969-12-31 23:59:59");
  EXPECT_EQ(format_index(IndexKind::Observation, 42), "42");
}

}  // namespace
}  // namespace fingen
