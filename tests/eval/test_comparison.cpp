// The model comparison: best per row and the metrics.json round trip.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "fingen/core/io.hpp"
#include "fingen/eval/comparison.hpp"
#include "test_util.hpp"

namespace fingen::eval {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(BestInRow, DistancesLowerStatisticsClosestNonFiniteNeverWins) {
  EXPECT_EQ(best_in_row({0.3, 0.1, 0.2}, true, kNaN), 1u);
  EXPECT_EQ(best_in_row({0.3, 0.1, 0.2}, false, 0.22), 2u);
  EXPECT_EQ(best_in_row({kNaN, 0.5, kInf}, true, kNaN), 1u);
  EXPECT_EQ(best_in_row({-kInf, 0.5}, true, kNaN), 1u);
  EXPECT_EQ(best_in_row({kNaN, 4.0, 3.0}, false, 3.1), 2u);
  EXPECT_EQ(best_in_row({0.2, 0.2}, true, kNaN), 0u);  // ties: the earlier model
  // No finite score (values or target): the first model.
  EXPECT_EQ(best_in_row({kNaN, kNaN}, true, kNaN), 0u);
  EXPECT_EQ(best_in_row({1.0, 2.0}, false, kNaN), 0u);
  EXPECT_EQ(best_in_row({1.0, 2.0}, false, kInf), 0u);
  EXPECT_EQ(best_in_row({}, true, kNaN), 0u);
}

FidelityReport report(double sd, double w1, double hill) {
  FidelityReport r;
  r.metrics = {{"sd", sd, 0.01}, {"w1_lag1", w1, kNaN}, {"hill_left", hill, 3.0}};
  Curves c;
  c.asset = "A";
  c.acf_abs_real = {0.2, 0.1};
  c.acf_abs_synthetic = {0.25, kNaN};
  c.leverage_real = {-0.1};
  c.leverage_synthetic = {0.0};
  r.curves = {c};
  return r;
}

TEST(Comparison, RanksRowsCountsWinsAndRoundTripsThroughMetricsJson) {
  const Comparison c =
      compare_models({"a", "b"}, {report(0.012, 0.3, kNaN), report(0.02, 0.1, 4.0)});
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.rows[0].best, 0u);  // |0.012 - 0.01| < |0.02 - 0.01|
  EXPECT_EQ(c.rows[1].best, 1u);
  EXPECT_EQ(c.rows[2].best, 1u);  // a's NaN never wins
  EXPECT_EQ(c.rows_won(), (std::map<std::string, int>{{"a", 1}, {"b", 2}}));
  EXPECT_TRUE(compare_models({"a"}, {report(1, 1, 1)}).rows_won().empty());

  const nlohmann::json j = metrics_json(c);
  EXPECT_EQ(j.at("targets"), (nlohmann::json{{"sd", 0.01}, {"hill_left", 3.0}}));
  EXPECT_TRUE(j.at("models").at("a").at("hill_left").is_null());
  EXPECT_EQ(j.at("rows_won").at("b"), 2);
  EXPECT_TRUE(j.at("predictive_score_train_on_real").is_null());
  EXPECT_EQ(j.at("curves").at("b")[0].at("acf_abs_real"), (std::vector<double>{0.2, 0.1}));

  test::TempDir dir;
  const std::string path = dir.write("metrics.json", j.dump(2));
  const Comparison back = read_metrics_json(path, {"a", "b"});
  ASSERT_EQ(back.rows.size(), 3u);
  // File order is alphabetical: hill_left, sd, w1_lag1.
  EXPECT_EQ(back.rows[0].key, "hill_left");
  EXPECT_EQ(back.rows[0].best, 1u);
  EXPECT_TRUE(std::isnan(back.rows[0].values[0]));
  EXPECT_EQ(back.rows[1].key, "sd");
  EXPECT_EQ(back.rows[1].target, 0.01);
  EXPECT_EQ(back.rows[1].best, 0u);
  EXPECT_TRUE(back.rows[2].distance);
  EXPECT_EQ(back.rows[2].best, 1u);
  ASSERT_EQ(back.curves.size(), 2u);
  EXPECT_EQ(back.curves[1][0].asset, "A");
  EXPECT_EQ(back.curves[1][0].acf_abs_real, (std::vector<double>{0.2, 0.1}));
  EXPECT_TRUE(std::isnan(back.curves[1][0].acf_abs_synthetic[1]));

  test::expect_error(
      [&] {
        read_metrics_json(path, {"a", "c"});
      },
      ErrorCategory::Input, {"metrics.json"});
  test::expect_error([&] { read_metrics_json(dir.write("bad.json", "{"), {"a"}); },
                     ErrorCategory::Input, {"bad.json"});
}

}  // namespace
}  // namespace fingen::eval
