// Every kind of bad input named in the data layer's contract gives an Input error that names the
// file, the line, the column and what was expected.
#include <gtest/gtest.h>

#include "fingen/data/readers.hpp"
#include "test_util.hpp"

namespace fingen::data {
namespace {

const char* kHeader = "date,open,high,low,close,volume\n";
const char* kGood = "2020-01-02,10,11,9,10.5,100\n";

Panel ohlcv(const std::string& body) {
  test::TempDir dir;  // through a real file, as users do
  return read_ohlcv(dir.write("bad.csv", std::string(kHeader) + body));
}

TEST(Validation, UnparseableNumber) {
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,9,1O.5,100\n"); },
                     ErrorCategory::Input,
                     {"bad.csv:3", "column 'close'", "expected a number", "'1O.5'"});
}

TEST(Validation, NonFiniteNumber) {
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,9,inf,100\n"); },
                     ErrorCategory::Input, {"bad.csv:3", "column 'close'", "finite"});
}

TEST(Validation, UnparseableDate) {
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-02-30,10,11,9,10.5,100\n"); },
                     ErrorCategory::Input,
                     {"bad.csv:3", "column 'date'", "expected a date", "'2020-02-30'"});
  test::expect_error([] { ohlcv("01/02/2020,10,11,9,10.5,100\n"); }, ErrorCategory::Input,
                     {"bad.csv:2", "column 'date'", "'01/02/2020'"});
}

TEST(Validation, WrongColumnCount) {
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,9,10.5\n"); },
                     ErrorCategory::Input, {"bad.csv:3", "expected 6 fields", "found 5"});
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,9,10.5,100,7\n"); },
                     ErrorCategory::Input, {"bad.csv:3", "found 7"});
}

TEST(Validation, MissingRequiredColumn) {
  test::TempDir dir;
  const std::string p =
      dir.write("nolow.csv", "date,open,high,close,volume\n2020-01-02,1,2,1.5,3\n");
  test::expect_error([&] { read_ohlcv(p); }, ErrorCategory::Input,
                     {"nolow.csv:1", "missing required column 'low'"});
}

TEST(Validation, DatesOutOfOrder) {
  test::expect_error(
      [] {
        ohlcv(
            "2020-01-03,10,11,9,10.5,100\n2020-01-06,10,11,9,10.5,100\n2020-01-02,10,11,9,10.5,"
            "100\n");
      },
      ErrorCategory::Input,
      {"bad.csv:4", "column 'date'", "out of order", "2020-01-02 comes after 2020-01-06 (line 3)"});
}

TEST(Validation, DuplicatedDate) {
  test::expect_error([] { ohlcv(std::string(kGood) + kGood); }, ErrorCategory::Input,
                     {"bad.csv:3", "duplicate date 2020-01-02 (also on line 2)"});
}

TEST(Validation, NonPositivePrice) {
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,0,10.5,100\n"); },
                     ErrorCategory::Input, {"bad.csv:3", "column 'low'", "positive price"});
  test::expect_error([] { ohlcv(std::string(kGood) + "2020-01-03,10,11,9,10.5,-1\n"); },
                     ErrorCategory::Input, {"bad.csv:3", "column 'volume'", ">= 0"});
  test::TempDir dir;
  const std::string p = dir.write("panel.csv", "date,a,b\n2020-01-02,1,2\n2020-01-03,-1,2\n");
  test::expect_error([&] { read_panel(p); }, ErrorCategory::Input,
                     {"panel.csv:3", "column 'a'", "positive price"});
}

TEST(Validation, HighBelowLow) {
  test::expect_error(
      [] {
        ohlcv(std::string(kGood) + "2020-01-03,10,11,9,10.5,100\n" +
              "2020-01-06,10,8,9,10.5,100\n" + "2020-01-07,10,11,9,10.5,100\n");
      },
      ErrorCategory::Input, {"bad.csv:4", "column 'high'", "high 8 is below low 9 on 2020-01-06"});
}

TEST(Validation, EmptyFileAndHeaderOnly) {
  test::TempDir dir;
  const std::string empty = dir.write("empty.csv", "");
  test::expect_error([&] { read_ohlcv(empty); }, ErrorCategory::Input, {"empty.csv", "empty"});
  const std::string header = dir.write("header.csv", kHeader);
  test::expect_error([&] { read_ohlcv(header); }, ErrorCategory::Input,
                     {"header.csv:1", "no data rows"});
}

TEST(Validation, MissingFileIsAnIoError) {
  test::expect_error([] { read_panel("/nonexistent/x.csv"); }, ErrorCategory::Io,
                     {"/nonexistent/x.csv"});
}

TEST(Validation, IndexKindMustStayTheSame) {
  test::TempDir dir;
  const std::string p = dir.write("mix.csv", "date,a\n2020-01-02,1\n2020-01-03 10:00,2\n");
  test::expect_error([&] { read_panel(p); }, ErrorCategory::Input,
                     {"mix.csv:3", "expected a date YYYY-MM-DD"});
}

}  // namespace
}  // namespace fingen::data
