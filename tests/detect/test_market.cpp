// Market anomalies (detect/market.hpp) on synthetic markets where the answer is known.
#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/detect/market.hpp"

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

}  // namespace
