// Neural forecasters (src/ml/forecaster.cpp): what must hold for any seed and CPU. On an AR(1)
// process with phi = 0.6 the best forecast has an RMSE of sqrt(1 - 0.36) = 0.8 of the zero
// forecast's; every network must get well below the zero forecast, keep its quantiles ordered
// with about the right coverage, survive gaps, never see the future, and reload bit for bit.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/forecast/evaluate.hpp"
#include "fingen/forecast/forecaster.hpp"

namespace {
namespace fc = fingen::forecast;
using json = nlohmann::json;

fingen::Panel ar1(std::size_t n, std::uint64_t seed, double phi = 0.6) {
  fingen::Panel p;
  p.kind = fingen::IndexKind::Observation;
  p.values_kind = fingen::ValueKind::Returns;
  p.names = {"x"};
  p.source = "ar1";
  p.values.resize(static_cast<Eigen::Index>(n), 1);
  fingen::Rng rng(seed);
  double y = 0;
  for (std::size_t t = 0; t < n; ++t) {
    y = phi * y + 0.01 * rng.normal();
    p.values(static_cast<Eigen::Index>(t), 0) = y;
    p.index.push_back(static_cast<std::int64_t>(t + 1));
  }
  return p;
}

json small(const char* extra_key = nullptr, int extra = 0) {
  json j = {{"window", 10},      {"hidden", 16}, {"steps", 300},
            {"refit_steps", 60}, {"threads", 1}, {"eval_every", 25}};
  if (extra_key) j[extra_key] = extra;
  return j;
}

TEST(NeuralForecasters, LearnAnAr1ProcessBetterThanZero) {
  const fc::Dataset d = fc::make_dataset(ar1(1500, 21), {});
  std::vector<fc::ModelSpec> models = {{"zero", "zero", {}}, {"ar", "ar", {}}};
  for (const char* k : {"lstm", "gru", "tcn", "mlp", "lstm-gan"}) models.push_back({k, k, small()});
  const auto r = fc::walk_forward(
      d, models,
      fc::WalkForwardOptions().test_start(1000).horizon(2).refit_every(250).quantiles({0.1, 0.9}));
  const double zero = r.models[0].per_horizon[0].rmse;
  for (const auto& m : r.models) {
    SCOPED_TRACE(m.spec.name);
    EXPECT_TRUE(m.forecast.point.allFinite());
    if (m.spec.name == "zero") continue;
    EXPECT_LT(m.per_horizon[0].rmse, 0.9 * zero);  // the optimum is 0.8
    // Ordered quantiles and a 10-90% band that covers roughly 80% of outcomes.
    EXPECT_TRUE((m.forecast.quantiles[0].array() <= m.forecast.quantiles[1].array()).all());
    EXPECT_GT(m.per_horizon[0].coverage, 0.6);
    EXPECT_LT(m.per_horizon[0].coverage, 0.95);
  }
  for (const auto& row : r.dm)
    if (row.benchmark == "zero" && row.horizon == 1) {
      SCOPED_TRACE(row.model);
      EXPECT_LT(row.test.statistic, 0);
      EXPECT_LT(row.test.p_value, 0.01);
    }
}

TEST(NeuralForecasters, IteratedOneStepForecastsDecayLikeTheAr1) {
  // An AR(1) with phi = 0.6 forecast h steps ahead is phi^h y_t: iterating a one-step network
  // gives forecasts whose step-to-step ratio is about phi; direct multi-step is unaffected.
  const fc::Dataset d = fc::make_dataset(ar1(1500, 12), {});
  json o = small();
  o["iterated"] = true;
  auto f = fc::make_forecaster("lstm", o, fc::Task{3, {0.1, 0.9}});
  f->fit(d, 0, 1200);
  std::vector<std::size_t> orig;
  for (std::size_t t = 1200; t + 3 < 1500; ++t) orig.push_back(t);
  const fc::Forecast p = f->predict(d, orig);
  const Eigen::VectorXd a = p.point.col(0), b = p.point.col(1);
  const double slope = a.dot(b) / a.dot(a);  // regression of step 2 on step 1 through 0
  EXPECT_NEAR(slope, 0.6, 0.2);
  EXPECT_TRUE((p.quantiles[0].array() <= p.quantiles[1].array()).all());
  double e0 = 0, ez = 0;
  for (std::size_t i = 0; i < orig.size(); ++i) {
    const double y = d.y(static_cast<Eigen::Index>(orig[i] + 1));
    e0 += (y - a(static_cast<Eigen::Index>(i))) * (y - a(static_cast<Eigen::Index>(i)));
    ez += y * y;
  }
  EXPECT_LT(e0, 0.85 * ez);
  // Inputs that are not the target's own cannot be iterated; nor can a volatility target.
  fingen::Panel two = ar1(600, 1);
  two.names = {"x"};
  auto g = fc::make_forecaster("lstm", o, fc::Task{2, {}});
  EXPECT_THROW(g->fit(fc::make_dataset(two, fc::DatasetSpec().features({"x", "dow"})), 0, 500),
               fingen::Error);
  EXPECT_THROW(
      g->fit(fc::make_dataset(two, fc::DatasetSpec().kind(fc::TargetKind::Volatility)), 0, 500),
      fingen::Error);
}

TEST(NeuralForecasters, DirectionIsAProbabilityTrainedByCrossEntropy) {
  // Signs of an AR(1) with phi = 0.6 repeat with probability 1/2 + asin(0.6)/pi = 0.705.
  const fc::Dataset d =
      fc::make_dataset(ar1(1500, 5), fc::DatasetSpec().kind(fc::TargetKind::Direction));
  auto f = fc::make_forecaster("gru", small(), fc::Task{1, {}});
  f->fit(d, 0, 1000);
  std::vector<std::size_t> o;
  for (std::size_t t = 1000; t + 1 < 1500; ++t) o.push_back(t);
  const Eigen::MatrixXd p = f->predict(d, o).point;
  EXPECT_GT(p.minCoeff(), 0.0);
  EXPECT_LT(p.maxCoeff(), 1.0);
  double hits = 0;
  for (std::size_t i = 0; i < o.size(); ++i)
    hits += (p(static_cast<Eigen::Index>(i), 0) > 0.5) ==
            (d.y(static_cast<Eigen::Index>(o[i] + 1)) > 0.5);
  EXPECT_GT(hits / static_cast<double>(o.size()), 0.62);
}

TEST(NeuralForecasters, SameSeedSameForecastsAndSavedModelsReloadExactly) {
  const fc::Dataset d = fc::make_dataset(ar1(800, 4), {});
  const auto dir = std::filesystem::temp_directory_path() / "fingen_test_nn_forecaster";
  for (const char* k : {"lstm", "tcn", "mlp"}) {
    SCOPED_TRACE(k);
    auto a = fc::make_forecaster(k, small("steps", 80), fc::Task{3, {0.25, 0.75}});
    auto b = fc::make_forecaster(k, small("steps", 80), fc::Task{3, {0.25, 0.75}});
    a->fit(d, 0, 600);
    b->fit(d, 0, 600);
    const std::vector<std::size_t> o = {599, 650, 799};
    const fc::Forecast fa = a->predict(d, o);
    EXPECT_EQ(fa.point, b->predict(d, o).point);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    a->save(dir.string());
    const auto l = fc::load_forecaster(dir.string());
    EXPECT_EQ(l->kind(), k);
    const fc::Forecast fl = l->predict(d, o);
    EXPECT_EQ(fa.point, fl.point);
    EXPECT_EQ(fa.quantiles[1], fl.quantiles[1]);
  }
  std::filesystem::remove_all(dir);
}

TEST(NeuralForecasters, WalkForwardWithWarmRefitsNeverSeesTheFuture) {
  const fingen::Panel p = ar1(900, 8);
  fingen::Panel q = p;
  const std::size_t t0 = 700;
  for (Eigen::Index t = t0 + 1; t < q.values.rows(); ++t) q.values(t, 0) = 0.05;
  const auto o = fc::WalkForwardOptions().test_start(600).horizon(2).refit_every(60);
  const std::vector<fc::ModelSpec> m = {{"lstm", "lstm", small("steps", 60)}};
  const auto ra = fc::walk_forward(fc::make_dataset(p, {}), m, o);
  const auto rb = fc::walk_forward(fc::make_dataset(q, {}), m, o);
  ASSERT_GE(ra.models[0].refits, 2u);
  for (std::size_t i = 0; i < ra.origins.size() && ra.origins[i] <= t0; ++i)
    ASSERT_EQ(ra.models[0].forecast.point.row(static_cast<Eigen::Index>(i)),
              rb.models[0].forecast.point.row(static_cast<Eigen::Index>(i)))
        << "origin " << ra.origins[i];
}

TEST(NeuralForecasters, GapsAndOutliersGiveFiniteForecasts) {
  fingen::Panel p = ar1(900, 9);
  fingen::Rng rng(2);
  for (Eigen::Index t = 0; t < p.values.rows(); ++t) {
    const double u = rng.uniform();
    if (u < 0.05)
      p.values(t, 0) = std::numeric_limits<double>::quiet_NaN();
    else if (u < 0.06)
      p.values(t, 0) = 0.125 * (rng.uniform() < 0.5 ? -1 : 1);  // about 10 sd
  }
  const fc::Dataset d = fc::make_dataset(p, fc::DatasetSpec().features({"x", "x:rv"}));
  auto f = fc::make_forecaster("gru", small("steps", 60), fc::Task{2, {}});
  f->fit(d, 0, 700);
  std::vector<std::size_t> o;
  for (std::size_t t = 700; t < 900; ++t) o.push_back(t);
  EXPECT_TRUE(f->predict(d, o).point.allFinite());
}

TEST(NeuralForecasters, RefuseBadOptionsAndDataOfAnotherLayout) {
  const fc::Task task{1, {}};
  EXPECT_THROW(fc::make_forecaster("lstm", {{"window", 1}}, task), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("lstm", {{"loss", "l3"}}, task), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("lstm", {{"hidden", 2.5}}, task), fingen::Error);
  EXPECT_THROW(fc::make_forecaster("tcn", {{"widnow", 5}}, task), fingen::Error);
  const fingen::Panel p = ar1(300, 1);
  auto f = fc::make_forecaster("mlp", small("steps", 20), task);
  f->fit(fc::make_dataset(p, {}), 0, 250);
  const fc::Dataset other = fc::make_dataset(p, fc::DatasetSpec().features({"x", "x:abs"}));
  EXPECT_THROW(f->predict(other, {260}), fingen::Error);
  // Too little data for the window.
  auto g = fc::make_forecaster("lstm", {{"window", 200}}, task);
  EXPECT_THROW(g->fit(fc::make_dataset(p, {}), 0, 210), fingen::Error);
}

}  // namespace
