#include "fingen/data/clean.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include <gtest/gtest.h>

#include "fingen/data/readers.hpp"
#include "test_util.hpp"

namespace fingen::data {
namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

Panel gappy() {
  Panel p;
  p.index = {1, 2, 3, 4, 5};
  p.names = {"a", "b"};
  p.values.resize(5, 2);
  p.values << 1, NaN,  //
      NaN, 2,          //
      NaN, 3,          //
      4, 4,            //
      NaN, 5;
  return p;
}

TEST(CleanMissing, ForwardFill) {
  Panel p = gappy();
  const MissingReport r = clean_missing(p, MissingPolicy::ForwardFill);
  EXPECT_EQ(r.missing, (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(r.filled, 3u);
  EXPECT_EQ(r.rows_dropped, 1u);  // b has nothing to carry into row 1
  EXPECT_EQ(p.index, (std::vector<std::int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(p.values.col(0), Eigen::Vector4d(1, 1, 4, 4));
}

TEST(CleanMissing, ForwardFillWithLimit) {
  Panel p = gappy();
  const MissingReport r = clean_missing(p, MissingPolicy::ForwardFill, 1);
  EXPECT_EQ(r.filled, 2u);
  EXPECT_EQ(r.rows_dropped, 2u);
  EXPECT_EQ(p.index, (std::vector<std::int64_t>{2, 4, 5}));
}

TEST(CleanMissing, LinearInterpolation) {
  Panel p = gappy();
  const MissingReport r = clean_missing(p, MissingPolicy::Interpolate);
  EXPECT_EQ(r.filled, 2u);  // the trailing gap has no right neighbour
  EXPECT_EQ(p.index, (std::vector<std::int64_t>{2, 3, 4}));
  EXPECT_DOUBLE_EQ(p.values(0, 0), 2.0);
  EXPECT_DOUBLE_EQ(p.values(1, 0), 3.0);
}

TEST(CleanMissing, Drop) {
  Panel p = gappy();
  const MissingReport r = clean_missing(p, MissingPolicy::Drop);
  EXPECT_EQ(r.filled, 0u);
  EXPECT_EQ(r.rows_dropped, 4u);
  EXPECT_EQ(p.index, (std::vector<std::int64_t>{4}));
  EXPECT_THROW(parse_missing_policy("mean"), Error);
}

Panel returns_with_spike() {
  Panel p;
  p.values_kind = ValueKind::Returns;
  p.index = {1, 2, 3, 4, 5, 6};
  p.names = {"r"};
  p.values.resize(6, 1);
  p.values << 0.01, -0.01, 0.02, -0.02, 0.0, 0.5;
  return p;
}

// By hand: median 0.005, |x - median| sorted 0.005 0.005 0.015 0.015 0.025 0.495, MAD 0.015,
// scale 1.4826 * 0.015 = 0.022239, z(0.5) = 0.495 / 0.022239.
TEST(Outliers, RobustZScore) {
  Panel p = returns_with_spike();
  const OutlierReport r = treat_outliers(p, 5.0, OutlierAction::Report);
  ASSERT_EQ(r.outliers.size(), 1u);
  EXPECT_EQ(r.outliers[0].row, 5u);
  EXPECT_NEAR(r.outliers[0].z, 0.495 / (1.4826 * 0.015), 1e-9);
  EXPECT_EQ(p.values(5, 0), 0.5);  // report only
}

TEST(Outliers, WinsorizeAndDrop) {
  Panel w = returns_with_spike();
  treat_outliers(w, 5.0, OutlierAction::Winsorize);
  EXPECT_NEAR(w.values(5, 0), 0.005 + 5.0 * 1.4826 * 0.015, 1e-12);
  EXPECT_EQ(w.rows(), 6u);
  Panel d = returns_with_spike();
  const OutlierReport r = treat_outliers(d, 5.0, OutlierAction::Drop);
  EXPECT_EQ(r.rows_dropped, 1u);
  EXPECT_EQ(d.index.back(), 5);
  EXPECT_THROW(treat_outliers(d, -1.0, OutlierAction::Drop), Error);
}

Panel series(const std::string& name, std::vector<std::int64_t> idx, std::vector<double> v) {
  Panel p;
  p.index = std::move(idx);
  p.names = {name};
  p.values = Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  p.source = name + ".csv";
  return p;
}

TEST(Align, InnerJoin) {
  const Panel a = series("a", {1, 2, 3, 5}, {1, 2, 3, 5});
  const Panel b = series("b", {2, 3, 4, 5}, {20, 30, 40, 50});
  const Panel j = align({a, b}, JoinPolicy::Inner);
  EXPECT_EQ(j.index, (std::vector<std::int64_t>{2, 3, 5}));
  EXPECT_EQ(j.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(j.values(2, 1), 50);
}

TEST(Align, ForwardFillUpToK) {
  const Panel a = series("a", {1, 2, 3, 6}, {1, 2, 3, 6});
  const Panel b = series("b", {2, 3, 4, 5, 6}, {20, 30, 40, 50, 60});
  // Union 1..6; a misses 4 and 5: filled from 3 when k >= 2; b misses 1: nothing to carry.
  const Panel k2 = align({a, b}, JoinPolicy::ForwardFill, 2);
  EXPECT_EQ(k2.index, (std::vector<std::int64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(k2.values(3, 0), 3);
  const Panel k1 = align({a, b}, JoinPolicy::ForwardFill, 1);
  EXPECT_EQ(k1.index, (std::vector<std::int64_t>{2, 3, 4, 6}));
}

TEST(Align, RejectsMismatchedInputs) {
  Panel a = series("a", {1, 2}, {1, 2});
  Panel b = series("a", {1, 2}, {1, 2});
  test::expect_error(
      [&] {
        align({a, b}, JoinPolicy::Inner);
      },
      ErrorCategory::Usage, {"'a'", "more than one"});
  b.names = {"b"};
  b.kind = IndexKind::Observation;
  test::expect_error(
      [&] {
        align({a, b}, JoinPolicy::Inner);
      },
      ErrorCategory::Usage, {"observation"});
}

TEST(Align, BundledGoldSilverAndSwissIndices) {
  // Two real calendars: gold/silver repeats values on holidays, the Swiss file skips them.
  const Panel gs = read_panel(test::bundled("gold_silver.csv"));
  const Panel ch =
      read_panel(test::bundled("swiss_indices_2000_2007.csv"), ReadOptions().columns({"SPI"}));
  std::vector<std::int64_t> common;
  std::set_intersection(gs.index.begin(), gs.index.end(), ch.index.begin(), ch.index.end(),
                        std::back_inserter(common));
  const Panel inner = align({gs, ch}, JoinPolicy::Inner);
  EXPECT_EQ(inner.index, common);
  EXPECT_EQ(inner.names, (std::vector<std::string>{"gold", "silver", "SPI"}));
  EXPECT_EQ(inner.values(0, 2),
            ch.values(static_cast<Eigen::Index>(
                          std::lower_bound(ch.index.begin(), ch.index.end(), common[0]) -
                          ch.index.begin()),
                      0));
  const Panel filled = align({gs, ch}, JoinPolicy::ForwardFill, 3);
  EXPECT_GE(filled.rows(), inner.rows());
  EXPECT_FALSE(filled.values.array().isNaN().any());
}

}  // namespace
}  // namespace fingen::data
