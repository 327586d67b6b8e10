// TWAP/VWAP schedules and implementation shortfall, by hand on small markets.
#include "fingen/trading/execution.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::trading {
namespace {

// Daily bars from 2021-01-04 (a Monday), closes from `close`, volumes from `volume` (or none).
Market daily(const std::vector<double>& close, const std::vector<double>& volume = {}) {
  Market m;
  m.kind = IndexKind::Date;
  m.names = {"x"};
  const std::int64_t monday = days_from_civil(2021, 1, 4);
  m.close.resize(static_cast<Eigen::Index>(close.size()), 1);
  for (std::size_t t = 0; t < close.size(); ++t) {
    m.index.push_back(monday + static_cast<std::int64_t>(t));
    m.close(static_cast<Eigen::Index>(t), 0) = close[t];
  }
  if (!volume.empty()) {
    m.volume.resize(static_cast<Eigen::Index>(volume.size()), 1);
    for (std::size_t t = 0; t < volume.size(); ++t)
      m.volume(static_cast<Eigen::Index>(t), 0) = volume[t];
  }
  return m;
}

std::vector<double> ramp(std::size_t n) {
  std::vector<double> c(n);
  for (std::size_t t = 0; t < n; ++t) c[t] = 100 + static_cast<double>(t % 3);
  return c;
}

TEST(Execution, TwapSplitsEvenlyAndTheShortfallIsThePriceDrift) {
  const Market m = daily(ramp(40));
  ExecutionRequest r;
  r.shares = 1000;
  r.start = 30;
  r.bars = 4;
  r.costs = CostOptions::none();
  const ExecutionResult e = execute(m, r);
  ASSERT_EQ(e.children.size(), 4u);
  for (const auto& c : e.children) EXPECT_EQ(c.shares, 250);
  EXPECT_EQ(e.arrival_price, m.close(29, 0));
  double value = 0;
  for (const auto& c : e.children) value += c.shares * c.price;
  EXPECT_NEAR(e.schedule.shortfall_bps,
              (value - 1000 * e.arrival_price) / (1000 * e.arrival_price) * 1e4, 1e-9);
  EXPECT_EQ(e.schedule.cost_bps, 0);
  r.buy = false;  // a sale gains from a rising price: the sign flips
  EXPECT_NEAR(execute(m, r).schedule.shortfall_bps, -e.schedule.shortfall_bps, 1e-12);
}

TEST(Execution, VwapFollowsTheWeekdayVolumeOrAGivenProfile) {
  // Volume 100 on Mondays, 300 on other days: a Monday child gets a third of the others'.
  std::vector<double> vol(40);
  for (std::size_t t = 0; t < vol.size(); ++t) vol[t] = t % 7 == 0 ? 100 : 300;
  const Market m = daily(ramp(40), vol);
  ExecutionRequest r;
  r.algo = "vwap";
  r.shares = 1000;
  r.start = 28;  // a Monday
  r.bars = 2;
  r.costs = CostOptions::none();
  ExecutionResult e = execute(m, r);
  ASSERT_EQ(e.children.size(), 2u);
  EXPECT_NEAR(e.children[0].shares, 250, 1e-9);
  EXPECT_NEAR(e.children[1].shares, 750, 1e-9);
  r.profile = {3, 1};
  e = execute(m, r);
  EXPECT_NEAR(e.children[0].shares, 750, 1e-9);
  r.profile = {1, -1};
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"profile"});
  r.profile = {1, 2, 3};
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"3 weights for 2 bars"});
}

TEST(Execution, WholeSharesGiveTheRemainderToTheFirstBars) {
  const Market m = daily(ramp(40));
  ExecutionRequest r;
  r.shares = 10;
  r.start = 25;
  r.bars = 3;
  r.whole_shares = true;
  const ExecutionResult e = execute(m, r);
  ASSERT_EQ(e.children.size(), 3u);
  EXPECT_EQ(e.children[0].shares, 4);
  EXPECT_EQ(e.children[1].shares, 3);
  EXPECT_EQ(e.children[2].shares, 3);
}

// Square-root impact: n children of q/n cost 1/sqrt(n) of one order of q (same price, volume and
// volatility on every bar).
TEST(Execution, SplittingCutsTheImpactBySquareRootOfTheBars) {
  std::vector<double> close(40);
  for (std::size_t t = 0; t < close.size(); ++t) close[t] = t % 2 ? 101 : 100;  // sigma > 0
  for (std::size_t t = 30; t < close.size(); ++t) close[t] = 100;
  const Market m = daily(close, std::vector<double>(40, 1e6));
  ExecutionRequest r;
  r.shares = 100000;
  r.start = 30;
  r.bars = 4;
  r.costs = CostOptions::none().impact_coefficient(1.0);
  const ExecutionResult e = execute(m, r);
  EXPECT_GT(e.immediate.costs, 0);
  EXPECT_NEAR(e.schedule.costs / e.immediate.costs, 0.5, 1e-12);
}

TEST(Execution, RequestsThatDoNotFitTheMarketAreRefused) {
  const Market m = daily(ramp(40));
  ExecutionRequest r;
  r.shares = 10;
  r.start = 5;
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"history"});
  r.start = 35;
  r.bars = 10;
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"after the data's last"});
  r.bars = 2;
  r.shares = -5;
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"positive"});
  r.shares = 5;
  r.algo = "vwap";
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"volume"});
  r.algo = "iceberg";
  test::expect_error([&] { execute(m, r); }, ErrorCategory::Usage, {"twap or vwap"});
}

}  // namespace
}  // namespace fingen::trading
