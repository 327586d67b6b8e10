// Post-hoc score windowing (eval/posthoc.hpp): which real and synthetic windows are compared.
#include "fingen/eval/posthoc.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::eval {
namespace {

TEST(PosthocWindows, EveryRealWindowAndNonOverlappingPathWindows) {
  Panel real;
  real.kind = IndexKind::Observation;
  real.values_kind = ValueKind::Returns;
  real.names = {"a", "b"};
  real.values.resize(10, 2);
  for (Eigen::Index i = 0; i < 10; ++i) {
    real.values(i, 0) = static_cast<double>(i);
    real.values(i, 1) = 100.0 + static_cast<double>(i);
    real.index.push_back(i + 1);
  }
  Scenarios s(3, 9, 2);
  for (std::size_t i = 0; i < s.data.size(); ++i) s.data[i] = static_cast<double>(i);
  const auto [rw, sw] = posthoc_windows(real, s, 4);
  EXPECT_EQ(rw.count, 7u);  // 10 - 4 + 1, stride 1
  EXPECT_EQ(rw.length, 4u);
  EXPECT_EQ(rw.features, 2u);
  EXPECT_EQ(rw.data[2 * 4 * 2], 2.0);  // window 2 starts at row 2, asset a
  EXPECT_EQ(rw.data[2 * 4 * 2 + 1], 102.0);
  EXPECT_EQ(sw.count, 6u);  // 2 whole windows of 4 per path of 9 steps, 3 paths
  EXPECT_EQ(sw.data[1 * 4 * 2], s.at(0, 4, 0));  // second window of path 0 starts at step 4
  EXPECT_EQ(sw.data[2 * 4 * 2], s.at(1, 0, 0));
  test::expect_error([&] { posthoc_windows(real, s, 12); }, ErrorCategory::Usage, {"12 steps"});
}

}  // namespace
}  // namespace fingen::eval
