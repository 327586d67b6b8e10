#include "fingen/data/readers.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::data {
namespace {

TEST(Readers, OhlcvAnyColumnOrderCaseAndAdjustedAlias) {
  const auto doc = CsvDocument::from_string(
      "Volume;CLOSE;Date;Low;High;Open;Adj Close\n"
      "100;10,5;2020-01-02;9;11;10;10.4\n"
      "0;11;2020-01-03;10;12;10.5;10.9\n",
      "t.csv");
  EXPECT_EQ(doc.delimiter(), ';');
  // A ';' file with decimal commas is not something we accept silently: 10,5 is not a number.
  test::expect_error([&] { read_ohlcv(doc); }, ErrorCategory::Input,
                     {"t.csv:2", "column 'CLOSE'", "'10,5'"});

  const Panel p =
      read_ohlcv(CsvDocument::from_string("Volume\tCLOSE\tDate\tLow\tHigh\tOpen\tAdj Close\n"
                                          "100\t10.5\t2020-01-02\t9\t11\t10\t10.4\n"
                                          "0\t11\t2020-01-03\t10\t12\t10.5\t10.9\n",
                                          "t.tsv"));
  EXPECT_EQ(p.names,
            (std::vector<std::string>{"open", "high", "low", "close", "volume", "adjusted"}));
  EXPECT_EQ(p.kind, IndexKind::Date);
  EXPECT_EQ(p.values(0, 3), 10.5);
  EXPECT_EQ(p.values(1, 4), 0.0);
  EXPECT_EQ(p.values(1, 5), 10.9);
  EXPECT_EQ(format_index(p.kind, p.index[1]), "2020-01-03");
}

TEST(Readers, BundledSp500) {
  const Panel p = read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv"));
  ASSERT_EQ(p.rows(), 5105u);
  EXPECT_EQ(p.cols(), 6u);
  EXPECT_EQ(format_index(p.kind, p.index.front()), "2000-01-03");
  EXPECT_EQ(format_index(p.kind, p.index.back()), "2020-04-17");
  EXPECT_DOUBLE_EQ(p.values(0, p.column("close")), 1455.219971);
  EXPECT_DOUBLE_EQ(p.values(0, p.column("volume")), 931800000.0);
}

TEST(Readers, BundledPanelsOfEveryIndexKind) {
  const Panel dj = read_panel(test::bundled("dow_jones_30.csv"));
  EXPECT_EQ(dj.rows(), 2529u);
  EXPECT_EQ(dj.cols(), 30u);
  EXPECT_EQ(dj.names.front(), "AA");
  const Panel tsy = read_panel(test::bundled("treasury_yields_daily.csv"));
  EXPECT_EQ(tsy.kind, IndexKind::Observation);
  EXPECT_EQ(tsy.rows(), 9574u);
  EXPECT_EQ(tsy.index.back(), 9574);
  const Panel fx = read_panel(test::bundled("usdchf_30min_1996_2001.csv"));
  EXPECT_EQ(fx.kind, IndexKind::DateTime);
  EXPECT_EQ(fx.rows(), 62496u);
  EXPECT_EQ(fx.index[1] - fx.index[0], 1800);
  const Panel sub =
      read_panel(test::bundled("eu_stock_markets.csv"), ReadOptions().columns({"ftse", "DAX"}));
  EXPECT_EQ(sub.names, (std::vector<std::string>{"FTSE", "DAX"}));
}

TEST(Readers, ReturnsMayBeNegative) {
  const auto doc = CsvDocument::from_string("date,a\n2020-01-02,-0.01\n2020-01-03,0.02\n", "r.csv");
  EXPECT_THROW(read_panel(doc), Error);  // as prices, -0.01 is invalid
  const Panel r = read_panel(doc, ReadOptions().values(ValueKind::Returns));
  EXPECT_EQ(r.values(0, 0), -0.01);
  EXPECT_EQ(r.values_kind, ValueKind::Returns);
}

TEST(Readers, MissingTokensBecomeNaN) {
  const Panel p =
      read_panel(CsvDocument::from_string("date,a,b\n2020-01-02,1,NA\n2020-01-03,,2\n", "m.csv"));
  EXPECT_TRUE(std::isnan(p.values(0, 1)));
  EXPECT_TRUE(std::isnan(p.values(1, 0)));
  EXPECT_EQ(p.missing(0), 1u);
}

TEST(Readers, LabelledGermanCredit) {
  const LabelledTable t = read_labelled(test::bundled("german_credit.csv"));
  EXPECT_EQ(t.rows(), 1000u);
  EXPECT_EQ(t.label_name, "Class");
  EXPECT_EQ(t.positive_class, "Bad");  // the less frequent class
  EXPECT_EQ(t.positives(), 300u);
  EXPECT_EQ(t.features.size(), 61u);
  EXPECT_EQ(t.design_matrix().cols(), 61);
}

TEST(Readers, LabelledLendingClubWithCategoricals) {
  const LabelledTable t = read_labelled(test::bundled("lending_club.csv"));
  EXPECT_EQ(t.rows(), 9857u);
  EXPECT_EQ(t.positive_class, "bad");
  EXPECT_EQ(t.positives(), 517u);
  std::size_t categorical = 0;
  for (const auto& f : t.features) categorical += f.categorical;
  EXPECT_EQ(categorical, 5u);  // term, sub_grade, addr_state, verification_status, emp_length
  const Eigen::MatrixXd x = t.design_matrix();
  EXPECT_EQ(static_cast<std::size_t>(x.cols()), t.design_names().size());
  EXPECT_EQ(x.rows(), 9857);
  // Each categorical feature's one-hot block has exactly one 1 per row (no missing values here).
  const auto names = t.design_names();
  for (const auto& f : t.features) {
    if (!f.categorical) continue;
    Eigen::VectorXd block_sum = Eigen::VectorXd::Zero(x.rows());
    for (std::size_t c = 0; c < names.size(); ++c)
      if (names[c].rfind(f.name + "=", 0) == 0) block_sum += x.col(static_cast<Eigen::Index>(c));
    EXPECT_EQ(block_sum.minCoeff(), 1.0) << f.name;
    EXPECT_EQ(block_sum.maxCoeff(), 1.0) << f.name;
  }
  const auto it = std::find(names.begin(), names.end(), "term=term_36");
  ASSERT_NE(it, names.end());
  EXPECT_EQ(x(0, it - names.begin()), 1.0);
}

TEST(Readers, LabelOptions) {
  const auto doc = CsvDocument::from_string("x,kind,fraud\n1,a,0\n2,b,1\n3,a,0\n", "f.csv");
  const LabelledTable t = read_labelled(doc);
  EXPECT_EQ(t.positive_class, "1");
  EXPECT_EQ(t.label, (std::vector<int>{0, 1, 0}));
  EXPECT_TRUE(t.features[1].categorical);
  EXPECT_EQ(t.features[1].levels, (std::vector<std::string>{"a", "b"}));
  const LabelledTable u = read_labelled(doc, TableOptions().positive("0"));
  EXPECT_EQ(u.label, (std::vector<int>{1, 0, 1}));
  test::expect_error([&] { read_labelled(doc, TableOptions().positive("2")); },
                     ErrorCategory::Input, {"'2' not found"});
  test::expect_error([&] { read_labelled(doc, TableOptions().label_column("z")); },
                     ErrorCategory::Input, {"f.csv:1", "missing required label column 'z'"});
  test::expect_error(
      [] { read_labelled(CsvDocument::from_string("x,class\n1,a\n2,b\n3,c\n", "c.csv")); },
      ErrorCategory::Input, {"c.csv:4", "column 'class'", "third value 'c'"});
}

// "inf" among numbers is a bad number, not a reason to make the column categorical.
TEST(Readers, LabelledNonFiniteNumberIsAnError) {
  test::expect_error(
      [] {
        read_labelled(
            CsvDocument::from_string("amount,class\n1.5,0\n2.5,1\ninf,0\n-Infinity,1\n", "t.csv"));
      },
      ErrorCategory::Input, {"t.csv:4", "column 'amount'", "finite number", "'inf'"});
  // A text column that happens to contain "inf" stays categorical.
  const LabelledTable t =
      read_labelled(CsvDocument::from_string("kind,class\nabc,0\ninf,1\n", "u.csv"));
  EXPECT_TRUE(t.features[0].categorical);
}

TEST(Readers, DetectFormat) {
  EXPECT_EQ(detect_format(CsvDocument::open(test::bundled("msft_ohlcv_2000_2001.csv"))),
            FileFormat::Ohlcv);
  EXPECT_EQ(detect_format(CsvDocument::open(test::bundled("gold_silver.csv"))), FileFormat::Panel);
  EXPECT_EQ(detect_format(CsvDocument::open(test::bundled("lending_club.csv"))),
            FileFormat::Labelled);
}

}  // namespace
}  // namespace fingen::data
