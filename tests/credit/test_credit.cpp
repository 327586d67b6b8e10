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
