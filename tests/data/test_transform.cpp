#include "fingen/data/transform.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "fingen/data/readers.hpp"
#include "test_util.hpp"

namespace fingen::data {
namespace {

Panel prices(std::vector<double> v) {
  Panel p;
  for (std::size_t i = 0; i < v.size(); ++i) p.index.push_back(static_cast<std::int64_t>(i + 1));
  p.names = {"p"};
  p.values = Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  return p;
}

TEST(Returns, SimpleAndLogByHand) {
  const Panel p = prices({100, 110, 99});
  const Panel s = to_returns(p, ReturnKind::Simple);
  EXPECT_EQ(s.index, (std::vector<std::int64_t>{2, 3}));
  EXPECT_NEAR(s.values(0, 0), 0.1, 1e-15);
  EXPECT_NEAR(s.values(1, 0), -0.1, 1e-15);
  const Panel l = to_returns(p, ReturnKind::Log);
  EXPECT_NEAR(l.values(0, 0), std::log(1.1), 1e-15);
  EXPECT_NEAR(l.values(1, 0), std::log(0.9), 1e-15);
  EXPECT_EQ(l.values_kind, ValueKind::Returns);
  EXPECT_THROW(to_returns(l, ReturnKind::Log), Error);  // returns of returns
}

TEST(Returns, MultiHorizon) {
  const Panel p = prices({100, 110, 99, 120, 130});
  const Panel o = to_returns(p, ReturnKind::Log, 2, true);
  ASSERT_EQ(o.rows(), 3u);
  EXPECT_NEAR(o.values(0, 0), std::log(99.0 / 100.0), 1e-15);
  EXPECT_NEAR(o.values(1, 0), std::log(120.0 / 110.0), 1e-15);
  const Panel n = to_returns(p, ReturnKind::Log, 2, false);
  ASSERT_EQ(n.rows(), 2u);
  EXPECT_EQ(n.index, (std::vector<std::int64_t>{3, 5}));
  EXPECT_NEAR(n.values(1, 0), std::log(130.0 / 99.0), 1e-15);
}

TEST(Returns, MissingPricePropagates) {
  const Panel r =
      to_returns(prices({100, std::numeric_limits<double>::quiet_NaN(), 99}), ReturnKind::Log);
  EXPECT_TRUE(std::isnan(r.values(0, 0)));
  EXPECT_TRUE(std::isnan(r.values(1, 0)));
}

TEST(Returns, RoundTripOnTwentyYearsOfSp500) {
  const Panel px = read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv")).select({3});
  for (ReturnKind kind : {ReturnKind::Log, ReturnKind::Simple}) {
    const Panel r = to_returns(px, kind);
    const Panel back = to_prices(r, kind, px.values.row(0), px.index[0]);
    ASSERT_EQ(back.index, px.index);
    const double rel = ((back.values - px.values).array() / px.values.array()).abs().maxCoeff();
    EXPECT_LT(rel, 1e-12);
  }
}

Eigen::MatrixXd sample_matrix() {
  Eigen::MatrixXd x(6, 3);
  x << 1, -5, 7,   //
      2, 0, 7,     //
      3, 5, 7,     //
      4, 10, 7,    //
      100, 15, 7,  //
      6, 20, 7;
  return x;
}

TEST(Scaler, EachKindInvertsExactly) {
  const Eigen::MatrixXd x = sample_matrix();
  for (ScalerKind kind : {ScalerKind::ZScore, ScalerKind::MinMax, ScalerKind::Robust}) {
    Scaler s(kind);
    s.fit(x);
    const Eigen::MatrixXd z = s.transform(x);
    EXPECT_LT((s.inverse(z) - x).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind);
    EXPECT_EQ(s.scale()(2), 1.0) << "constant column gets scale 1";
    EXPECT_EQ(z.col(2).cwiseAbs().maxCoeff(), 0.0);
  }
}

TEST(Scaler, Definitions) {
  const Eigen::MatrixXd x = sample_matrix();
  const Eigen::MatrixXd z = Scaler(ScalerKind::ZScore).fit(x).transform(x);
  EXPECT_NEAR(z.col(1).mean(), 0.0, 1e-15);
  EXPECT_NEAR(std::sqrt(z.col(1).squaredNorm() / 5.0), 1.0, 1e-14);  // sample sd
  const Eigen::MatrixXd m = Scaler(ScalerKind::MinMax).fit(x).transform(x);
  EXPECT_EQ(m.col(0).minCoeff(), 0.0);
  EXPECT_EQ(m.col(0).maxCoeff(), 1.0);
  // Robust, column 0 = {1,2,3,4,100,6}: median 3.5, type-7 quartiles 2.25 and 5.5, IQR 3.25.
  const Scaler r = Scaler(ScalerKind::Robust).fit(x);
  EXPECT_DOUBLE_EQ(r.center()(0), 3.5);
  EXPECT_DOUBLE_EQ(r.scale()(0), 3.25);
  EXPECT_THROW(Scaler().transform(x), Error);
  EXPECT_THROW(Scaler().fit(x).transform(Eigen::MatrixXd(2, 2)), Error);
}

TEST(Windows, LengthStrideAndBounds) {
  Eigen::MatrixXd x(10, 2);
  for (int i = 0; i < 10; ++i) x.row(i) << i, 100 + i;
  const Windows w = make_windows(x, 3, 2);
  EXPECT_EQ(w.start, (std::vector<std::size_t>{0, 2, 4, 6}));
  EXPECT_EQ(w.at(1, 2, 0), 4.0);
  EXPECT_EQ(w.at(3, 0, 1), 106.0);
  const Windows part = make_windows(x, 3, 2, 0, 6);
  EXPECT_EQ(part.start, (std::vector<std::size_t>{0, 2}));
  EXPECT_THROW(make_windows(x, 0, 1), Error);
}

TEST(Split, ByDateHasNoLeakage) {
  const Panel px = read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv")).select({3});
  const Panel r = to_returns(px, ReturnKind::Log);
  const std::int64_t valid = *parse_date("2015-01-01");
  const std::int64_t test = *parse_date("2018-01-01");
  const Split s = split_by_index(r, valid, test);
  ASSERT_GT(s.train_end, 0u);
  EXPECT_LT(r.index[s.train_end - 1], valid);
  EXPECT_GE(r.index[s.train_end], valid);
  EXPECT_LT(r.index[s.valid_end - 1], test);
  EXPECT_GE(r.index[s.valid_end], test);
  EXPECT_EQ(format_index(r.kind, r.index[s.valid_end]), "2018-01-02");
  // Windows of the training part never reach a validation row.
  const Windows w = make_windows(r.values, 20, 5, 0, s.train_end);
  EXPECT_LE(w.start.back() + 20, s.train_end);
  // A scaler fitted on training rows does not move when test rows change.
  const Eigen::MatrixXd train = r.values.topRows(static_cast<Eigen::Index>(s.train_end));
  Eigen::MatrixXd shocked = r.values;
  shocked.bottomRows(static_cast<Eigen::Index>(s.rows - s.valid_end)).array() *= 10.0;
  EXPECT_EQ(Scaler().fit(train).center(),
            Scaler().fit(shocked.topRows(static_cast<Eigen::Index>(s.train_end))).center());
  EXPECT_THROW(split_by_index(r, test, valid), Error);
  EXPECT_THROW(split_by_index(r, *parse_date("2021-01-01"), *parse_date("2021-06-01")), Error);
}

TEST(Split, ByFraction) {
  const Split s = split_by_fraction(100, 0.7, 0.15);
  EXPECT_EQ(s.train_end, 70u);
  EXPECT_EQ(s.valid_end, 85u);
  EXPECT_THROW(split_by_fraction(100, 0.9, 0.2), Error);
  EXPECT_THROW(split_by_fraction(1, 0.5, 0.2), Error);
}

}  // namespace
}  // namespace fingen::data
