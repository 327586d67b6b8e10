// Forecasting: the Diebold–Mariano test and AR least squares against R
// (tests/forecast/golden/make_forecast_golden.R -> forecast_golden.json), the baselines, the
// walk-forward's freedom from look-ahead, gaps and outliers, and bad input.
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/data/load.hpp"
#include "fingen/forecast/evaluate.hpp"
#include "fingen/forecast/forecaster.hpp"
#include "test_util.hpp"

namespace {
namespace fc = fingen::forecast;
using json = nlohmann::json;

json golden() {
  return json::parse(fingen::read_file(std::string(FINGEN_TEST_DATA_DIR) +
                                       "/../forecast/golden/forecast_golden.json"));
}

fingen::Panel sp500() {
  fingen::data::ReturnsSource src;
  src.file = std::string(FINGEN_BUNDLED_DATA_DIR) + "/sp500_ohlcv_2000_2020.csv";
  return fingen::data::load_returns(src);
}

/// A returns panel of an AR(1) process y_t = 0.0002 + 0.3 y_{t-1} + 0.01 e_t (Gaussian e).
fingen::Panel ar1_panel(std::size_t n, std::uint64_t seed) {
  fingen::Panel p;
  p.kind = fingen::IndexKind::Observation;
  p.values_kind = fingen::ValueKind::Returns;
  p.names = {"x"};
  p.values.resize(static_cast<Eigen::Index>(n), 1);
  fingen::Rng rng(seed);
  double y = 0;
  for (std::size_t t = 0; t < n; ++t) {
    y = 0.0002 + 0.3 * y + 0.01 * rng.normal();
    p.values(static_cast<Eigen::Index>(t), 0) = y;
    p.index.push_back(static_cast<std::int64_t>(t + 1));
  }
  p.source = "ar1";
  return p;
}

TEST(DieboldMariano, MatchesRForecastDmTest) {
  const json g = golden();
  ASSERT_GE(g.at("dm").size(), 5u);
  for (const json& c : g.at("dm")) {
    const auto e1 = c.at("e1").get<std::vector<double>>();
    const auto e2 = c.at("e2").get<std::vector<double>>();
    const fc::DmTest t = fc::dm_test(e1, e2, c.at("h").get<std::size_t>(), c.at("power"));
    SCOPED_TRACE(c.at("name").get<std::string>());
    EXPECT_NEAR(t.statistic, c.at("statistic").get<double>(), 1e-9);
    EXPECT_NEAR(t.p_value, c.at("p_value").get<double>(), 1e-9);
    EXPECT_NEAR(t.p_less, c.at("p_less").get<double>(), 1e-9);
    EXPECT_EQ(t.n, e1.size());
  }
}

TEST(DieboldMariano, RefusesIdenticalForecastsAndTooFewPairs) {
  const std::vector<double> e = {0.1, -0.2, 0.3, 0.05};
  EXPECT_THROW(fc::dm_test(e, e, 1), fingen::Error);
  EXPECT_THROW(fc::dm_test({0.1, 0.2}, {0.3, 0.1}, 1), fingen::Error);
  // NaN pairs are dropped, not propagated.
  const fc::DmTest t = fc::dm_test({0.1, NAN, 0.3, 0.2, -0.4}, {0.2, 0.1, -0.1, 0.5, 0.1}, 1);
  EXPECT_EQ(t.n, 4u);
  EXPECT_TRUE(std::isfinite(t.statistic));
}

TEST(ArLeastSquares, MatchesRLm) {
  const json g = golden();
  const fingen::Panel p = sp500();
  const Eigen::VectorXd r = p.values.col(0);
  for (const char* series : {"returns", "abs_returns"}) {
    SCOPED_TRACE(series);
    const json& a = g.at("ar").at(series);
    const std::size_t n = a.at("n"), maxp = a.at("max_order");
    std::vector<double> z(n);
    for (std::size_t t = 0; t < n; ++t)
      z[t] = std::string(series) == "returns" ? r(static_cast<Eigen::Index>(t))
                                              : std::abs(r(static_cast<Eigen::Index>(t)));
    for (const json& f : a.at("fits")) {
      const fc::ArModel m = fc::fit_ar(z.data(), n, f.at("order"), maxp);
      const auto coef = f.at("coef").get<std::vector<double>>();
      ASSERT_EQ(coef.size(), m.order + 1);
      EXPECT_NEAR(m.intercept, coef[0], 1e-12);
      for (std::size_t l = 0; l < m.order; ++l) EXPECT_NEAR(m.coef[l], coef[l + 1], 1e-9);
      EXPECT_NEAR(m.aic, f.at("aic").get<double>(), 1e-6);
      EXPECT_NEAR(m.sigma2, f.at("sigma2").get<double>(), 1e-15);
    }
    EXPECT_EQ(fc::fit_ar_aic(z.data(), n, maxp).order, a.at("best").get<std::size_t>());
  }
}

TEST(Dataset, BuildsTargetsAndFeaturesAndRejectsUnknownColumns) {
  const fingen::Panel p = sp500();
  const fc::Dataset d = fc::make_dataset(
      p, fc::DatasetSpec().features({p.names[0], p.names[0] + ":abs", p.names[0] + ":rv", "dow"}));
  ASSERT_EQ(d.x.cols(), 4);
  EXPECT_DOUBLE_EQ(d.y(10), p.values(10, 0));
  EXPECT_DOUBLE_EQ(d.x(10, 1), std::abs(p.values(10, 0)));
  double s = 0;
  for (int i = 6; i <= 10; ++i) s += p.values(i, 0) * p.values(i, 0);
  EXPECT_NEAR(d.x(10, 2), std::sqrt(s / 5), 1e-15);
  // 2000-01-04 (row 0 of the returns) was a Tuesday: (1 - 2) / 2.
  EXPECT_EQ(d.label(0), "2000-01-04");
  EXPECT_DOUBLE_EQ(d.x(0, 3), -0.5);
  const fc::Dataset v = fc::make_dataset(p, fc::DatasetSpec().kind(fc::TargetKind::Volatility));
  EXPECT_NEAR(v.y(10), std::sqrt(s / 5), 1e-15);
  EXPECT_THROW(fc::make_dataset(p, fc::DatasetSpec().target("nope")), fingen::Error);
  EXPECT_THROW(fc::make_dataset(p, fc::DatasetSpec().features({p.names[0] + ":sq"})),
               fingen::Error);
  EXPECT_THROW(fc::make_dataset(p, fc::DatasetSpec().features({"other"})), fingen::Error);
}

TEST(Baselines, ZeroNaiveMeanAndArForecastWhatTheyShould) {
  const fingen::Panel p = ar1_panel(600, 3);
  const fc::Dataset d = fc::make_dataset(p, {});
  const fc::Task task{3, {}};
  auto zero = fc::make_forecaster("zero", {}, task);
  auto naive = fc::make_forecaster("naive", {}, task);
  auto mean = fc::make_forecaster("mean", {}, task);
  auto ar = fc::make_forecaster("ar", {{"max_order", 1}}, task);
  for (auto* m : {zero.get(), naive.get(), mean.get(), ar.get()}) m->fit(d, 0, 500);
  const std::vector<std::size_t> o = {499, 550};
  EXPECT_TRUE(zero->predict(d, o).point.isZero());
  EXPECT_DOUBLE_EQ(naive->predict(d, o).point(1, 2), d.y(550));
  EXPECT_NEAR(mean->predict(d, o).point(0, 0), d.y.head(500).mean(), 1e-15);
  // AR(1), iterated: f1 = c + phi y_t, f2 = c + phi f1, so (f2 - f1) / (f1 - y_t) = phi, and the
  // estimate of the true 0.3 from 500 rows is within 0.1.
  const Eigen::MatrixXd f = ar->predict(d, o).point;
  const double phi = (f(0, 1) - f(0, 0)) / (f(0, 0) - d.y(499));
  EXPECT_NEAR((f(0, 2) - f(0, 1)) / (f(0, 1) - f(0, 0)), phi, 1e-9);
  EXPECT_NEAR(phi, 0.3, 0.1);
  EXPECT_THROW(fc::make_forecaster("ar", {{"max_ordr", 5}}, task), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("nope", {}, task), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("zero", {}, fc::Task{0, {}}), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("zero", {}, fc::Task{1, {0.9, 0.1}}), fingen::Error);
}

TEST(WalkForward, ArBeatsZeroOnAnAr1ProcessAndTheDmTestSaysSo) {
  const fc::Dataset d = fc::make_dataset(ar1_panel(2000, 11), {});
  const auto r =
      fc::walk_forward(d, {{"zero", "zero", {}}, {"ar", "ar", {}}, {"mean", "mean", {}}},
                       fc::WalkForwardOptions().test_start(1000).horizon(2).refit_every(100));
  ASSERT_EQ(r.models.size(), 3u);
  EXPECT_EQ(r.origins.size(), 999u);
  const auto& ar = r.models[1];
  EXPECT_LT(ar.per_horizon[0].rmse, r.models[0].per_horizon[0].rmse);
  EXPECT_EQ(ar.refits, 10u);
  bool found = false;
  for (const auto& row : r.dm)
    if (row.model == "ar" && row.benchmark == "zero" && row.horizon == 1) {
      found = true;
      EXPECT_LT(row.test.statistic, 0);
      EXPECT_LT(row.test.p_value, 1e-3);
    }
  EXPECT_TRUE(found);
  EXPECT_NE(fc::format_table(r).find("DM vs zero"), std::string::npos);
  const json j = fc::to_json(r);
  EXPECT_EQ(j.at("models").size(), 3u);
}

TEST(WalkForward, ForecastsNeverSeeTheFuture) {
  // Perturbing every row after origin t0 must leave every forecast made at origins <= t0 as it
  // was, for every baseline, in expanding and rolling windows. A refit falls on t0 itself (origins
  // 1099, 1199), so a fit that read one row too many would show.
  const fingen::Panel p = sp500().slice_rows(0, 1300);
  fingen::Panel q = p;
  const std::size_t t0 = 1199;
  for (Eigen::Index t = t0 + 1; t < q.values.rows(); ++t)
    q.values(t, 0) = -3 * q.values(t, 0) + 0.01;
  for (const fc::TargetKind kind : {fc::TargetKind::Returns, fc::TargetKind::Volatility}) {
    const fc::Dataset a = fc::make_dataset(p, fc::DatasetSpec().kind(kind));
    const fc::Dataset b = fc::make_dataset(q, fc::DatasetSpec().kind(kind));
    for (std::size_t window : {std::size_t{0}, std::size_t{600}}) {
      const std::vector<fc::ModelSpec> models = {
          {"naive", "naive", {}}, {"mean", "mean", {}}, {"ar", "ar", {}}, {"garch", "garch", {}}};
      const auto o = fc::WalkForwardOptions()
                         .test_start(1100)
                         .horizon(3)
                         .refit_every(100)
                         .window(window)
                         .quantiles({0.05, 0.95});
      const auto ra = fc::walk_forward(a, models, o);
      const auto rb = fc::walk_forward(b, models, o);
      for (std::size_t m = 0; m < models.size(); ++m)
        for (std::size_t i = 0; i < ra.origins.size() && ra.origins[i] <= t0; ++i) {
          SCOPED_TRACE(models[m].kind + " at origin " + std::to_string(ra.origins[i]));
          ASSERT_EQ(ra.models[m].forecast.point.row(static_cast<Eigen::Index>(i)),
                    rb.models[m].forecast.point.row(static_cast<Eigen::Index>(i)));
          ASSERT_EQ(ra.models[m].forecast.quantiles[1].row(static_cast<Eigen::Index>(i)),
                    rb.models[m].forecast.quantiles[1].row(static_cast<Eigen::Index>(i)));
        }
    }
  }
}

TEST(WalkForward, DirectionTargetsAreProbabilitiesScoredByHitRateAndBrier) {
  // Signs of a Gaussian AR(1) with phi = 0.5 repeat with probability 1/2 + asin(0.5)/pi = 2/3, so
  // an AR on the 0/1 direction calls about 2/3 of them; the historical frequency cannot.
  fingen::Panel p = ar1_panel(3000, 17);
  fingen::Rng rng(17);
  double y = 0;
  for (Eigen::Index t = 0; t < p.values.rows(); ++t) p.values(t, 0) = y = 0.5 * y + rng.normal();
  const fc::Dataset d = fc::make_dataset(p, fc::DatasetSpec().kind(fc::TargetKind::Direction));
  EXPECT_TRUE(((d.y.array() == 0) || (d.y.array() == 1)).all());
  const auto r =
      fc::walk_forward(d, {{"mean", "mean", {}}, {"ar", "ar", {}}, {"garch", "garch", {}}},
                       fc::WalkForwardOptions().test_start(1500).refit_every(500));
  for (const auto& m : r.models) {
    EXPECT_GE(m.forecast.point.minCoeff(), -0.2) << m.spec.name;
    EXPECT_LE(m.forecast.point.maxCoeff(), 1.2) << m.spec.name;
  }
  EXPECT_NEAR(r.models[1].overall.directional, 2.0 / 3.0, 0.04);
  EXPECT_LT(r.models[1].overall.rmse, r.models[0].overall.rmse);  // root Brier score
  EXPECT_GE(r.models[2].forecast.point.minCoeff(), 0.0);  // GARCH: P(r > 0) from its innovation
  EXPECT_LE(r.models[2].forecast.point.maxCoeff(), 1.0);
}

TEST(WalkForward, GarchVolatilityForecastsBeatTheMeanOnSp500) {
  const fc::Dataset d =
      fc::make_dataset(sp500(), fc::DatasetSpec().kind(fc::TargetKind::Volatility));
  const auto r = fc::walk_forward(
      d, {{"naive", "naive", {}}, {"mean", "mean", {}}, {"garch", "garch", {}}},
      fc::WalkForwardOptions().test_start(d.rows() - 750).horizon(5).refit_every(250));
  EXPECT_LT(r.models[2].overall.rmse, r.models[1].overall.rmse);
  EXPECT_GT(r.models[2].forecast.point.minCoeff(), 0);
}

TEST(WalkForward, GapsAndOutliersNeverGiveNaN) {
  fingen::Panel p = sp500().slice_rows(0, 1600);
  fingen::Rng rng(5);
  const double sd = std::sqrt((p.values.col(0).array() - p.values.col(0).mean()).square().mean());
  for (Eigen::Index t = 0; t < p.values.rows(); ++t) {
    const double u = rng.uniform();
    if (u < 0.05)
      p.values(t, 0) = std::numeric_limits<double>::quiet_NaN();
    else if (u < 0.06)
      p.values(t, 0) = (rng.uniform() < 0.5 ? -10 : 10) * sd;
  }
  const fc::Dataset d =
      fc::make_dataset(p, fc::DatasetSpec().features({p.names[0], p.names[0] + ":rv"}));
  const auto r = fc::walk_forward(
      d,
      {{"zero", "zero", {}},
       {"naive", "naive", {}},
       {"mean", "mean", {}},
       {"ar", "ar", {}},
       {"garch", "garch", {}}},
      fc::WalkForwardOptions().test_start(1200).horizon(2).refit_every(100).quantiles({0.1, 0.9}));
  for (const auto& m : r.models) {
    EXPECT_TRUE(m.forecast.point.allFinite()) << m.spec.name;
    EXPECT_TRUE(std::isfinite(m.overall.rmse)) << m.spec.name;
    EXPECT_LT(m.overall.n, 2 * r.origins.size());  // missing actuals are not scored
  }
}

TEST(WalkForward, RefusesImpossibleSplits) {
  const fc::Dataset d = fc::make_dataset(ar1_panel(300, 1), {});
  const std::vector<fc::ModelSpec> m = {{"zero", "zero", {}}};
  EXPECT_THROW(fc::walk_forward(d, m, fc::WalkForwardOptions().test_start(295).horizon(10)),
               fingen::Error);
  EXPECT_THROW(fc::walk_forward(d, m, fc::WalkForwardOptions().test_start(0)), fingen::Error);
  EXPECT_THROW(fc::walk_forward(d, m, fc::WalkForwardOptions().test_start(200).window(250)),
               fingen::Error);
  EXPECT_THROW(fc::walk_forward(d, {}, fc::WalkForwardOptions().test_start(200)), fingen::Error);
}

TEST(Forecasters, BaselinesSaveAndLoadToTheSameForecasts) {
  const fc::Dataset d = fc::make_dataset(sp500().slice_rows(0, 1200), {});
  const auto dir = std::filesystem::temp_directory_path() / "fingen_test_forecast_save";
  for (const char* kind : {"zero", "naive", "mean", "ar", "garch"}) {
    SCOPED_TRACE(kind);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto m = fc::make_forecaster(kind, {}, fc::Task{4, {0.05, 0.5, 0.95}});
    m->fit(d, 0, 1000);
    m->save(dir.string());
    const auto l = fc::load_forecaster(dir.string());
    EXPECT_EQ(l->kind(), kind);
    const std::vector<std::size_t> o = {1000, 1100, 1199};
    const fc::Forecast a = m->predict(d, o), b = l->predict(d, o);
    EXPECT_TRUE(a.point.isApprox(b.point, 1e-14) || a.point == b.point);
    ASSERT_EQ(b.quantiles.size(), 3u);
    EXPECT_TRUE(a.quantiles[2].isApprox(b.quantiles[2], 1e-14));
    EXPECT_LT(b.quantiles[0](0, 0), b.quantiles[2](0, 0));
  }
  // Found by fuzz_forecast_model: a horizon of 2.2e70 was converted to an integer with undefined
  // behaviour. A horizon that is not a whole count in range is an input error naming the file.
  auto m = fc::make_forecaster("naive", {}, fc::Task{4, {0.05, 0.5, 0.95}});
  std::filesystem::create_directories(dir);
  m->fit(d, 0, 1000);
  m->save(dir.string());
  const std::string file = (dir / "model.json").string();
  nlohmann::json j = nlohmann::json::parse(fingen::read_file(file));
  for (const nlohmann::json& h :
       {nlohmann::json(2.2e70), nlohmann::json(2.5), nlohmann::json(-3)}) {
    j["params"]["horizon"] = h;
    fingen::write_file_atomic(file, j.dump());
    fingen::test::expect_error([&] { fc::load_forecaster(dir.string()); },
                               fingen::ErrorCategory::Input, {file, "horizon"});
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
