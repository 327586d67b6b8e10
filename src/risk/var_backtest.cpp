#include "fingen/risk/var_backtest.hpp"

#include <map>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::risk {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// n * ln(q) with 0 * ln(0) = 0.
double xlogy(double n, double q) {
  return n == 0 ? 0.0 : n * std::log(q);
}
}  // namespace

ExceptionTests exception_tests(const std::vector<int>& hits, double level) {
  FG_REQUIRE(level > 0 && level < 1, "level must be in (0, 1), got {}", level);
  FG_REQUIRE(hits.size() >= 2, "exception tests need at least 2 days, got {}", hits.size());
  ExceptionTests t;
  t.n = hits.size();
  t.level = level;
  const double p = 1 - level;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    FG_REQUIRE(hits[i] == 0 || hits[i] == 1, "exception indicators must be 0 or 1");
    t.exceptions += static_cast<std::size_t>(hits[i]);
    if (i == 0) continue;
    const int a = hits[i - 1], b = hits[i];
    (a == 0 ? (b == 0 ? t.n00 : t.n01) : (b == 0 ? t.n10 : t.n11)) += 1;
  }
  const double n = static_cast<double>(t.n), x = static_cast<double>(t.exceptions);
  const double phat = x / n;
  t.lr_pof =
      -2 * (xlogy(n - x, 1 - p) + xlogy(x, p)) + 2 * (xlogy(n - x, 1 - phat) + xlogy(x, phat));
  t.p_pof = stats::chi_squared_sf(std::max(t.lr_pof, 0.0), 1);
  const double n00 = static_cast<double>(t.n00), n01 = static_cast<double>(t.n01);
  const double n10 = static_cast<double>(t.n10), n11 = static_cast<double>(t.n11);
  const double pi = (n01 + n11) / (n00 + n01 + n10 + n11);
  const double pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0.0;
  const double pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0.0;
  const double l0 = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
  const double l1 =
      xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11);
  t.lr_ind = std::max(-2 * (l0 - l1), 0.0);
  t.p_ind = stats::chi_squared_sf(t.lr_ind, 1);
  t.lr_cc = t.lr_pof + t.lr_ind;
  t.p_cc = stats::chi_squared_sf(std::max(t.lr_cc, 0.0), 2);
  t.binomial_cdf = boost::math::cdf(boost::math::binomial_distribution<double>(n, p), x);
  t.zone = t.binomial_cdf < 0.95 ? "green" : (t.binomial_cdf < 0.9999 ? "yellow" : "red");
  return t;
}

EsTests es_tests(const std::vector<double>& loss, const std::vector<double>& var,
                 const std::vector<double>& es, const std::vector<double>& sigma, double level) {
  const std::size_t n = loss.size();
  FG_REQUIRE(n > 0 && var.size() == n && es.size() == n && sigma.size() == n,
             "ES tests need equally long loss, VaR, ES and volatility series");
  EsTests out;
  std::vector<double> r;
  long double z = 0;
  bool valid = true;  // the tests need positive ES and volatility forecasts on exception days
  for (std::size_t t = 0; t < n; ++t) {
    if (!(loss[t] > var[t])) continue;
    ++out.exceptions;
    if (!(es[t] > 0 && sigma[t] > 0)) {
      valid = false;
      continue;
    }
    r.push_back((loss[t] - es[t]) / sigma[t]);
    z += loss[t] / es[t];
  }
  out.valid = valid;
  if (!valid) {
    out.mf_t = out.mf_p = out.z2 = kNaN;
    return out;
  }
  out.z2 = static_cast<double>(z / (static_cast<long double>(n) * (1 - level))) - 1.0;
  if (r.size() >= 2) {
    const stats::Moments m = stats::moments(r);
    if (m.sd > 0) {
      out.mf_t = m.mean / (m.sd / std::sqrt(static_cast<double>(r.size())));
      out.mf_p = boost::math::cdf(boost::math::complement(
          boost::math::students_t_distribution<double>(static_cast<double>(r.size() - 1)),
          out.mf_t));
    } else {
      out.mf_t = kNaN;
      out.mf_p = kNaN;
    }
  } else {
    out.mf_t = kNaN;
    out.mf_p = kNaN;
  }
  return out;
}

bool passes(const ExceptionTests& t, double significance) {
  return t.p_pof >= significance && t.p_ind >= significance && t.p_cc >= significance;
}

namespace {

// Degrees of freedom matching the sample's excess kurtosis (6 / (nu - 4)), kept in [4.5, 50].
double moment_nu(const stats::Moments& m) {
  return m.excess_kurtosis > 0.12 ? std::clamp(4.0 + 6.0 / m.excess_kurtosis, 4.5, 50.0) : 50.0;
}

// Historical simulation: the window's empirical VaR/ES.
class HistoricalModel final : public VarModel {
 public:
  VarForecast forecast(const VarDay& d) override {
    std::vector<double> losses(d.window);
    for (std::size_t i = 0; i < d.window; ++i) losses[i] = -d.history[i];
    const VarEs v = empirical_var_es(losses, d.level);
    return {v.var, v.es, stats::moments(d.history, d.window).sd};
  }
};

// Normal or Student-t (degrees of freedom matched to the kurtosis at each refit).
class ParametricModel final : public VarModel {
 public:
  explicit ParametricModel(bool t) : t_(t) {}
  VarForecast forecast(const VarDay& d) override {
    const stats::Moments m = stats::moments(d.history, d.window);
    if (d.refit) nu_ = moment_nu(m);
    const VarEs v =
        t_ ? student_t_var_es(m.mean, m.sd, nu_, d.level) : normal_var_es(m.mean, m.sd, d.level);
    return {v.var, v.es, m.sd};
  }

 private:
  bool t_;
  double nu_ = 0;
};

// GARCH(1,1)-t on the portfolio return; fhs rescales the window's standardized residuals by
// today's volatility (filtered historical simulation). The variance is updated every day with the
// parameters of the last refit.
class GarchModel final : public VarModel {
 public:
  explicit GarchModel(bool fhs) : fhs_(fhs) {}
  VarForecast forecast(const VarDay& d) override {
    const std::size_t w = d.window;
    if (d.refit) {
      const scenario::GarchFit fit =
          scenario::fit_garch11(d.history, w, scenario::Innovation::StudentT);
      g_ = fit.model;
      const double e_last = d.history[w - 1] - g_.mu;
      h_ = g_.omega + g_.alpha * e_last * e_last + g_.beta * fit.variance.back();
      z_.resize(w);
      for (std::size_t i = 0; i < w; ++i)
        z_[i] = (d.history[i] - g_.mu) / std::sqrt(fit.variance[i]);
    } else {
      const double e_prev = d.history[w - 1] - g_.mu;
      h_ = g_.omega + g_.alpha * e_prev * e_prev + g_.beta * h_;
    }
    const double sigma = std::sqrt(h_);
    VarEs v;
    if (!fhs_) {
      v = student_t_var_es(g_.mu, sigma, g_.shape, d.level);
    } else {
      std::vector<double> losses(w);
      for (std::size_t i = 0; i < w; ++i) losses[i] = -(g_.mu + sigma * z_[i]);
      v = empirical_var_es(losses, d.level);
    }
    return {v.var, v.es, sigma};
  }

 private:
  bool fhs_;
  scenario::Garch11 g_;
  double h_ = 0;
  std::vector<double> z_;
};

// Scenarios from a generator fitted on the assets' log returns of the window; models with memory
// are given the window as context.
class GeneratorModel final : public VarModel {
 public:
  GeneratorModel(GeneratorFactory factory, bool warm_start)
      : factory_(std::move(factory)), warm_start_(warm_start) {}
  VarForecast forecast(const VarDay& d) override {
    const Panel window_panel = d.returns->slice_rows(d.t - d.window, d.t);
    if (d.refit) {
      if (!gen_ || !warm_start_) gen_ = factory_();
      gen_->fit(window_panel);
    }
    const std::uint64_t seed = d.seed * 1000003ULL + static_cast<std::uint64_t>(d.t);
    const Scenarios s = gen_->conditional()
                            ? gen_->generate_from(window_panel.values, d.scenarios, 1, seed)
                            : gen_->generate(d.scenarios, 1, seed);
    std::vector<double> losses = scenario_losses(s, *d.weights, 1);
    const double sd = stats::moments(losses).sd;
    const VarEs v = empirical_var_es(losses, d.level);
    return {v.var, v.es, sd};
  }

 private:
  GeneratorFactory factory_;
  bool warm_start_;
  std::unique_ptr<scenario::ScenarioGenerator> gen_;
};

struct VarModelEntry {
  std::string description;
  std::function<std::unique_ptr<VarModel>(const VarBacktestOptions&)> make;
};

// A generator kind with the options a rolling backtest uses, or nothing when the kind is not
// linked into this program (the GANs without LibTorch).
GeneratorFactory generator_factory(const std::string& kind, const nlohmann::json& options) {
  const auto kinds = scenario::generator_kinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) return {};
  scenario::make_generator(kind, options);  // the options are checked once, here
  return [kind, options] { return scenario::make_generator(kind, options); };
}

// Built once, on first use (after every library has registered its generator kinds): each call
// used to rebuild the map and construct a trial generator per generator model.
const std::map<std::string, VarModelEntry>& var_models() {
  static const std::map<std::string, VarModelEntry> models = [] {
    std::map<std::string, VarModelEntry> m;
    m["historical"] = {"historical simulation", [](const VarBacktestOptions&) {
                         return std::unique_ptr<VarModel>(std::make_unique<HistoricalModel>());
                       }};
    m["normal"] = {"normal with the window's mean and sd", [](const VarBacktestOptions&) {
                     return std::unique_ptr<VarModel>(std::make_unique<ParametricModel>(false));
                   }};
    m["t"] = {"Student-t, degrees of freedom matched to the kurtosis",
              [](const VarBacktestOptions&) {
                return std::unique_ptr<VarModel>(std::make_unique<ParametricModel>(true));
              }};
    m["garch"] = {"GARCH(1,1)-t on the portfolio return", [](const VarBacktestOptions&) {
                    return std::unique_ptr<VarModel>(std::make_unique<GarchModel>(false));
                  }};
    m["fhs"] = {"filtered historical simulation", [](const VarBacktestOptions&) {
                  return std::unique_ptr<VarModel>(std::make_unique<GarchModel>(true));
                }};
    auto add_generator = [&m](const std::string& name, const std::string& kind,
                              const std::string& description,
                              std::function<nlohmann::json(const VarBacktestOptions&)> options) {
      if (!generator_factory(kind, options(VarBacktestOptions()))) return;
      m[name] = {description, [kind, options](const VarBacktestOptions& o) {
                   return std::unique_ptr<VarModel>(std::make_unique<GeneratorModel>(
                       generator_factory(kind, options(o)), o.warm_start()));
                 }};
    };
    auto none = [](const VarBacktestOptions&) { return nlohmann::json::object(); };
    add_generator("gbm", "gbm", "scenarios from GBM", none);
    add_generator("bootstrap", "bootstrap", "scenarios from the block bootstrap", none);
    add_generator("garch-sim", "garch", "scenarios from GARCH(1,1)-t with CCC",
                  [](const VarBacktestOptions&) {
                    return nlohmann::json{{"innovation", "t"}};
                  });
    // The default GAN's design (TCN generator, GARCH(1,1)-t backbone) at a size that refits
    // every 20 days: 300 steps on the first window, then the backbone refitted and 20 warm-started
    // steps at each refit; paths start from the variance the window implies (generate_from).
    add_generator("gan", "gan",
                  "scenarios from the GAN (TCN on a GARCH backbone; 300 steps, then 20 per "
                  "refit), started from the window's volatility",
                  [](const VarBacktestOptions& o) {
                    return nlohmann::json{{"generator", "tcn"}, {"hidden", 16},
                                          {"layers", 4},        {"window", 64},
                                          {"burn_in", 32},      {"batch_size", 32},
                                          {"steps", 300},       {"seed", o.seed()},
                                          {"warm_start", true}, {"warm_steps", 20}};
                  });
    return m;
  }();
  return models;
}

}  // namespace

std::vector<std::string> var_model_names() {
  std::vector<std::string> out;
  for (const auto& [name, entry] : var_models()) out.push_back(name);
  return out;
}

std::string var_model_description(const std::string& model) {
  const auto& models = var_models();
  const auto it = models.find(model);
  return it == models.end() ? std::string() : it->second.description;
}

std::unique_ptr<VarModel> make_var_model(const std::string& model,
                                         const VarBacktestOptions& options) {
  const auto& models = var_models();
  const auto it = models.find(model);
  FG_REQUIRE(it != models.end(), "unknown risk model '{}': expected {}", model,
             fmt::join(var_model_names(), ", "));
  return it->second.make(options);
}

VarBacktestResult var_backtest(const Panel& returns, const std::vector<double>& weights,
                               const std::string& model, const VarBacktestOptions& o,
                               const GeneratorFactory& factory) {
  returns.validate();
  FG_REQUIRE(weights.size() == returns.cols(), "{} weights given for {} series", weights.size(),
             returns.cols());
  FG_REQUIRE(o.level() > 0.5 && o.level() < 1, "level must be in (0.5, 1), got {}", o.level());
  FG_REQUIRE(o.window() >= 50, "the estimation window must be at least 50 days, got {}",
             o.window());
  FG_REQUIRE(returns.rows() > o.window() + 1,
             "{} days of data leave nothing to backtest with a {}-day window", returns.rows(),
             o.window());
  std::unique_ptr<VarModel> forecaster =
      factory ? std::make_unique<GeneratorModel>(factory, o.warm_start())
              : make_var_model(model, o);
  for (Eigen::Index i = 0; i < returns.values.size(); ++i)
    FG_CHECK(Input, std::isfinite(returns.values.data()[i]),
             "the returns have missing values: clean them first");

  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = returns.rows(), w = o.window();
  // Portfolio simple returns.
  std::vector<double> port(n, 0.0);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t a = 0; a < weights.size(); ++a)
      port[t] += weights[a] * std::expm1(returns.values(static_cast<Eigen::Index>(t),
                                                        static_cast<Eigen::Index>(a)));

  VarBacktestResult result;
  result.model = model;
  result.level = o.level();
  result.index_kind = returns.kind;
  for (std::size_t t = w; t < n; ++t) {
    VarDay d;
    d.t = t;
    d.window = w;
    d.refit = t == w || (o.refit() > 0 && (t - w) % o.refit() == 0);
    d.history = port.data() + (t - w);  // the window [t - w, t)
    d.returns = &returns;
    d.weights = &weights;
    d.level = o.level();
    d.scenarios = o.scenarios();
    d.seed = o.seed();
    const VarForecast f = forecaster->forecast(d);
    VarBacktestDay day;
    day.index = returns.index[t];
    day.loss = -port[t];
    day.var = f.var;
    day.es = f.es;
    day.sigma = f.sigma;
    day.exception = day.loss > day.var;
    result.days.push_back(day);
  }
  std::vector<int> hits;
  std::vector<double> loss, var, es, sigma;
  for (const auto& d : result.days) {
    hits.push_back(d.exception ? 1 : 0);
    loss.push_back(d.loss);
    var.push_back(d.var);
    es.push_back(d.es);
    sigma.push_back(d.sigma);
  }
  result.tests = exception_tests(hits, o.level());
  result.es = es_tests(loss, var, es, sigma, o.level());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

namespace {
// The columns of the per-day CSV, in the order written.
enum DayColumn : std::size_t { kModel, kDate, kLoss, kVar, kEs, kSigma, kException, kColumns };
constexpr const char* kDayColumns[kColumns] = {"model", "date",  "loss",     "var",
                                               "es",    "sigma", "exception"};

double day_number(const data::CsvDocument& doc, const data::CsvRow& row,
                  const std::vector<std::size_t>& at, DayColumn c) {
  double v = 0;
  const std::string_view f = row.fields[at[c]];
  if (!data::parse_double(f, v))
    throw_input_error(doc.where(row.line, at[c]), fmt::format("expected a number, found '{}'", f));
  return v;
}
}  // namespace

void write_var_backtest_days_csv(const std::string& path,
                                 const std::vector<VarBacktestResult>& results) {
  std::string csv = fmt::format("{}\n", fmt::join(kDayColumns, ","));
  for (const auto& b : results) {
    FG_REQUIRE(b.model.find_first_of(",\"\r\n") == std::string::npos,
               "model name '{}' cannot be written as a CSV field", b.model);
    for (const auto& d : b.days)
      csv += fmt::format("{},{},{},{},{},{},{}\n", b.model, format_index(b.index_kind, d.index),
                         d.loss, d.var, d.es, d.sigma, d.exception ? 1 : 0);
  }
  write_file_atomic(path, csv);
}

std::vector<VarBacktestDayRecord> day_records(const std::vector<VarBacktestResult>& results) {
  std::vector<VarBacktestDayRecord> out;
  for (const auto& b : results)
    for (const auto& d : b.days)
      out.push_back({b.model, format_index(b.index_kind, d.index), d.loss, d.var, d.es, d.sigma,
                     d.exception});
  return out;
}

std::vector<VarBacktestDayRecord> read_var_backtest_days_csv(const std::string& path) {
  const data::CsvDocument doc = data::CsvDocument::open(path);
  std::vector<std::size_t> at(kColumns);
  for (std::size_t c = 0; c < kColumns; ++c) {
    at[c] = doc.find_column(kDayColumns[c]);
    if (at[c] == std::string::npos)
      throw_input_error(
          {path, doc.header_line(), {}},
          fmt::format("no column '{}' (expected {})", kDayColumns[c], fmt::join(kDayColumns, ",")));
  }
  const std::size_t needed = *std::max_element(at.begin(), at.end()) + 1;
  std::vector<VarBacktestDayRecord> out;
  data::CsvRow row;
  data::CsvCursor cur = doc.rows();
  while (cur.next(row)) {
    if (row.fields.size() < needed)
      throw_input_error({path, row.line, {}}, fmt::format("{} fields, expected {}",
                                                          row.fields.size(), doc.header().size()));
    VarBacktestDayRecord d;
    d.model = std::string(row.fields[at[kModel]]);
    d.date = std::string(row.fields[at[kDate]]);
    d.loss = day_number(doc, row, at, kLoss);
    d.var = day_number(doc, row, at, kVar);
    d.es = day_number(doc, row, at, kEs);
    d.sigma = day_number(doc, row, at, kSigma);
    const std::string_view e = row.fields[at[kException]];
    if (e != "0" && e != "1")
      throw_input_error(doc.where(row.line, at[kException]),
                        fmt::format("expected 0 or 1, found '{}'", e));
    d.exception = e == "1";
    out.push_back(std::move(d));
  }
  return out;
}

namespace {
nlohmann::json json_number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}
}  // namespace

nlohmann::json var_backtest_json(const VarBacktestResult& b) {
  const ExceptionTests& t = b.tests;
  return {
      {"model", b.model},
      {"days", t.n},
      {"exceptions", t.exceptions},
      {"expected", static_cast<double>(t.n) * (1 - b.level)},
      {"kupiec", {{"lr", json_number(t.lr_pof)}, {"p_value", json_number(t.p_pof)}}},
      {"christoffersen_independence",
       {{"lr", json_number(t.lr_ind)},
        {"p_value", json_number(t.p_ind)},
        {"n00", t.n00},
        {"n01", t.n01},
        {"n10", t.n10},
        {"n11", t.n11}}},
      {"conditional_coverage", {{"lr", json_number(t.lr_cc)}, {"p_value", json_number(t.p_cc)}}},
      {"traffic_light", {{"zone", t.zone}, {"binomial_cdf", json_number(t.binomial_cdf)}}},
      {"mcneil_frey",
       {{"exceptions", b.es.exceptions},
        {"t", json_number(b.es.mf_t)},
        {"p_value", json_number(b.es.mf_p)}}},
      {"acerbi_szekely_z2", json_number(b.es.z2)},
      {"passes_at_5pct", passes(t, 0.05)},
      {"seconds", b.seconds}};
}

VarBacktestSummary summarize(const VarBacktestResult& b) {
  const ExceptionTests& t = b.tests;
  return {b.model,        t.n,     t.exceptions, static_cast<double>(t.n) * (1 - b.level),
          t.p_pof,        t.p_ind, t.p_cc,       t.zone,
          passes(t, 0.05)};
}

std::vector<VarBacktestSummary> read_var_backtest_json(const std::string& path) {
  std::vector<VarBacktestSummary> out;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path));
    const auto p_value = [](const nlohmann::json& test) {
      const nlohmann::json& p = test.at("p_value");
      return p.is_null() ? std::numeric_limits<double>::quiet_NaN() : p.get<double>();
    };
    for (const auto& r : j.at("results"))
      out.push_back({r.at("model").get<std::string>(), r.at("days").get<std::size_t>(),
                     r.at("exceptions").get<std::size_t>(), r.at("expected").get<double>(),
                     p_value(r.at("kupiec")), p_value(r.at("christoffersen_independence")),
                     p_value(r.at("conditional_coverage")),
                     r.at("traffic_light").at("zone").get<std::string>(),
                     r.at("passes_at_5pct").get<bool>()});
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({path, 0, {}}, fmt::format("not a VaR backtest file: {}", e.what()));
  }
  return out;
}

}  // namespace fingen::risk
