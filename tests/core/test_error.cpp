#include "fingen/core/error.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen {
namespace {

int checked_sqrt_arg(int x) {
  FG_REQUIRE(x >= 0, "x must be non-negative, got {}", x);
  return x;
}

TEST(Error, RequireThrowsUsageWithFormattedMessage) {
  EXPECT_EQ(checked_sqrt_arg(4), 4);
  test::expect_error([] { checked_sqrt_arg(-3); }, ErrorCategory::Usage,
                     {"x must be non-negative, got -3"});
}

TEST(Error, InputErrorNamesFileLineAndColumn) {
  EXPECT_EQ(format_input_error({"prices.csv", 12, "close"}, "expected a number, found 'abc'"),
            "prices.csv:12: column 'close': expected a number, found 'abc'");
  EXPECT_EQ(format_input_error({"prices.csv", 0, ""}, "the file is empty"),
            "prices.csv: the file is empty");
  test::expect_error(
      [] {
        throw_input_error({"a.csv", 3, "x"}, "bad");
      },
      ErrorCategory::Input, {"a.csv:3: column 'x': bad"});
}

TEST(Error, CategoryNames) {
  EXPECT_STREQ(to_string(ErrorCategory::Usage), "usage");
  EXPECT_STREQ(to_string(ErrorCategory::Numeric), "numeric");
}

}  // namespace
}  // namespace fingen
