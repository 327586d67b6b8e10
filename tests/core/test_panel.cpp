#include "fingen/core/panel.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen {
namespace {

Panel small_panel() {
  Panel p;
  p.index = {1, 2, 3, 4};
  p.names = {"a", "b"};
  p.values.resize(4, 2);
  p.values << 1, 10, 2, std::numeric_limits<double>::quiet_NaN(), 3, 30, 4, 40;
  return p;
}

TEST(Panel, ColumnLookupAndMissing) {
  const Panel p = small_panel();
  EXPECT_EQ(p.column("b"), 1u);
  EXPECT_EQ(p.missing(0), 0u);
  EXPECT_EQ(p.missing(1), 1u);
  test::expect_error([&] { p.column("c"); }, ErrorCategory::Usage, {"'c'", "a, b"});
}

TEST(Panel, SliceAndSelect) {
  const Panel p = small_panel();
  const Panel s = p.slice_rows(1, 3);
  ASSERT_EQ(s.rows(), 2u);
  EXPECT_EQ(s.index.front(), 2);
  EXPECT_EQ(s.values(1, 1), 30);
  const Panel b = p.select({1});
  EXPECT_EQ(b.names, std::vector<std::string>{"b"});
  EXPECT_EQ(b.values(3, 0), 40);
  EXPECT_THROW(p.slice_rows(3, 5), Error);
}

TEST(Panel, ValidateRejectsUnorderedIndex) {
  Panel p = small_panel();
  p.index[2] = 2;
  test::expect_error([&] { p.validate(); }, ErrorCategory::Usage, {"strictly increasing"});
}

}  // namespace
}  // namespace fingen
