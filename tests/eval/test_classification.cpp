// Classification scores against an independent NumPy computation
// (tests/eval/golden/make_classification_golden.py -> classification_golden.json).
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/eval/classification.hpp"

namespace {
using json = nlohmann::json;
namespace ev = fingen::eval;

TEST(Classification, MatchesNumPyWithTies) {
  const json g = json::parse(fingen::read_file(std::string(FINGEN_TEST_DATA_DIR) +
                                               "/../eval/golden/classification_golden.json"));
  ASSERT_EQ(g.size(), 3u);
  for (const json& c : g) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto s = c.at("scores").get<std::vector<double>>();
    const auto y = c.at("labels").get<std::vector<int>>();
    EXPECT_NEAR(ev::auroc(s, y), c.at("auroc").get<double>(), 1e-12);
    EXPECT_NEAR(ev::average_precision(s, y), c.at("average_precision").get<double>(), 1e-12);
    for (const auto& [k, v] : c.at("precision_at_k").items())
      if (std::stoul(k) <= s.size()) {
        EXPECT_NEAR(ev::precision_at_k(s, y, std::stoul(k)), v.get<double>(), 1e-12) << k;
      }
    for (const auto& [f, v] : c.at("recall_at_fpr").items())
      EXPECT_NEAR(ev::recall_at_fpr(s, y, std::stod(f)), v.get<double>(), 1e-12) << f;
    std::vector<double> p;
    for (double v : s) p.push_back(1 / (1 + std::exp(-v)));
    EXPECT_NEAR(ev::brier(p, y), c.at("brier").get<double>(), 1e-12);
    // The curve: from (0, 0) to (1, 1); its (fpr, recall) polygon's area is the golden AUROC
    // (ties as diagonal segments count half) and its recall steps times precision the AP.
    const auto pts = ev::curve(s, y);
    ASSERT_GE(pts.size(), 2u);
    EXPECT_EQ(pts.front().fpr, 0.0);
    EXPECT_EQ(pts.front().recall, 0.0);
    EXPECT_DOUBLE_EQ(pts.back().fpr, 1.0);
    EXPECT_DOUBLE_EQ(pts.back().recall, 1.0);
    double area = 0, ap = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      area += (pts[i].fpr - pts[i - 1].fpr) * (pts[i].recall + pts[i - 1].recall) / 2;
      ap += (pts[i].recall - pts[i - 1].recall) * pts[i].precision;
    }
    EXPECT_NEAR(area, c.at("auroc").get<double>(), 1e-12);
    EXPECT_NEAR(ap, c.at("average_precision").get<double>(), 1e-12);
    const auto bins = ev::calibration(p, y, 10);
    ASSERT_EQ(bins.size(), 10u);
    for (std::size_t b = 0; b < 10; ++b) {
      const json& e = c.at("calibration")[b];
      EXPECT_EQ(bins[b].n, e.at("n").get<std::size_t>());
      if (!e.at("observed").is_null()) {
        EXPECT_NEAR(bins[b].observed, e.at("observed").get<double>(), 1e-12);
        EXPECT_NEAR(bins[b].mean_predicted, e.at("mean_predicted").get<double>(), 1e-12);
      }
    }
  }
}

TEST(Classification, RefusesOneClassAndBadInput) {
  EXPECT_THROW(ev::auroc({0.1, 0.2}, {1, 1}), fingen::Error);
  EXPECT_THROW(ev::auroc({0.1, NAN}, {0, 1}), fingen::Error);
  EXPECT_THROW(ev::auroc({0.1}, {0, 1}), fingen::Error);
  EXPECT_THROW(ev::average_precision({0.1, 0.2}, {0, 2}), fingen::Error);
  EXPECT_THROW(ev::precision_at_k({0.1, 0.2}, {0, 1}, 3), fingen::Error);
  // Perfect and reversed rankings.
  EXPECT_DOUBLE_EQ(ev::auroc({0.1, 0.2, 0.9}, {0, 0, 1}), 1.0);
  EXPECT_DOUBLE_EQ(ev::auroc({0.9, 0.2, 0.1}, {0, 0, 1}), 0.0);
  EXPECT_DOUBLE_EQ(ev::average_precision({0.1, 0.2, 0.9}, {0, 0, 1}), 1.0);
}

}  // namespace
