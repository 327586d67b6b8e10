// credit/run.hpp: the encoding fixed at fit time, model directories that score new tables as the
// fitted detector did, and the errors for tables that do not fit the model.
#include "fingen/credit/run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "test_util.hpp"

namespace {
namespace cr = fingen::credit;

const char* kTable =
    "amount,purpose,region,Class\n"
    "100,car,north,good\n250,tv,south,bad\n80,car,south,good\n300,house,north,good\n"
    "120,tv,north,bad\n90,car,north,good\n400,house,south,bad\n60,tv,south,good\n"
    "150,car,north,good\n220,house,north,bad\n75,tv,north,good\n310,car,south,good\n";

TEST(CreditRun, EncodingUsesTheFittedLevelsAndRefusesUnseenOnes) {
  fingen::test::TempDir dir;
  const auto t = fingen::data::read_labelled(dir.write("t.csv", kTable),
                                             fingen::data::TableOptions().positive("bad"));
  const cr::Encoding e = cr::encoding_of(t);
  EXPECT_EQ(e.design_names(),
            (std::vector<std::string>{"amount", "purpose=house", "purpose=tv", "region=south"}));
  EXPECT_EQ(e.design_groups(), (std::vector<int>{-1, 1, 1, 2}));  // feature indices
  // A table to score with its rows in another order of first appearance: the same columns.
  const auto s = fingen::data::read_labelled(
      dir.write("s.csv", "region,purpose,amount\nsouth,tv,10\nnorth,car,20\n"),
      fingen::data::TableOptions().label_optional(true));
  EXPECT_EQ(s.rows(), 2u);
  const Eigen::MatrixXd x = cr::encode(s, e);
  ASSERT_EQ(x.cols(), 4);
  EXPECT_EQ(x.row(0), (Eigen::RowVector4d(10, 0, 1, 1)));
  EXPECT_EQ(x.row(1), (Eigen::RowVector4d(20, 0, 0, 0)));
  const auto round = cr::encoding_from_json(cr::to_json(e), "m.json");
  EXPECT_EQ(round.design_names(), e.design_names());
  fingen::test::expect_error(
      [&] {
        cr::encode(fingen::data::read_labelled(dir.write("u.csv",
                                                         "region,purpose,amount\n"
                                                         "south,boat,10\n"),
                                               fingen::data::TableOptions().label_optional(true)),
                   e);
      },
      fingen::ErrorCategory::Input, {"u.csv:2", "purpose", "'boat' was not seen"});
  fingen::test::expect_error(
      [&] {
        cr::encode(fingen::data::read_labelled(dir.write("v.csv", "region,amount\nsouth,10\n"),
                                               fingen::data::TableOptions().label_optional(true)),
                   e);
      },
      fingen::ErrorCategory::Input, {"v.csv", "purpose", "missing column"});
}

TEST(CreditRun, FittedModelsScoreAsTheyDidWhenFitted) {
  fingen::test::TempDir dir;
  const std::string data = fingen::test::bundled("german_credit.csv");
  for (const char* kind : {"logistic", "mahalanobis", "isolation-forest"}) {
    SCOPED_TRACE(kind);
    cr::FitRequest q;
    q.data = data;
    q.table.positive("Bad");
    q.kind = kind;
    q.out = dir.file(kind);
    const cr::FitSummary s = cr::fit_and_save(q);
    EXPECT_EQ(s.rows, 1000u);
    EXPECT_EQ(s.positives, 300u);
    EXPECT_GT(s.train_auroc, 0.6);
    const cr::ScoreSummary r = cr::score_table(q.out, data, dir.file(std::string(kind) + ".csv"));
    EXPECT_EQ(r.rows, 1000u);
    ASSERT_TRUE(r.labelled);
    EXPECT_DOUBLE_EQ(r.auroc, s.train_auroc);  // the loaded model scores as the fitted one
    const std::string csv = fingen::read_file(dir.file(std::string(kind) + ".csv"));
    EXPECT_EQ(csv.rfind("row,score\n1,", 0), 0u);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1001);
  }
  // A corrupt state is an input error naming model.json.
  const std::string m = dir.file("isolation-forest") + "/model.json";
  std::string text = fingen::read_file(m);
  text.replace(text.find("\"trees\""), 7, "\"treez\"");
  fingen::write_file_atomic(m, text);
  EXPECT_THROW(cr::load_model(dir.file("isolation-forest")), fingen::Error);
  // Found by fuzz_credit_model: a model.json without "encoding" escaped as a JSON exception, and a
  // seed of 1e300 was converted to an integer with undefined behaviour. Both name the file now.
  const std::string lm = dir.file("logistic") + "/model.json";
  const std::string good = fingen::read_file(lm);
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"\"encoding\"", "\"encodinx\""},
        {"\"seed\": 1", "\"seed\": 1e300"}}) {
    std::string t = good;
    ASSERT_NE(t.find(from), std::string::npos) << from;
    t.replace(t.find(from), from.size(), to);
    fingen::write_file_atomic(lm, t);
    fingen::test::expect_error([&] { cr::load_model(dir.file("logistic")); },
                               fingen::ErrorCategory::Input, {lm});
  }
  cr::FitRequest bad;
  bad.data = data;
  bad.kind = "logistic";
  bad.options = {{"l3", 1}};
  bad.out = dir.file("never");
  EXPECT_THROW(cr::fit_and_save(bad), fingen::Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("never")));
}

TEST(CreditRun, AugmentWritesValidRowsOfThePositiveClassInTheTablesColumns) {
  fingen::test::TempDir dir;
  cr::AugmentRequest q;
  q.data = dir.write("t.csv", kTable);
  q.table.positive("bad");
  q.oversampler = {"smote", "smote", {{"k", 2}}};
  q.out = dir.file("aug.csv");
  const cr::AugmentSummary r = cr::augment_table(q);
  EXPECT_EQ(r.real_rows, 12u);
  EXPECT_EQ(r.positives, 4u);
  EXPECT_EQ(r.synthetic, 4u);  // (4 + 4) / (12 + 4) = 0.5
  EXPECT_EQ(r.privacy.synthetic, 4u);
  // The file reads back as a labelled table of the same columns, every level a known one.
  const auto back =
      fingen::data::read_labelled(q.out, fingen::data::TableOptions().positive("bad"));
  EXPECT_EQ(back.rows(), 16u);
  EXPECT_EQ(back.positives(), 8u);
  const cr::Encoding e = cr::encoding_of(back);
  EXPECT_EQ(e.design_names(),
            cr::encoding_of(
                fingen::data::read_labelled(q.data, fingen::data::TableOptions().positive("bad")))
                .design_names());
  const std::string text = fingen::read_file(q.out);
  EXPECT_EQ(text.rfind("amount,purpose,region,Class\n100,car,north,good\n", 0), 0u);
  // Amounts are whole numbers in the table, so the synthetic ones are too.
  for (std::size_t i = 12; i < 16; ++i)
    EXPECT_EQ(back.features[0].numeric[i], std::round(back.features[0].numeric[i]));
  EXPECT_TRUE(std::filesystem::exists(dir.file("aug.manifest.json")));
  // Only the synthetic rows; and a share the table already has is refused.
  q.synthetic_only = true;
  q.rows = 3;
  q.out = dir.file("only.csv");
  cr::augment_table(q);
  EXPECT_EQ(
      fingen::data::read_labelled(q.out, fingen::data::TableOptions().label_optional(true)).rows(),
      3u);
  q.rows = 0;
  q.share = 0.2;
  q.out = dir.file("never.csv");
  EXPECT_THROW(cr::augment_table(q), fingen::Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("never.csv")));
}

}  // namespace

namespace {
// A feature that holds one value (numeric, or a categorical with one level) is kept and reported by
// name, in the evaluation's text and JSON and in a fit's summary.
TEST(CreditRun, ConstantFeaturesAreReportedByName) {
  fingen::test::TempDir dir;
  std::string text = "amount,fee,channel,region,Class\n";
  const char* regions[] = {"north", "south"};
  for (int i = 0; i < 40; ++i)
    text += std::to_string(50 + 7 * i % 23) + ",5,web," + regions[i % 2] + "," +
            (i % 3 == 0 ? "bad" : "good") + "\n";
  const std::string file = dir.write("c.csv", text);
  const auto t = fingen::data::read_labelled(file, fingen::data::TableOptions().positive("bad"));
  EXPECT_EQ(cr::constant_features(t), (std::vector<std::string>{"fee", "channel"}));
  cr::EvaluateRequest q;
  q.data = file;
  q.table.positive("bad");
  q.models = {{"logistic", "logistic", nlohmann::json::object()}};
  q.cv.folds(2).repeats(1);
  const cr::EvaluateReport r = cr::evaluate_table(q);
  EXPECT_EQ(r.constant_features, (std::vector<std::string>{"fee", "channel"}));
  EXPECT_EQ(cr::to_json(r)["constant_features"], nlohmann::json::array({"fee", "channel"}));
  const std::string report = cr::format_report(r);
  EXPECT_NE(report.find("2 features are constant in every row"), std::string::npos) << report;
  EXPECT_NE(report.find("fee, channel"), std::string::npos);
  EXPECT_TRUE(std::isfinite(r.results.at(0).auroc.at(0)));
  EXPECT_EQ(cr::format_constant_features({}), "");
}
}  // namespace
