#include "fingen/scenario/scenarios.hpp"

#include <gtest/gtest.h>

#include "fingen/core/io.hpp"
#include "test_util.hpp"

namespace fingen {
namespace {

// tests/data/golden/numpy_2x3x4.npy is np.save of (arange(24).reshape(2,3,4) - 11.5) / 8
// (tests/data/golden/make_npy_golden.py, NumPy 1.24).
TEST(Npy, ReadsNumpysFileAndWritesTheSameBytes) {
  const std::string golden = test::test_data("golden/numpy_2x3x4.npy");
  const Scenarios s = read_scenarios_npy(golden);
  ASSERT_EQ(s.paths, 2u);
  ASSERT_EQ(s.horizon, 3u);
  ASSERT_EQ(s.assets, 4u);
  for (std::size_t i = 0; i < 24; ++i) EXPECT_EQ(s.data[i], (static_cast<double>(i) - 11.5) / 8.0);
  EXPECT_EQ(s.at(1, 2, 3), (23 - 11.5) / 8.0);
  test::TempDir dir;
  write_npy(dir.file("mine.npy"), s);
  EXPECT_EQ(read_file(dir.file("mine.npy")), read_file(golden));
}

TEST(Npy, OneAndTwoDimensions) {
  test::TempDir dir;
  const std::vector<double> v = {1.5, -2.0, 3.25};
  write_npy(dir.file("v.npy"), v.data(), {3});
  std::vector<double> back;
  EXPECT_EQ(read_npy(dir.file("v.npy"), back), (std::vector<std::size_t>{3}));
  EXPECT_EQ(back, v);
  write_npy(dir.file("m.npy"), v.data(), {1, 3});
  const Scenarios s = read_scenarios_npy(dir.file("m.npy"));
  EXPECT_EQ(s.paths, 1u);
  EXPECT_EQ(s.horizon, 3u);
  EXPECT_EQ(s.assets, 1u);
  test::expect_error([&] { read_scenarios_npy(dir.file("v.npy")); }, ErrorCategory::Input,
                     {"1 dimensions"});
}

TEST(Npy, RejectsForeignAndTruncatedFiles) {
  test::TempDir dir;
  const std::string not_npy = dir.write("x.npy", "hello world, not numpy");
  test::expect_error([&] { read_scenarios_npy(not_npy); }, ErrorCategory::Input,
                     {"x.npy", "magic"});
  std::string bytes = read_file(test::test_data("golden/numpy_2x3x4.npy"));
  const std::string cut = dir.write("cut.npy", bytes.substr(0, bytes.size() - 8));
  test::expect_error([&] { read_scenarios_npy(cut); }, ErrorCategory::Input,
                     {"cut.npy", "192 bytes", "184"});
  std::string f4 = bytes;
  f4.replace(f4.find("<f8"), 3, "<f4");
  const std::string wrong = dir.write("f4.npy", f4);
  test::expect_error([&] { read_scenarios_npy(wrong); }, ErrorCategory::Input,
                     {"f4.npy", "float64"});
}

TEST(ScenariosCsv, LongFormat) {
  Scenarios s(2, 2, 1);
  s.names = {"spx"};
  s.at(1, 1, 0) = 0.25;
  test::TempDir dir;
  write_scenarios_csv(dir.file("s.csv"), s);
  EXPECT_EQ(read_file(dir.file("s.csv")), "path,step,spx\n0,1,0\n0,2,0\n1,1,0\n1,2,0.25\n");
}

}  // namespace
}  // namespace fingen
