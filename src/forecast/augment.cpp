// Augmentation experiment and robustness to gaps and outliers.
#include "fingen/forecast/augment.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/json_numbers.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::forecast {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The model's options with its seed set (for kinds that have one).
nlohmann::json seeded(const std::vector<OptionInfo>& info, nlohmann::json options,
                      std::uint64_t seed) {
  for (const auto& o : info)
    if (o.name == "seed") options["seed"] = seed;
  return options;
}

double rmse_of(const Forecast& f, const Eigen::MatrixXd& actual, double* mae = nullptr) {
  Accuracy all;
  (void)accuracy(f, actual, {}, 1.0, false, &all);
  if (mae) *mae = all.mae;
  return all.rmse;
}
}  // namespace

AugmentResult augment_experiment(const Dataset& d, const ModelSpec& model, const AugmentOptions& o,
                                 const std::function<void(const std::string&)>& progress) {
  const std::size_t T = d.rows(), H = o.horizon();
  FG_REQUIRE(o.test_rows() >= H + 10 && o.test_rows() < T,
             "augment: the test block of {} rows must hold at least horizon + 10 rows and leave "
             "rows before it ({} rows in {})",
             o.test_rows(), T, d.source);
  const std::size_t ts = T - o.test_rows();
  FG_REQUIRE(!o.sizes().empty() && !o.seeds().empty(), "augment: no sizes or no seeds");
  for (std::size_t n : o.sizes())
    FG_REQUIRE(n >= 50 && n <= ts,
               "augment: a real-data size of {} rows; {} has {} rows before the test block "
               "(sizes must be in 50..{})",
               n, d.source, ts, ts);
  FG_REQUIRE(o.ratio() > 0 && o.ratio() <= 100, "augment: ratio must be in (0, 100]");
  FG_REQUIRE(o.path_length() >= 20 && o.path_length() <= 100000,
             "augment: path_length must be in 20..100000");
  for (const std::string& f : d.features)
    FG_REQUIRE(f == d.target || f == d.target + ":abs" || f == d.target + ":rv",
               "augment: feature '{}' is not the target's own (synthetic paths hold only {}); use "
               "{}, {}:abs or {}:rv",
               f, d.target, d.target, d.target, d.target);
  std::vector<AugmentSource> sources = o.sources();
  if (sources.empty()) {
    sources.push_back({"bootstrap", "bootstrap", nlohmann::json::object()});
    const auto kinds = scenario::generator_kinds();
    if (std::find(kinds.begin(), kinds.end(), "gan") != kinds.end())
      sources.push_back({"gan", "gan", nlohmann::json::object()});
  }
  for (const auto& s : sources) {
    FG_REQUIRE(s.name != "real", "augment: 'real' names the arm without synthetic data");
    (void)scenario::make_generator(s.generator, s.options, "augment source " + s.name);
  }
  const ForecasterKind& kind = forecaster_kind(model.kind);
  const Task task{H, {}};
  FG_REQUIRE(make_forecaster(model.kind, model.options, task)->uses_extra(),
             "augment: {} cannot train on synthetic paths; use a neural forecaster (lstm, gru, "
             "tcn, mlp)",
             model.kind);

  AugmentResult r;
  r.model = model;
  r.target = d.target;
  std::vector<std::size_t> origins;
  for (std::size_t t = ts - 1; t + H < T; ++t) origins.push_back(t);
  r.test_origins = origins.size();
  r.first_test = d.label(origins.front());
  r.last_test = d.label(origins.back());
  const auto O = static_cast<Eigen::Index>(origins.size());
  Eigen::MatrixXd actual(O, static_cast<Eigen::Index>(H));
  for (Eigen::Index i = 0; i < O; ++i)
    for (Eigen::Index h = 0; h < actual.cols(); ++h)
      actual(i, h) = d.y(static_cast<Eigen::Index>(origins[static_cast<std::size_t>(i)]) + 1 + h);
  {
    Forecast zero;
    zero.point = Eigen::MatrixXd::Zero(O, actual.cols());
    r.zero_rmse = rmse_of(zero, actual);
  }
  const DatasetSpec spec =
      DatasetSpec().target(d.target).kind(d.kind).vol_window(d.vol_window).features(d.features);
  for (std::size_t n : o.sizes()) {
    const std::size_t begin = ts - n;
    Panel train;
    train.kind = d.index_kind;
    train.values_kind = ValueKind::Returns;
    train.names = {d.target};
    train.source = d.source;
    train.index.assign(d.index.begin() + static_cast<std::ptrdiff_t>(begin),
                       d.index.begin() + static_cast<std::ptrdiff_t>(ts));
    train.values =
        d.returns.segment(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(n));
    std::vector<AugmentCell> cells(1 + sources.size());
    std::vector<Eigen::MatrixXd> mean_forecast(cells.size(),
                                               Eigen::MatrixXd::Zero(O, actual.cols()));
    cells[0].arm = "real";
    for (std::size_t a = 0; a < sources.size(); ++a) cells[a + 1].arm = sources[a].name;
    for (std::uint64_t seed : o.seeds()) {
      for (std::size_t a = 0; a < cells.size(); ++a) {
        const auto t0 = std::chrono::steady_clock::now();
        if (progress) progress(fmt::format("{} rows, seed {}: {}", n, seed, cells[a].arm));
        std::vector<Dataset> extra;
        if (a > 0) {
          const AugmentSource& s = sources[a - 1];
          auto g = scenario::make_generator(
              s.generator, seeded(scenario::generator_kind(s.generator).options, s.options, seed),
              "augment source " + s.name);
          g->fit(train);
          const std::size_t paths = static_cast<std::size_t>(
              std::ceil(o.ratio() * static_cast<double>(n) / static_cast<double>(o.path_length())));
          const Scenarios sc = g->generate(paths, o.path_length(), seed);
          for (std::size_t p = 0; p < sc.paths; ++p) {
            Panel path;
            path.kind = IndexKind::Observation;
            path.values_kind = ValueKind::Returns;
            path.names = {d.target};
            path.source = fmt::format("{} path {}", s.name, p);
            path.values.resize(static_cast<Eigen::Index>(sc.horizon), 1);
            for (std::size_t t = 0; t < sc.horizon; ++t) {
              path.values(static_cast<Eigen::Index>(t), 0) =
                  sc.data[(p * sc.horizon + t) * sc.assets];
              path.index.push_back(static_cast<std::int64_t>(t + 1));
            }
            extra.push_back(make_dataset(path, spec));
          }
        }
        auto f = make_forecaster(model.kind, seeded(kind.options, model.options, seed), task,
                                 "augment model " + model.name);
        f->fit_with(d, begin, ts, extra);
        const Forecast fc = f->predict(d, origins);
        double mae = 0;
        cells[a].rmse.push_back(rmse_of(fc, actual, &mae));
        cells[a].mae.push_back(mae);
        mean_forecast[a] += fc.point / static_cast<double>(o.seeds().size());
        cells[a].seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
    }
    for (std::size_t a = 0; a < cells.size(); ++a) {
      AugmentCell& c = cells[a];
      c.rows = n;
      const double k = static_cast<double>(c.rmse.size());
      double s = 0, s2 = 0, m = 0;
      for (std::size_t i = 0; i < c.rmse.size(); ++i)
        s += c.rmse[i], s2 += c.rmse[i] * c.rmse[i], m += c.mae[i];
      c.rmse_mean = s / k;
      c.rmse_sd = c.rmse.size() > 1 ? std::sqrt(std::max(0.0, (s2 - s * s / k) / (k - 1))) : 0;
      c.mae_mean = m / k;
      c.relative = c.rmse_mean / cells[0].rmse_mean;
      if (a == 0) {
        c.dm.statistic = c.dm.p_value = c.dm.p_less = kNaN;
        continue;
      }
      std::vector<double> e1(static_cast<std::size_t>(O)), e0(e1.size());
      for (Eigen::Index i = 0; i < O; ++i) {
        e1[static_cast<std::size_t>(i)] = actual(i, 0) - mean_forecast[a](i, 0);
        e0[static_cast<std::size_t>(i)] = actual(i, 0) - mean_forecast[0](i, 0);
      }
      try {
        c.dm = dm_test(e1, e0, 1);
      } catch (const Error& e) {
        if (e.category() != ErrorCategory::Numeric) throw;
        c.dm.statistic = c.dm.p_value = c.dm.p_less = kNaN;
      }
    }
    for (auto& c : cells) r.cells.push_back(std::move(c));
  }
  return r;
}

nlohmann::json to_json(const AugmentResult& r) {
  nlohmann::json j = {{"model", r.model.name},          {"kind", r.model.kind},
                      {"options", r.model.options},     {"target", r.target},
                      {"first_test", r.first_test},     {"last_test", r.last_test},
                      {"test_origins", r.test_origins}, {"zero_rmse", r.zero_rmse}};
  j["cells"] = nlohmann::json::array();
  for (const auto& c : r.cells)
    j["cells"].push_back({{"rows", c.rows},
                          {"arm", c.arm},
                          {"rmse", c.rmse},
                          {"mae", c.mae},
                          {"rmse_mean", c.rmse_mean},
                          {"rmse_sd", c.rmse_sd},
                          {"mae_mean", c.mae_mean},
                          {"relative", c.relative},
                          {"dm_statistic", json_number(c.dm.statistic)},
                          {"dm_p_value", json_number(c.dm.p_value)},
                          {"seconds", c.seconds}});
  return j;
}

std::string format_table(const AugmentResult& r) {
  std::string out = fmt::format(
      "augmentation: {} forecasting {} over {} test origins {}..{} (zero forecast RMSE {:.6f}); "
      "RMSE mean +- sd over seeds; DM: seed-averaged forecasts against the real-only arm's "
      "(horizon 1, squared errors; - = better than real only)\n",
      r.model.name, r.target, r.test_origins, r.first_test, r.last_test, r.zero_rmse);
  out += fmt::format("{:>7} {:<12} {:>10} {:>10} {:>9} {:>10} {:>8} {:>9}\n", "rows", "arm", "RMSE",
                     "sd", "vs real", "MAE", "DM p", "seconds");
  for (const auto& c : r.cells)
    out += fmt::format("{:>7} {:<12} {:>10.6f} {:>10.6f} {:>9.4f} {:>10.6f} {:>8} {:>9.1f}\n",
                       c.rows, c.arm, c.rmse_mean, c.rmse_sd, c.relative, c.mae_mean,
                       std::isfinite(c.dm.p_value)
                           ? fmt::format("{:.3f}{}", c.dm.p_value, c.dm.statistic < 0 ? "-" : "+")
                           : std::string("-"),
                       c.seconds);
  return out;
}

Panel corrupt(const Panel& returns, const std::string& series, double gaps, double outliers,
              double sigmas, std::uint64_t seed) {
  FG_REQUIRE(gaps >= 0 && outliers >= 0 && gaps + outliers < 0.5,
             "corrupt: shares of gaps ({}) and outliers ({}) must be >= 0 and sum below 0.5", gaps,
             outliers);
  FG_REQUIRE(sigmas > 0 && std::isfinite(sigmas), "corrupt: sigmas must be positive");
  Panel p = returns;
  const auto c = static_cast<Eigen::Index>(p.column(series));
  double s = 0, s2 = 0;
  std::size_t n = 0;
  for (Eigen::Index t = 0; t < p.values.rows(); ++t)
    if (std::isfinite(p.values(t, c)))
      s += p.values(t, c), s2 += p.values(t, c) * p.values(t, c), ++n;
  FG_REQUIRE(n >= 2, "corrupt: {} has fewer than 2 values", series);
  const double sd =
      std::sqrt(std::max(0.0, s2 / static_cast<double>(n) -
                                  (s / static_cast<double>(n)) * (s / static_cast<double>(n))));
  Rng rng(seed);
  for (Eigen::Index t = 0; t < p.values.rows(); ++t) {
    const double u = rng.uniform();
    const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
    if (u < gaps)
      p.values(t, c) = kNaN;
    else if (u < gaps + outliers)
      p.values(t, c) = sign * sigmas * sd;
  }
  return p;
}

RobustnessResult robustness(const Panel& returns, const DatasetSpec& spec,
                            const std::vector<ModelSpec>& models, const WalkForwardOptions& options,
                            double gaps, double outliers, double sigmas, std::uint64_t seed) {
  const Dataset clean = make_dataset(returns, spec);
  const Panel pg = corrupt(returns, clean.target, gaps, 0, sigmas, seed);
  const Panel po = corrupt(returns, clean.target, 0, outliers, sigmas, seed + 1);
  RobustnessResult r;
  r.gaps = gaps;
  r.outliers = outliers;
  r.sigmas = sigmas;
  const auto tc = static_cast<Eigen::Index>(returns.column(clean.target));
  for (Eigen::Index t = 0; t < returns.values.rows(); ++t) {
    if (std::isnan(pg.values(t, tc))) ++r.deleted;
    if (po.values(t, tc) != returns.values(t, tc)) ++r.replaced;
  }
  const WalkForwardResult rc = walk_forward(clean, models, options);
  const WalkForwardResult rg = walk_forward(make_dataset(pg, spec), models, options);
  const WalkForwardResult ro = walk_forward(make_dataset(po, spec), models, options);
  for (std::size_t m = 0; m < models.size(); ++m) {
    RobustnessRow row;
    row.model = rc.models[m].spec.name;
    row.clean_rmse = rmse_of(rc.models[m].forecast, rc.actual, &row.clean_mae);
    // Corrupted runs are scored against the clean realised values.
    row.gaps_rmse = rmse_of(rg.models[m].forecast, rc.actual, &row.gaps_mae);
    row.outliers_rmse = rmse_of(ro.models[m].forecast, rc.actual, &row.outliers_mae);
    r.rows.push_back(row);
  }
  return r;
}

nlohmann::json to_json(const RobustnessResult& r) {
  nlohmann::json j = {{"gaps", r.gaps},
                      {"outliers", r.outliers},
                      {"sigmas", r.sigmas},
                      {"deleted", r.deleted},
                      {"replaced", r.replaced}};
  j["models"] = nlohmann::json::array();
  for (const auto& m : r.rows)
    j["models"].push_back({{"model", m.model},
                           {"clean_rmse", m.clean_rmse},
                           {"gaps_rmse", m.gaps_rmse},
                           {"outliers_rmse", m.outliers_rmse},
                           {"clean_mae", m.clean_mae},
                           {"gaps_mae", m.gaps_mae},
                           {"outliers_mae", m.outliers_mae}});
  return j;
}

std::string format_table(const RobustnessResult& r) {
  std::string out = fmt::format(
      "robustness: {} of the target's returns deleted ({:.0f}%), {} replaced by +-{:g} sd "
      "({:.0f}%); every run scored against the clean realised values\n",
      r.deleted, 100 * r.gaps, r.replaced, r.sigmas, 100 * r.outliers);
  out += fmt::format("{:<14} {:>11} {:>11} {:>8} {:>11} {:>8}\n", "model", "RMSE clean",
                     "with gaps", "change", "outliers", "change");
  for (const auto& m : r.rows)
    out += fmt::format("{:<14} {:>11.6f} {:>11.6f} {:>+7.1f}% {:>11.6f} {:>+7.1f}%\n", m.model,
                       m.clean_rmse, m.gaps_rmse, 100 * (m.gaps_rmse / m.clean_rmse - 1),
                       m.outliers_rmse, 100 * (m.outliers_rmse / m.clean_rmse - 1));
  return out;
}

}  // namespace fingen::forecast
