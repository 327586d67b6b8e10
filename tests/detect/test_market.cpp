// Market anomalies (detect/market.hpp) on synthetic markets where the answer is known.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/detect/market.hpp"
#include "test_util.hpp"

namespace {
namespace dt = fingen::detect;

/// Two assets with correlation 0.9 and a volume column, i.i.d. Gaussian days.
fingen::Panel market(std::size_t n) {
  fingen::Panel p;
  p.kind = fingen::IndexKind::Observation;
  p.values_kind = fingen::ValueKind::Returns;
  p.names = {"a", "b", "volume"};
  p.values.resize(static_cast<Eigen::Index>(n), 3);
  fingen::Rng rng(8);
  for (std::size_t t = 0; t < n; ++t) {
    const double z = rng.normal();
    const auto i = static_cast<Eigen::Index>(t);
    p.values(i, 0) = 0.01 * z;
    p.values(i, 1) = 0.01 * (0.9 * z + std::sqrt(1 - 0.81) * rng.normal());
    p.values(i, 2) = 0.2 * rng.normal();
    p.index.push_back(static_cast<std::int64_t>(t + 1));
  }
  return p;
}

TEST(MarketAnomalies, DetectorsFindEveryInjectedTypeOnAStationaryMarket) {
  const auto r = dt::evaluate_market(
      market(4000), {{"mahalanobis", "mahalanobis", {}}, {"iforest", "isolation-forest", {}}},
      dt::MarketOptions().window(10).size(8));
  EXPECT_EQ(r.types, (std::vector<std::string>{"spike", "pump_dump", "volume", "correlation",
                                               "largest_moves"}));
  EXPECT_EQ(r.train_windows, 280u);
  EXPECT_EQ(r.test_windows, 120u);
  for (const auto& row : r.rows) {
    SCOPED_TRACE(row.detector + " / " + row.anomaly);
    EXPECT_EQ(row.windows, row.anomaly == "largest_moves" ? 120u : 1200u);  // 10 injections
    const bool hard = row.anomaly == "pump_dump" || row.anomaly == "largest_moves";
    if (row.detector == "mahalanobis") {
      EXPECT_GT(row.auroc, hard ? 0.7 : 0.9);
    } else if (row.anomaly != "correlation") {
      EXPECT_GT(row.auroc, 0.6);
    } else {
      // The isolation forest's axis-parallel splits do not see a broken co-movement of two
      // assets whose own distributions are unchanged: about chance (the README says so).
      EXPECT_LT(row.auroc, 0.7);
    }
  }
  EXPECT_NE(dt::format_table(r).find("correlation"), std::string::npos);
}

TEST(MarketAnomalies, RefusesSupervisedDetectorsAndTooLittleData) {
  EXPECT_THROW(dt::evaluate_market(market(2000), {{"logistic", "logistic", {}}}, {}),
               fingen::Error);
  EXPECT_THROW(dt::evaluate_market(market(200), {{"mahalanobis", "mahalanobis", {}}}, {}),
               fingen::Error);
  fingen::Panel one = market(2000).select({0});
  const auto r = dt::evaluate_market(one, {{"mahalanobis", "mahalanobis", {}}}, {});
  EXPECT_EQ(r.types, (std::vector<std::string>{"spike", "pump_dump", "largest_moves"}));
}

TEST(MarketAnomalies, FittedDetectorScoresEveryWindowOfNewData) {
  fingen::test::TempDir dir;
  dt::MarketFitRequest q;
  q.source = {
      fingen::test::bundled("dow_jones_30.csv"), {"AA", "IBM"}, false, "log", "", "1998-12-31"};
  q.kind = "isolation-forest";
  q.window = 10;
  q.out = dir.file("m");
  const auto s = dt::fit_market(q);
  EXPECT_EQ(s.first, "1991-01-02");  // returns from the second day
  EXPECT_EQ(s.last, "1998-12-31");
  EXPECT_EQ(s.windows, s.rows / 10);
  EXPECT_GT(s.alarm, 0.0);
  const auto r = dt::score_market(
      q.out, {fingen::test::bundled("dow_jones_30.csv"), {}, false, "log", "1999-01-01", ""},
      dir.file("s.csv"));
  ASSERT_FALSE(r.ends.empty());
  EXPECT_EQ(r.ends.size(), r.scores.size());
  EXPECT_EQ(r.alarm, s.alarm);
  const std::string csv = fingen::read_file(dir.file("s.csv"));
  EXPECT_EQ(csv.rfind("end,score,alarm\n", 0), 0u);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), r.ends.size() + 1);
  // Another set of series than the model's, and a supervised kind, are refused.
  EXPECT_THROW(dt::score_market(
                   q.out, {fingen::test::bundled("dow_jones_30.csv"), {"AA"}, false, "log", "", ""},
                   dir.file("t.csv")),
               fingen::Error);
  q.kind = "logistic";
  q.out = dir.file("n");
  EXPECT_THROW(dt::fit_market(q), fingen::Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("n")));
}

}  // namespace
