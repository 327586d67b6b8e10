// Walk-forward evaluation, accuracy measures and the Diebold–Mariano test.
#include "fingen/forecast/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/json_numbers.hpp"

namespace fingen::forecast {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

DmTest dm_test(const std::vector<double>& e1, const std::vector<double>& e2, std::size_t h,
               double power) {
  FG_REQUIRE(e1.size() == e2.size(), "dm_test: {} and {} errors", e1.size(), e2.size());
  FG_REQUIRE(h >= 1, "dm_test: horizon must be at least 1");
  FG_REQUIRE(power > 0, "dm_test: power must be positive, got {}", power);
  std::vector<double> d;
  d.reserve(e1.size());
  for (std::size_t i = 0; i < e1.size(); ++i)
    if (std::isfinite(e1[i]) && std::isfinite(e2[i]))
      d.push_back(std::pow(std::abs(e1[i]), power) - std::pow(std::abs(e2[i]), power));
  const std::size_t n = d.size();
  FG_REQUIRE(n >= 3, "dm_test: {} complete pairs of errors; need at least 3", n);
  const double nd = static_cast<double>(n);
  double mean = 0;
  for (double v : d) mean += v;
  mean /= nd;
  // Autocovariances (divisor n, as R's acf) to lag h - 1.
  auto autocov = [&](std::size_t lag) {
    double s = 0;
    for (std::size_t t = lag; t < n; ++t) s += (d[t] - mean) * (d[t - lag] - mean);
    return s / nd;
  };
  for (std::size_t hh = std::min(h, n - 1);; hh = 1) {
    double var = autocov(0);
    for (std::size_t lag = 1; lag < hh; ++lag) var += 2 * autocov(lag);
    var /= nd;
    if (!(var > 0)) {
      FG_CHECK(Numeric, hh != 1,
               "dm_test: the loss differential has zero variance (identical forecasts?)");
      continue;  // as dm.test: a non-positive long-run variance falls back to h = 1
    }
    const double hd = static_cast<double>(hh);
    const double k = std::sqrt((nd + 1 - 2 * hd + (hd / nd) * (hd - 1)) / nd);
    DmTest r;
    r.n = n;
    r.h = hh;
    r.statistic = mean / std::sqrt(var) * k;
    const boost::math::students_t_distribution<double> t(nd - 1);
    r.p_value = 2 * boost::math::cdf(t, -std::abs(r.statistic));
    r.p_less = boost::math::cdf(t, r.statistic);
    return r;
  }
}

double naive_mae(const Eigen::VectorXd& y, std::size_t begin, std::size_t end) {
  double s = 0;
  std::size_t n = 0;
  for (std::size_t t = begin + 1; t < end; ++t) {
    const double a = y(static_cast<Eigen::Index>(t)), b = y(static_cast<Eigen::Index>(t - 1));
    if (std::isfinite(a) && std::isfinite(b)) s += std::abs(a - b), ++n;
  }
  return n == 0 ? kNaN : s / static_cast<double>(n);
}

std::vector<Accuracy> accuracy(const Forecast& f, const Eigen::MatrixXd& actual,
                               const std::vector<double>& levels, double mase_scale,
                               bool directional, Accuracy* overall, bool direction_probabilities) {
  FG_REQUIRE(f.point.rows() == actual.rows() && f.point.cols() == actual.cols(),
             "accuracy: forecasts [{}, {}] against actuals [{}, {}]", f.point.rows(),
             f.point.cols(), actual.rows(), actual.cols());
  const bool q = !levels.empty() && f.quantiles.size() == levels.size();
  struct Sums {
    std::size_t n = 0;
    double ae = 0, se = 0, da = 0, pin = 0, cover = 0;
  };
  auto finish = [&](const Sums& s) {
    Accuracy a;
    a.n = s.n;
    const double n = static_cast<double>(s.n);
    a.mae = s.n ? s.ae / n : kNaN;
    a.rmse = s.n ? std::sqrt(s.se / n) : kNaN;
    a.mase = s.n && mase_scale > 0 ? a.mae / mase_scale : kNaN;
    a.directional = s.n && directional ? s.da / n : kNaN;
    a.pinball = s.n && q ? s.pin / (n * static_cast<double>(levels.size())) : kNaN;
    a.coverage = s.n && q ? s.cover / n : kNaN;
    return a;
  };
  Sums all;
  std::vector<Accuracy> out;
  for (Eigen::Index h = 0; h < actual.cols(); ++h) {
    Sums s;
    for (Eigen::Index o = 0; o < actual.rows(); ++o) {
      const double y = actual(o, h), p = f.point(o, h);
      if (!std::isfinite(y) || !std::isfinite(p)) continue;
      ++s.n;
      s.ae += std::abs(y - p);
      s.se += (y - p) * (y - p);
      if (direction_probabilities)  // a probability of a rise against the 0/1 outcome
        s.da += (p == 0.5) ? 0.5 : ((p > 0.5) == (y > 0.5) ? 1.0 : 0.0);
      else
        s.da += p * y > 0 ? 1.0 : (p == 0 || y == 0 ? 0.5 : 0.0);
      if (q) {
        for (std::size_t l = 0; l < levels.size(); ++l)
          s.pin += pinball(y, f.quantiles[l](o, h), levels[l]);
        s.cover += (y >= f.quantiles.front()(o, h) && y <= f.quantiles.back()(o, h)) ? 1.0 : 0.0;
      }
    }
    all.n += s.n, all.ae += s.ae, all.se += s.se, all.da += s.da, all.pin += s.pin;
    all.cover += s.cover;
    out.push_back(finish(s));
  }
  if (overall) *overall = finish(all);
  return out;
}

std::vector<ModelSpec> parse_model_specs(const std::vector<std::string>& names,
                                         const std::vector<std::string>& assignments) {
  std::vector<ModelSpec> out;
  for (const std::string& n : names) {
    const auto eq = n.find('=');
    ModelSpec m;
    m.name = eq == std::string::npos ? n : n.substr(0, eq);
    m.kind = eq == std::string::npos ? n : n.substr(eq + 1);
    FG_REQUIRE(!m.name.empty() && !m.kind.empty(),
               "forecast: model '{}': expected KIND or "
               "NAME=KIND",
               n);
    (void)forecaster_kind(m.kind);  // unknown kinds are named with the known ones
    for (const auto& o : out)
      FG_REQUIRE(o.name != m.name, "forecast: model name '{}' given twice", m.name);
    out.push_back(std::move(m));
  }
  std::map<std::string, std::vector<std::string>> per_model;
  for (const std::string& a : assignments) {
    const auto dot = a.find('.');
    const auto eq = a.find('=');
    FG_REQUIRE(dot != std::string::npos && dot > 0 && (eq == std::string::npos || dot < eq),
               "forecast: option '{}': expected MODEL.key=value (e.g. lstm.hidden=64)", a);
    const std::string model = a.substr(0, dot);
    FG_REQUIRE(
        std::any_of(out.begin(), out.end(), [&](const ModelSpec& m) { return m.name == model; }),
        "forecast: option '{}' names model '{}', which is not among the models", a, model);
    per_model[model].push_back(a.substr(dot + 1));
  }
  for (auto& m : out)
    if (per_model.count(m.name))
      m.options = parse_option_assignments(per_model[m.name], forecaster_kind(m.kind).options,
                                           m.name + " options");
  return out;
}

std::vector<std::string> default_models() {
  std::vector<std::string> out = {"zero", "naive", "mean", "ar", "garch"};
  const auto kinds = forecaster_kinds();
  if (std::find(kinds.begin(), kinds.end(), "lstm") != kinds.end()) out.push_back("lstm");
  return out;
}

WalkForwardResult walk_forward(const Dataset& d, const std::vector<ModelSpec>& models,
                               const WalkForwardOptions& o, const WalkForwardProgress& progress) {
  const std::size_t T = d.rows(), H = o.horizon(), ts = o.test_start();
  FG_REQUIRE(!models.empty(), "forecast: no models to evaluate");
  FG_REQUIRE(H >= 1, "forecast: horizon must be at least 1");
  FG_REQUIRE(o.refit_every() >= 1, "forecast: refit_every must be at least 1");
  FG_REQUIRE(ts >= 1 && ts < T,
             "forecast: the test block must start after the first row and "
             "before the last ({} rows in {})",
             T, d.source);
  FG_REQUIRE(ts + H <= T,
             "forecast: horizon {} is longer than the test block ({} rows from {} in {})", H,
             T - ts, d.label(ts), d.source);
  FG_REQUIRE(o.window() == 0 || o.window() <= ts,
             "forecast: training window of {} rows is longer than the {} rows before the test "
             "block",
             o.window(), ts);
  WalkForwardResult r;
  r.target = d.target;
  r.source = d.source;
  r.kind = d.kind;
  for (std::size_t t = ts - 1; t + H < T; ++t) r.origins.push_back(t);
  r.first_origin = d.label(r.origins.front());
  r.last_origin = d.label(r.origins.back());
  const Eigen::Index O = static_cast<Eigen::Index>(r.origins.size());
  r.actual.resize(O, static_cast<Eigen::Index>(H));
  for (Eigen::Index i = 0; i < O; ++i)
    for (Eigen::Index h = 0; h < static_cast<Eigen::Index>(H); ++h)
      r.actual(i, h) =
          d.y(static_cast<Eigen::Index>(r.origins[static_cast<std::size_t>(i)]) + 1 + h);
  r.mase_scale = naive_mae(d.y, o.window() ? ts - o.window() : 0, ts);
  FG_CHECK(Input, std::isfinite(r.mase_scale) && r.mase_scale > 0,
           "forecast: the target is constant before the test block in {}", d.source);

  const Task task{H, o.quantiles()};
  r.quantiles = task.quantiles;
  const std::size_t refits = (r.origins.size() + o.refit_every() - 1) / o.refit_every();
  for (const ModelSpec& spec : models) {
    ModelResult m;
    m.spec = spec;
    if (m.spec.name.empty()) m.spec.name = spec.kind;
    auto model = make_forecaster(spec.kind, spec.options, task, "forecast model " + m.spec.name);
    std::size_t refit = 0;
    model->set_progress([&](const TrainProgress& p) {
      if (progress) progress(m.spec.name, refit, refits, &p);
    });
    m.forecast.point.resize(O, static_cast<Eigen::Index>(H));
    m.forecast.quantiles.assign(task.quantiles.size(), m.forecast.point);
    for (std::size_t b = 0; b < r.origins.size(); b += o.refit_every()) {
      const std::size_t end = r.origins[b] + 1;
      const std::size_t begin = o.window() ? end - std::min(end, o.window()) : 0;
      ++refit;
      if (progress) progress(m.spec.name, refit, refits, nullptr);
      auto t0 = std::chrono::steady_clock::now();
      model->fit(d, begin, end);
      m.fit_seconds += seconds_since(t0);
      const std::size_t stop = std::min(r.origins.size(), b + o.refit_every());
      const std::vector<std::size_t> block(r.origins.begin() + static_cast<std::ptrdiff_t>(b),
                                           r.origins.begin() + static_cast<std::ptrdiff_t>(stop));
      t0 = std::chrono::steady_clock::now();
      const Forecast f = model->predict(d, block);
      m.predict_seconds += seconds_since(t0);
      FG_CHECK(Numeric,
               f.point.rows() == static_cast<Eigen::Index>(block.size()) &&
                   f.point.cols() == static_cast<Eigen::Index>(H) &&
                   f.quantiles.size() == task.quantiles.size(),
               "forecast: model {} returned forecasts of the wrong shape", m.spec.name);
      FG_CHECK(Numeric, f.point.allFinite(),
               "forecast: model {} produced a non-finite forecast (origins from {})", m.spec.name,
               d.label(block.front()));
      const auto rows = static_cast<Eigen::Index>(block.size());
      m.forecast.point.middleRows(static_cast<Eigen::Index>(b), rows) = f.point;
      for (std::size_t q = 0; q < task.quantiles.size(); ++q)
        m.forecast.quantiles[q].middleRows(static_cast<Eigen::Index>(b), rows) = f.quantiles[q];
    }
    m.refits = refit;
    m.summary = model->summary();
    m.per_horizon =
        accuracy(m.forecast, r.actual, task.quantiles, r.mase_scale,
                 d.kind != TargetKind::Volatility, &m.overall, d.kind == TargetKind::Direction);
    r.models.push_back(std::move(m));
  }

  std::vector<std::string> bench = o.benchmarks();
  if (bench.empty())
    for (const auto& m : r.models)
      if (m.spec.name == "zero" || m.spec.name == "ar" ||
          (d.kind != TargetKind::Returns && m.spec.name == "naive") ||
          (d.kind == TargetKind::Direction && m.spec.name == "mean"))
        bench.push_back(m.spec.name);
  if (bench.empty()) bench.push_back(r.models.front().spec.name);
  for (const std::string& b : bench) {
    const auto it = std::find_if(r.models.begin(), r.models.end(),
                                 [&](const ModelResult& m) { return m.spec.name == b; });
    FG_REQUIRE(it != r.models.end(), "forecast: benchmark '{}' is not among the models", b);
    for (const auto& m : r.models) {
      if (m.spec.name == b) continue;
      for (std::size_t h = 0; h < H; ++h) {
        std::vector<double> e1(static_cast<std::size_t>(O)), e2(e1.size());
        for (Eigen::Index i = 0; i < O; ++i) {
          const auto hh = static_cast<Eigen::Index>(h);
          e1[static_cast<std::size_t>(i)] = r.actual(i, hh) - m.forecast.point(i, hh);
          e2[static_cast<std::size_t>(i)] = r.actual(i, hh) - it->forecast.point(i, hh);
        }
        DmRow row{m.spec.name, b, h + 1, {}};
        try {
          row.test = dm_test(e1, e2, h + 1, o.dm_power());
        } catch (const Error& e) {
          if (e.category() != ErrorCategory::Numeric) throw;
          row.test.statistic = kNaN;  // identical forecasts: no test
          row.test.p_value = row.test.p_less = kNaN;
        }
        r.dm.push_back(row);
      }
    }
  }
  return r;
}

namespace {
nlohmann::json to_json(const Accuracy& a) {
  return {{"n", a.n},
          {"mae", json_number(a.mae)},
          {"rmse", json_number(a.rmse)},
          {"mase", json_number(a.mase)},
          {"directional", json_number(a.directional)},
          {"pinball", json_number(a.pinball)},
          {"coverage", json_number(a.coverage)}};
}
std::string cell(double v, const char* fmt_spec) {
  return std::isfinite(v) ? fmt::format(fmt::runtime(fmt_spec), v) : std::string("-");
}
}  // namespace

nlohmann::json to_json(const WalkForwardResult& r) {
  nlohmann::json j;
  j["target"] = r.target;
  j["kind"] = to_string(r.kind);
  j["source"] = r.source;
  j["origins"] = r.origins.size();
  j["first_origin"] = r.first_origin;
  j["last_origin"] = r.last_origin;
  j["horizon"] = r.actual.cols();
  j["mase_scale"] = r.mase_scale;
  j["quantiles"] = r.quantiles;
  j["models"] = nlohmann::json::array();
  for (const auto& m : r.models) {
    nlohmann::json mj = {{"name", m.spec.name},          {"kind", m.spec.kind},
                         {"options", m.spec.options},    {"refits", m.refits},
                         {"fit_seconds", m.fit_seconds}, {"predict_seconds", m.predict_seconds},
                         {"summary", m.summary},         {"overall", to_json(m.overall)}};
    mj["per_horizon"] = nlohmann::json::array();
    for (const auto& a : m.per_horizon) mj["per_horizon"].push_back(to_json(a));
    j["models"].push_back(mj);
  }
  j["dm"] = nlohmann::json::array();
  for (const auto& d : r.dm)
    j["dm"].push_back({{"model", d.model},
                       {"benchmark", d.benchmark},
                       {"horizon", d.horizon},
                       {"statistic", json_number(d.test.statistic)},
                       {"p_value", json_number(d.test.p_value)},
                       {"p_less", json_number(d.test.p_less)},
                       {"n", d.test.n}});
  return j;
}

std::string format_table(const WalkForwardResult& r) {
  const std::size_t H = static_cast<std::size_t>(r.actual.cols());
  std::vector<std::string> bench;
  for (const auto& d : r.dm)
    if (std::find(bench.begin(), bench.end(), d.benchmark) == bench.end())
      bench.push_back(d.benchmark);
  std::string out = fmt::format(
      "{} of {} ({}), {} origins {}..{}, horizon {}; DM: two-sided p of equal {} error "
      "(HLN-corrected), sign of the statistic in brackets (- = more accurate than the benchmark)\n",
      to_string(r.kind), r.target, r.source, r.origins.size(), r.first_origin, r.last_origin, H,
      "squared");
  out += fmt::format("{:<14} {:>4} {:>6} {:>10} {:>10} {:>7} {:>6} {:>10} {:>6}", "model", "h", "n",
                     "MAE", "RMSE", "MASE", "DA", "pinball", "cover");
  for (const auto& b : bench) out += fmt::format(" {:>12}", "DM vs " + b);
  out += '\n';
  std::vector<std::size_t> hs;
  for (std::size_t h = 0; h < H; ++h)
    if (H <= 5 || h == 0 || h + 1 == H) hs.push_back(h);
  for (const auto& m : r.models) {
    auto line = [&](const std::string& hname, const Accuracy& a, std::size_t h) {
      out += fmt::format("{:<14} {:>4} {:>6} {:>10} {:>10} {:>7} {:>6} {:>10} {:>6}", m.spec.name,
                         hname, a.n, cell(a.mae, "{:.6f}"), cell(a.rmse, "{:.6f}"),
                         cell(a.mase, "{:.3f}"), cell(a.directional, "{:.3f}"),
                         cell(a.pinball, "{:.6f}"), cell(a.coverage, "{:.3f}"));
      for (const auto& b : bench) {
        std::string c = "";
        for (const auto& d : r.dm)
          if (d.model == m.spec.name && d.benchmark == b && d.horizon == h + 1 && hname != "all")
            c = std::isfinite(d.test.p_value)
                    ? fmt::format("{:.3f} ({})", d.test.p_value, d.test.statistic < 0 ? '-' : '+')
                    : "same";
        out += fmt::format(" {:>12}", c);
      }
      out += '\n';
    };
    for (std::size_t h : hs) line(std::to_string(h + 1), m.per_horizon[h], h);
    if (H > 1) line("all", m.overall, 0);
  }
  return out;
}

}  // namespace fingen::forecast
