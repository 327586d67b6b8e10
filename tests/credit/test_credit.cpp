// Logistic regression against R's glm(family = binomial) on the bundled credit tables
// (tests/credit/golden/make_credit_golden.R -> credit_glm_golden.json). Every coefficient agrees
// within 1e-6 (all but Lending Club's quasi-separated states, whose estimates glm stops at about
// -15 after 16 iterations, within 1e-9), with the same aliased columns and iteration counts.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/credit/evaluate.hpp"
#include "fingen/credit/logistic.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/eval/classification.hpp"

namespace {
using json = nlohmann::json;
namespace cr = fingen::credit;

std::string strip(std::string s) {  // "term=term_60" -> "termterm_60", as R names it
  s.erase(std::remove(s.begin(), s.end(), '='), s.end());
  return s;
}

TEST(Logistic, MatchesRGlmOnTheBundledCreditTables) {
  const json g = json::parse(fingen::read_file(std::string(FINGEN_TEST_DATA_DIR) +
                                               "/../credit/golden/credit_glm_golden.json"));
  for (const auto& [key, positive] :
       {std::pair<const char*, const char*>{"german", "Bad"}, {"lending", "bad"}}) {
    const json& c = g.at(key);
    SCOPED_TRACE(key);
    const auto table = fingen::data::read_labelled(
        std::string(FINGEN_BUNDLED_DATA_DIR) + "/" + c.at("file").get<std::string>(),
        fingen::data::TableOptions().label_column("Class").positive(positive));
    const cr::Design d = cr::treatment_design(table);
    ASSERT_EQ(d.x.rows(), c.at("rows").get<Eigen::Index>());
    const cr::LogisticModel m = cr::fit_logistic(d.x, d.y, d.names);
    const auto names = c.at("names").get<std::vector<std::string>>();
    ASSERT_EQ(m.names.size(), names.size());
    for (std::size_t j = 0; j < names.size(); ++j) {
      EXPECT_EQ(strip(m.names[j]), names[j]);
      const json& want = c.at("coef")[j];
      EXPECT_EQ(m.aliased[j], want.is_null()) << names[j];
      if (!want.is_null()) {
        EXPECT_NEAR(m.coef(static_cast<Eigen::Index>(j)), want.get<double>(), 1e-6) << names[j];
      }
    }
    EXPECT_EQ(m.iterations, c.at("iterations").get<int>());
    EXPECT_TRUE(m.converged);
    EXPECT_NEAR(m.deviance, c.at("deviance").get<double>(), 1e-6);
    const Eigen::VectorXd p = m.predict(d.x);
    for (std::size_t i = 0; i < 20; ++i)
      EXPECT_NEAR(p(static_cast<Eigen::Index>(i)), c.at("fitted_head")[i].get<double>(), 1e-8);
  }
}

TEST(Logistic, RidgeShrinksAndOneClassIsRefused) {
  const auto table = fingen::data::read_labelled(
      std::string(FINGEN_BUNDLED_DATA_DIR) + "/german_credit.csv",
      fingen::data::TableOptions().label_column("Class").positive("Bad"));
  const cr::Design d = cr::treatment_design(table);
  const cr::LogisticModel ml = cr::fit_logistic(d.x, d.y, d.names);
  const cr::LogisticModel mr = cr::fit_logistic(d.x, d.y, d.names, cr::LogisticOptions().l2(10));
  double a = 0, b = 0;
  for (Eigen::Index j = 1; j < ml.coef.size(); ++j)
    if (!ml.aliased[static_cast<std::size_t>(j)])
      a += std::abs(ml.coef(j)), b += std::abs(mr.coef(j));
  EXPECT_LT(b, a);
  // In sample the fitted scores rank the classes well above chance.
  std::vector<double> s;
  const Eigen::VectorXd p = ml.predict(d.x);
  s.assign(p.data(), p.data() + p.size());
  EXPECT_GT(fingen::eval::auroc(s, d.y), 0.8);
  std::vector<int> ones(d.y.size(), 1);
  EXPECT_THROW(cr::fit_logistic(d.x, ones, d.names), fingen::Error);
}

}  // namespace

namespace {
namespace cr = fingen::credit;

TEST(Detectors, IsolationForestAndMahalanobisFindPlantedOutliers) {
  // 500 normal rows from N(0, I) in 4 dimensions and 10 planted rows at distance 6.
  fingen::Rng rng(3);
  Eigen::MatrixXd x(510, 4);
  std::vector<int> y(510, 0);
  for (Eigen::Index i = 0; i < 510; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) x(i, j) = rng.normal() + (i >= 500 ? 3.0 : 0.0);
  for (std::size_t i = 500; i < 510; ++i) y[i] = 1;
  for (const char* kind : {"isolation-forest", "mahalanobis"}) {
    SCOPED_TRACE(kind);
    auto d = cr::make_detector(kind, {}, 7);
    EXPECT_FALSE(d->supervised());
    d->fit(x, y);  // learns from the 500 negatives only
    const Eigen::VectorXd s = d->score(x);
    const std::vector<double> sv(s.data(), s.data() + s.size());
    EXPECT_GT(fingen::eval::auroc(sv, y), 0.99);
  }
  // The isolation forest's normaliser: c(256) = 2 (ln 255 + gamma) - 2 * 255 / 256 (Liu et al.).
  EXPECT_NEAR(cr::isolation_c(256), 2 * (std::log(255.0) + 0.5772156649015329) - 2 * 255.0 / 256,
              1e-12);
  EXPECT_THROW(cr::make_detector("isolation-forest", {{"tres", 5}}, 1), fingen::Error);
  EXPECT_THROW(cr::make_detector("nope", {}, 1), fingen::Error);
}

TEST(CrossValidation, PrivacyCheckCountsCopiesAndMeasuresClosestRecords) {
  fingen::Rng rng(2);
  Eigen::MatrixXd real(200, 3);
  for (Eigen::Index i = 0; i < real.size(); ++i) real.data()[i] = rng.normal();
  const auto copies = cr::privacy_check(real, real.topRows(50));
  EXPECT_EQ(copies.exact_copies, 50u);
  EXPECT_EQ(copies.synthetic_median, 0.0);
  const auto far = cr::privacy_check(real, Eigen::MatrixXd::Constant(10, 3, 50.0));
  EXPECT_EQ(far.exact_copies, 0u);
  EXPECT_GT(far.synthetic_median, 40.0);
  EXPECT_GT(far.real_median, 0.0);
  // SMOTE interpolates between neighbours: its rows sit closer to real rows than real rows sit
  // to each other (the privacy cost the README reports).
  const auto sm = cr::privacy_check(real, cr::smote(real, 200, 5, 1));
  EXPECT_LT(sm.synthetic_median, sm.real_median);
}

TEST(CrossValidation, StratifiedFoldsSmoteAndIntervals) {
  std::vector<int> y(103, 0);
  for (std::size_t i = 0; i < 103; i += 5) y[i] = 1;  // 21 positives
  const auto folds = cr::stratified_folds(y, 5, 9);
  for (int f = 0; f < 5; ++f) {
    int pos = 0, all = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (folds[i] == f) ++all, pos += y[i];
    EXPECT_GE(pos, 4);
    EXPECT_LE(pos, 5);
    EXPECT_GE(all, 20);
    EXPECT_LE(all, 21);
  }
  // SMOTE rows lie on segments between positives: inside their bounding box.
  Eigen::MatrixXd p(4, 2);
  p << 0, 0, 1, 0, 0, 1, 1, 1;
  const Eigen::MatrixXd s = cr::smote(p, 50, 2, 3);
  EXPECT_EQ(s.rows(), 50);
  EXPECT_GE(s.minCoeff(), 0.0);
  EXPECT_LE(s.maxCoeff(), 1.0);
  // German credit: logistic regression well above chance out of sample, interval around it.
  const auto table = fingen::data::read_labelled(
      std::string(FINGEN_BUNDLED_DATA_DIR) + "/german_credit.csv",
      fingen::data::TableOptions().label_column("Class").positive("Bad"));
  const cr::Design d = cr::treatment_design(table);
  const auto r = cr::cross_validate(
      d.x, d.y, {{"logistic", "logistic", {}}, {"iforest", "isolation-forest", {}}},
      cr::CvOptions().folds(5).repeats(1).oversample_to(0.5).groups(d.groups),
      {{"smote", cr::make_oversampler("smote", {}, d.groups)}});
  ASSERT_EQ(r.size(), 3u);  // logistic, logistic + smote, iforest (unsupervised: no oversampling)
  EXPECT_EQ(r[1].oversampling, "smote");
  EXPECT_EQ(r[0].auroc.size(), 5u);
  EXPECT_GT(r[0].auroc_ci.mean, 0.72);
  EXPECT_LT(r[0].auroc_ci.lower, r[0].auroc_ci.mean);
  EXPECT_GT(r[0].auroc_ci.upper, r[0].auroc_ci.mean);
  EXPECT_GT(r[0].auprc_ci.mean, 0.3);  // the positive share is 0.3
  EXPECT_FALSE(r[2].supervised);
  EXPECT_NE(cr::format_table(r).find("AUROC [95% CI]"), std::string::npos);
  // An oversampler is called once per fold, its rows shared by every supervised model, and gets
  // the whole training fold with labels; the share of positives after it is the one asked for.
  int calls = 0;
  const cr::Oversampler counting = [&](const Eigen::MatrixXd& fx, const std::vector<int>& fy,
                                       std::size_t n, std::uint64_t seed) {
    ++calls;
    EXPECT_EQ(static_cast<std::size_t>(fx.rows()), fy.size());
    const double pos = static_cast<double>(std::count(fy.begin(), fy.end(), 1));
    EXPECT_NEAR((pos + static_cast<double>(n)) / (static_cast<double>(fy.size() + n)), 0.5, 0.01);
    return cr::make_oversampler("smote", {{"k", 3}}, {})(fx, fy, n, seed);
  };
  const auto twice = cr::cross_validate(
      d.x, d.y, {{"a", "logistic", {}}, {"b", "logistic", {{"l2", 1.0}}}},
      cr::CvOptions().folds(4).repeats(1).oversample_to(0.5), {{"count", counting}});
  EXPECT_EQ(twice.size(), 4u);
  EXPECT_EQ(calls, 4);
  EXPECT_THROW(cr::make_oversampler("smote", {{"k", 0}}, {}), fingen::Error);
  EXPECT_THROW(cr::make_oversampler("smote", {{"kk", 3}}, {}), fingen::Error);
  EXPECT_THROW(cr::make_oversampler("adasyn", {}, {}), fingen::Error);
  EXPECT_EQ(d.groups.size(), static_cast<std::size_t>(d.x.cols()));
}

}  // namespace
