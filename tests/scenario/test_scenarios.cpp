#include "fingen/scenario/scenarios.hpp"
#include "fingen/scenario/train_log.hpp"

#include <cmath>
#include <limits>

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

// A .npy file with the given header shape text and `body` bytes of data (NumPy 1.0 layout).
std::string npy_bytes(const std::string& shape, std::size_t body, char major = 1) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out.push_back(major);
  out.push_back('\0');
  const std::size_t len_bytes = major == 1 ? 2 : 4;  // little-endian header length
  for (std::size_t i = 0; i < len_bytes; ++i)
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  return out + header + std::string(body, '\0');
}

// Shapes whose element count wraps around 2^64 to the real body size (8 KB, 32 KB) must not pass.
TEST(Npy, RefusesShapesWhoseSizeOverflows) {
  test::TempDir dir;
  const std::string a = dir.write("a.npy", npy_bytes("(1024, 18014398509481985, 1)", 8192));
  test::expect_error([&] { read_scenarios_npy(a); }, ErrorCategory::Input,
                     {"a.npy", "impossibly large"});
  const std::string b = dir.write("b.npy", npy_bytes("(16, 1152921504606847040, 1)", 8192));
  std::vector<double> data;
  test::expect_error([&] { read_npy(b, data); }, ErrorCategory::Input,
                     {"b.npy", "impossibly large"});
  const std::string c = dir.write("c.npy", npy_bytes("(200, 20, 576460752303423489)", 32000));
  test::expect_error([&] { read_scenarios_npy(c); }, ErrorCategory::Input,
                     {"c.npy", "impossibly large"});
  // A dimension with more digits than fit in 64 bits.
  const std::string d = dir.write("d.npy", npy_bytes("(100000000000000000000000, 1)", 8));
  test::expect_error([&] { read_npy(d, data); }, ErrorCategory::Input,
                     {"d.npy", "impossibly large"});
  // An empty array that declares two million series: refused before one name per series is made.
  const std::string e = dir.write("e.npy", npy_bytes("(0, 1, 2000000)", 0));
  test::expect_error([&] { read_scenarios_npy(e); }, ErrorCategory::Input,
                     {"e.npy", "2000000 series", "1000000"});
  // Truthful sizes still read.
  const std::string ok = dir.write("ok.npy", npy_bytes("(2, 2, 2)", 64));
  EXPECT_EQ(read_scenarios_npy(ok).data.size(), 8u);
}

TEST(Npy, ClearErrorsForVersionAndNonFiniteValues) {
  test::TempDir dir;
  const std::string v3 = dir.write("v3.npy", npy_bytes("(2, 2)", 32, 3));
  std::vector<double> data;
  test::expect_error([&] { read_npy(v3, data); }, ErrorCategory::Input,
                     {"v3.npy", "unsupported .npy format version 3"});
  const std::string v2 = dir.write("v2.npy", npy_bytes("(2, 2)", 32, 2));
  EXPECT_EQ(read_npy(v2, data), (std::vector<std::size_t>{2, 2}));
  Scenarios s(2, 3, 2);
  s.at(1, 2, 0) = std::numeric_limits<double>::quiet_NaN();
  write_npy(dir.file("nan.npy"), s);
  test::expect_error([&] { read_scenarios_npy(dir.file("nan.npy")); }, ErrorCategory::Input,
                     {"nan.npy", "path 2, step 3, series 1", "nan"});
}

TEST(Scenarios, RefusesAbsurdSizesWithoutAllocating) {
  EXPECT_EQ(Scenarios::value_count(2, 3, 4), 24u);
  const std::size_t big = std::size_t{1} << 32;
  test::expect_error([&] { Scenarios s(big, big, 1); }, ErrorCategory::Usage,
                     {"4294967296 paths x 4294967296 steps", "too many values"});
  test::expect_error([&] { Scenarios s(kMaxScenarioValues / 2 + 1, 2, 1); }, ErrorCategory::Usage,
                     {"too many values", "32 GB"});
}

TEST(TrainLog, RoundTripsAndNamesBadFields) {
  test::TempDir dir;
  const std::vector<scenario::TrainLogRow> rows = {{0, 0.69, 0.71, std::nan(""), -1, 0.01},
                                                   {50, 0.1 + 0.2, -1.5, 0.25, 0.0123, 2.5}};
  const std::string csv = scenario::train_log_csv(rows);
  EXPECT_EQ(csv,
            "step,d_loss,g_loss,wasserstein,validation,seconds\n"
            "0,0.69,0.71,,,0.01\n"
            "50,0.30000000000000004,-1.5,0.25,0.0123,2.5\n");
  const auto back = scenario::read_train_log(dir.write("log.csv", csv));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].step, 0);
  EXPECT_TRUE(std::isnan(back[0].wasserstein));
  EXPECT_EQ(back[0].validation, -1);
  EXPECT_EQ(back[1].step, 50);
  EXPECT_EQ(back[1].d_loss, 0.1 + 0.2);
  EXPECT_EQ(back[1].validation, 0.0123);
  test::expect_error(
      [&] {
        scenario::read_train_log(dir.write("b1.csv",
                                           "step,d_loss,g_loss,wasserstein,validation,seconds\n"
                                           "1,x,0,,,0\n"));
      },
      ErrorCategory::Input, {"b1.csv:2", "d_loss", "'x'"});
  test::expect_error(
      [&] {
        scenario::read_train_log(dir.write("b2.csv",
                                           "step,d_loss,g_loss,wasserstein,validation,seconds\n"
                                           "1.5,0,0,,,0\n"));
      },
      ErrorCategory::Input, {"b2.csv:2", "step"});
  test::expect_error([&] { scenario::read_train_log(dir.write("b3.csv", "step,d_loss\n1,2\n")); },
                     ErrorCategory::Input, {"b3.csv:1", "'g_loss'"});
  test::expect_error(
      [&] {
        scenario::read_train_log(dir.write("b4.csv",
                                           "step,d_loss,g_loss,wasserstein,validation,seconds\n"
                                           "1,0,0\n"));
      },
      ErrorCategory::Input, {"b4.csv:2", "3 fields"});
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
