#include "fingen/core/checked.hpp"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen {
namespace {

TEST(Checked, MultipliesAndAddsWithoutWrapping) {
  EXPECT_EQ(checked_mul<std::size_t>(3, 7, "x"), 21u);
  EXPECT_EQ(checked_mul<std::size_t>(0, std::numeric_limits<std::size_t>::max(), "x"), 0u);
  EXPECT_EQ(checked_add<std::size_t>(3, 7, "x"), 10u);
  const std::size_t big = std::size_t{1} << 32;
  test::expect_error([&] { checked_mul(big, big, "paths x horizon"); }, ErrorCategory::Usage,
                     {"paths x horizon", "4294967296 x 4294967296", "overflows"});
  test::expect_error(
      [&] {
        checked_add(std::numeric_limits<std::size_t>::max(), std::size_t{1}, "bytes",
                    ErrorCategory::Input);
      },
      ErrorCategory::Input, {"bytes", "overflows"});
  // Signed types too: no undefined behaviour on overflow.
  test::expect_error([&] { checked_mul<std::int32_t>(1 << 16, 1 << 16, "cells"); },
                     ErrorCategory::Usage, {"cells"});
}

}  // namespace
}  // namespace fingen
