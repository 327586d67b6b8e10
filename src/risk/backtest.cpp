#include "fingen/risk/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
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

namespace {

// Degrees of freedom matching the sample's excess kurtosis (6 / (nu - 4)), kept in [4.5, 50].
double moment_nu(const stats::Moments& m) {
  return m.excess_kurtosis > 0.12 ? std::clamp(4.0 + 6.0 / m.excess_kurtosis, 4.5, 50.0) : 50.0;
}

}  // namespace

BacktestResult rolling_backtest(const Panel& returns, const std::vector<double>& weights,
                                const std::string& model, const BacktestOptions& o,
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
  const bool builtin = model == "historical" || model == "normal" || model == "t" ||
                       model == "garch" || model == "fhs";
  FG_REQUIRE(builtin || factory,
             "unknown risk model '{}': expected historical, normal, t, garch, fhs or a generator",
             model);
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

  BacktestResult result;
  result.model = model;
  result.level = o.level();
  scenario::Garch11 g;           // garch / fhs parameters of the last refit
  double h = 0;                  // their conditional variance for the day being forecast
  std::vector<double> z_window;  // fhs: standardized residuals of the last refit window
  double nu = 0;                 // t: degrees of freedom of the last refit
  std::unique_ptr<scenario::ScenarioGenerator> gen;
  bool gen_has_memory = true;

  for (std::size_t t = w; t < n; ++t) {
    const bool refit = t == w || (o.refit() > 0 && (t - w) % o.refit() == 0);
    const double* hist = port.data() + (t - w);  // the window [t - w, t)
    BacktestDay day;
    day.index = returns.index[t];
    day.loss = -port[t];
    if (model == "historical") {
      std::vector<double> losses(w);
      for (std::size_t i = 0; i < w; ++i) losses[i] = -hist[i];
      const VarEs v = empirical_var_es(losses, o.level());
      day.var = v.var;
      day.es = v.es;
      day.sigma = stats::moments(hist, w).sd;
    } else if (model == "normal" || model == "t") {
      const stats::Moments m = stats::moments(hist, w);
      if (refit) nu = moment_nu(m);
      const VarEs v = model == "normal" ? normal_var_es(m.mean, m.sd, o.level())
                                        : student_t_var_es(m.mean, m.sd, nu, o.level());
      day.var = v.var;
      day.es = v.es;
      day.sigma = m.sd;
    } else if (model == "garch" || model == "fhs") {
      if (refit) {
        const scenario::GarchFit fit =
            scenario::fit_garch11(hist, w, scenario::Innovation::StudentT);
        g = fit.model;
        const double e_last = hist[w - 1] - g.mu;
        h = g.omega + g.alpha * e_last * e_last + g.beta * fit.variance.back();
        z_window.resize(w);
        for (std::size_t i = 0; i < w; ++i)
          z_window[i] = (hist[i] - g.mu) / std::sqrt(fit.variance[i]);
      } else {
        const double e_prev = port[t - 1] - g.mu;
        h = g.omega + g.alpha * e_prev * e_prev + g.beta * h;
      }
      const double sigma = std::sqrt(h);
      VarEs v;
      if (model == "garch") {
        v = student_t_var_es(g.mu, sigma, g.shape, o.level());
      } else {
        std::vector<double> losses(w);
        for (std::size_t i = 0; i < w; ++i) losses[i] = -(g.mu + sigma * z_window[i]);
        v = empirical_var_es(losses, o.level());
      }
      day.var = v.var;
      day.es = v.es;
      day.sigma = sigma;
    } else {
      const Panel window_panel = returns.slice_rows(t - w, t);
      if (refit) {
        if (!gen || !o.warm_start()) gen = factory();
        gen->fit(window_panel);
      }
      Scenarios s;
      const std::uint64_t seed = o.seed() * 1000003ULL + static_cast<std::uint64_t>(t);
      if (gen_has_memory) {
        try {
          s = gen->generate_from(window_panel.values, o.scenarios(), 1, seed);
        } catch (const Error& e) {
          if (e.category() != ErrorCategory::Usage) throw;
          gen_has_memory = false;
        }
      }
      if (!gen_has_memory) s = gen->generate(o.scenarios(), 1, seed);
      std::vector<double> losses = scenario_losses(s, weights, 1);
      day.sigma = stats::moments(losses).sd;
      const VarEs v = empirical_var_es(losses, o.level());
      day.var = v.var;
      day.es = v.es;
    }
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

}  // namespace fingen::risk
