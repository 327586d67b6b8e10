#include "fingen/data/csv.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::data {
namespace {

std::vector<std::vector<std::string>> all_rows(const CsvDocument& doc,
                                               std::vector<std::size_t>* lines = nullptr) {
  std::vector<std::vector<std::string>> out;
  CsvRow row;
  CsvCursor c = doc.rows();
  while (c.next(row)) {
    out.emplace_back(row.fields.begin(), row.fields.end());
    if (lines) lines->push_back(row.line);
  }
  return out;
}

TEST(Csv, DetectsDelimiters) {
  EXPECT_EQ(CsvDocument::from_string("a,b\n1,2\n", "t").delimiter(), ',');
  EXPECT_EQ(CsvDocument::from_string("a;b\n1,5;2,5\n", "t").delimiter(), ';');
  EXPECT_EQ(CsvDocument::from_string("a\tb\n1\t2\n", "t").delimiter(), '\t');
  EXPECT_EQ(CsvDocument::from_string("\"a;x\",b\n1,2\n", "t").delimiter(),
            ',');  // ';' inside quotes
  EXPECT_EQ(CsvDocument::from_string("a;b\n1;2\n", "t", CsvOptions{','}).header().size(), 1u);
}

TEST(Csv, QuotesEscapesBomCrlfAndBlankLines) {
  const auto doc = CsvDocument::from_string(
      "\xEF\xBB\xBF\"date\",\"name\"\r\n\r\n2020-01-02,\"say \"\"hi\"\"\"\r\n2020-01-03, plain "
      "\r\n",
      "t");
  EXPECT_EQ(doc.header(), (std::vector<std::string>{"date", "name"}));
  std::vector<std::size_t> lines;
  const auto rows = all_rows(doc, &lines);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "say \"hi\"");
  EXPECT_EQ(rows[1][1], "plain");
  EXPECT_EQ(lines, (std::vector<std::size_t>{3, 4}));
}

TEST(Csv, EmbeddedNewlineKeepsLineNumbersRight) {
  const auto doc = CsvDocument::from_string("a,b\n1,\"two\nlines\"\n3,4\n", "t");
  std::vector<std::size_t> lines;
  const auto rows = all_rows(doc, &lines);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "two\nlines");
  EXPECT_EQ(lines, (std::vector<std::size_t>{2, 4}));
}

TEST(Csv, TrailingDelimiterAndMissingFinalNewline) {
  const auto rows = all_rows(CsvDocument::from_string("a,b\n1,\n2,3", "t"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", ""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "3"}));
}

TEST(Csv, MalformedQuotesAreInputErrors) {
  test::expect_error([] { all_rows(CsvDocument::from_string("a,b\n1,\"open\n", "q.csv")); },
                     ErrorCategory::Input, {"q.csv:2", "never closed"});
  test::expect_error([] { all_rows(CsvDocument::from_string("a,b\n1,\"x\"y\n", "q.csv")); },
                     ErrorCategory::Input, {"q.csv:2", "after a closing quote"});
}

TEST(Csv, EmptyFileAndBadHeader) {
  test::expect_error([] { CsvDocument::from_string("", "e.csv"); }, ErrorCategory::Input,
                     {"e.csv", "empty"});
  test::expect_error([] { CsvDocument::from_string("\n\r\n", "e.csv"); }, ErrorCategory::Input,
                     {"empty"});
  test::expect_error([] { CsvDocument::from_string("a,,c\n", "h.csv"); }, ErrorCategory::Input,
                     {"h.csv:1", "header field 2"});
  test::expect_error([] { CsvDocument::from_string("a,A\n", "h.csv"); }, ErrorCategory::Input,
                     {"duplicate column"});
}

TEST(Csv, LoneCarriageReturnLineEndsAreNamed) {
  test::expect_error(
      [] { CsvDocument::from_string("date,x\r2020-01-02,1\r2020-01-03,2\r", "mac.csv"); },
      ErrorCategory::Input, {"mac.csv:1", "lone carriage return"});
  // A CR inside a quoted header field is data, and CRLF is fine.
  EXPECT_EQ(CsvDocument::from_string("\"a\rb\",c\r\n1,2\r\n", "t").header().size(), 2u);
}

TEST(Csv, FieldHelpers) {
  double x = 0;
  EXPECT_TRUE(parse_double("1.5e-3", x));
  EXPECT_DOUBLE_EQ(x, 1.5e-3);
  EXPECT_TRUE(parse_double("+2", x));
  EXPECT_EQ(x, 2.0);
  EXPECT_FALSE(parse_double("1.5x", x));
  EXPECT_FALSE(parse_double("", x));
  EXPECT_FALSE(parse_double("1,5", x));
  for (const char* m : {"", "NA", "NaN", "null", ".", "N/A"}) EXPECT_TRUE(is_missing_token(m)) << m;
  EXPECT_FALSE(is_missing_token("0"));
  EXPECT_EQ(CsvDocument::from_string("Date,Close\n", "t").find_column("CLOSE"), 1u);
}

}  // namespace
}  // namespace fingen::data
