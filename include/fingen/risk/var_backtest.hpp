/// @file var_backtest.hpp
/// @brief Backtesting VaR and ES forecasts on real history.
///
/// A VaR exception on day t is L_t > VaR_t (losses positive, see measures.hpp); p = 1 - level.
/// - Kupiec (1995) proportion of failures: x exceptions in n days,
///   LR_pof = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x] ~ chi^2(1).
/// - Christoffersen (1998) independence: with n_ij the number of days in state j after a day in
///   state i (1 = exception), pi_01 = n01/(n00+n01), pi_11 = n11/(n10+n11), pi = (n01+n11)/(n-1),
///   LR_ind = -2 ln[(1-pi)^(n00+n10) pi^(n01+n11)] + 2 ln[(1-pi01)^n00 pi01^n01 (1-pi11)^n10
///   pi11^n11] ~ chi^2(1); conditional coverage LR_cc = LR_pof + LR_ind ~ chi^2(2). 0^0 = 1
///   throughout.
/// - Basel traffic light (Basel Committee 1996): with F the Binomial(n, p) CDF at x, green if
///   F < 0.95, yellow if F < 0.9999, red otherwise (for n = 250 at 99%: 0-4, 5-9, 10+).
/// - McNeil & Frey (2000) ES test: exceedance residuals r_t = (L_t - ES_t) / sigma_t on exception
///   days have mean zero under a correct ES; one-sided t-test (mean > 0 means ES is too low).
/// - Acerbi & Szekely (2014) Z2 = sum_t L_t I_t / (n (1 - level) ES_t) - 1, zero in expectation
/// under
///   a correct model, positive when risk is underestimated.
/// The rolling backtest forecasts each day's VaR/ES from the `window` days before it, refitting the
/// model every `refit` days (0: fit once on the first window) and, for conditional models (GARCH,
/// filtered historical simulation), updating the volatility every day with the fitted parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/core/time.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::risk {

struct ExceptionTests {
  std::size_t n = 0;
  std::size_t exceptions = 0;
  double level = 0;
  double lr_pof = 0, p_pof = 1;
  std::size_t n00 = 0, n01 = 0, n10 = 0, n11 = 0;
  double lr_ind = 0, p_ind = 1;
  double lr_cc = 0, p_cc = 1;
  double binomial_cdf = 0;
  std::string zone;  ///< green, yellow or red
};

/// Kupiec, Christoffersen and traffic-light tests of a 0/1 exception sequence.
ExceptionTests exception_tests(const std::vector<int>& hits, double level);

/// The verdict of a backtest: none of Kupiec, Christoffersen independence and conditional
/// coverage rejects at `significance`.
bool passes(const ExceptionTests& tests, double significance = 0.05);

struct EsTests {
  std::size_t exceptions = 0;
  double mf_t = 0,
         mf_p = 0;    ///< McNeil-Frey t statistic and one-sided p-value (NaN if < 2 exceptions)
  double z2 = 0;      ///< Acerbi-Szekely Z2
  bool valid = true;  ///< false if an exception day had ES <= 0 or volatility <= 0 (all NaN then)
};

/// ES tests from each day's loss, VaR, ES and volatility forecast.
EsTests es_tests(const std::vector<double>& loss, const std::vector<double>& var,
                 const std::vector<double>& es, const std::vector<double>& sigma, double level);

struct VarBacktestOptions {
  FG_ARG(std::size_t, window) = 500;  ///< days of history behind each forecast
  FG_ARG(std::size_t, refit) = 20;    ///< days between refits (0 = fit once)
  FG_ARG(double, level) = 0.99;
  FG_ARG(std::size_t, scenarios) = 2000;  ///< per-day scenarios for generator models
  FG_ARG(std::uint64_t, seed) = 1;
  /// Generator models: refit the same generator (a GAN with warm start continues training) instead
  /// of a fresh one from the factory.
  FG_ARG(bool, warm_start) = true;
};

struct VarBacktestDay {
  std::int64_t index = 0;  ///< date (or observation) of the forecast day
  double loss = 0, var = 0, es = 0, sigma = 0;
  bool exception = false;
};

struct VarBacktestResult {
  std::string model;
  double level = 0;
  IndexKind index_kind = IndexKind::Date;  ///< how the days' indices read (that of the returns)
  std::vector<VarBacktestDay> days;
  ExceptionTests tests;
  EsTests es;
  double seconds = 0;
};

/// Makes a fresh, unfitted scenario generator (for the generator-based models).
using GeneratorFactory = std::function<std::unique_ptr<scenario::ScenarioGenerator>()>;

/// What a VaR model sees on the day it forecasts: the `window` portfolio returns before day t,
/// whether this is a refit day, and (for generator models) the assets' returns and weights.
struct VarDay {
  std::size_t t = 0, window = 0;
  bool refit = false;
  const double* history = nullptr;  ///< portfolio simple returns [t - window, t)
  const Panel* returns = nullptr;   ///< the assets' log returns (all days)
  const std::vector<double>* weights = nullptr;
  double level = 0.99;
  std::size_t scenarios = 2000;
  std::uint64_t seed = 1;
};
struct VarForecast {
  double var = 0, es = 0, sigma = 0;
};

/// A one-day VaR/ES forecaster of the rolling backtest (one interface for every model).
class VarModel {
 public:
  virtual ~VarModel() = default;
  virtual VarForecast forecast(const VarDay& day) = 0;
};

/// The built-in models: historical, normal, t, garch, fhs, and the generator models gbm,
/// bootstrap, garch-sim and gan (when the GANs are linked).
std::vector<std::string> var_model_names();
/// One-line description of a model ("" when unknown).
std::string var_model_description(const std::string& model);
/// A fresh model; Error(Usage) listing the known names otherwise.
std::unique_ptr<VarModel> make_var_model(const std::string& model,
                                         const VarBacktestOptions& options);

/// Models: one of var_model_names() ("historical", "normal", "t" (Student-t with moment-matched
/// degrees of freedom), "garch" (GARCH(1,1)-t on the portfolio return), "fhs" (filtered historical
/// simulation: GARCH-standardized residuals rescaled by today's volatility), generator models), or
/// any name with a `factory` (scenarios from a ScenarioGenerator fitted on the assets' log
/// returns; models with memory are given the trailing window as context).
/// `returns` are per-asset log returns; the portfolio return is sum_i w_i (exp(r_i) - 1).
VarBacktestResult var_backtest(const Panel& returns, const std::vector<double>& weights,
                               const std::string& model, const VarBacktestOptions& options,
                               const GeneratorFactory& factory = {});

/// The per-day CSV of backtests: a header line `model,date,loss,var,es,sigma,exception`, then one
/// line per model and day, the date written by format_index, numbers in their shortest exact form
/// and the exception as 0 or 1. Written atomically; model names may not hold ',', '"' or line
/// breaks.
void write_var_backtest_days_csv(const std::string& path,
                                 const std::vector<VarBacktestResult>& results);

/// One line of that CSV.
struct VarBacktestDayRecord {
  std::string model;
  std::string date;  ///< as written
  double loss = 0, var = 0, es = 0, sigma = 0;
  bool exception = false;
};

/// The lines that write_var_backtest_days_csv writes for `results`, without the file.
std::vector<VarBacktestDayRecord> day_records(const std::vector<VarBacktestResult>& results);

/// Reads the per-day CSV (columns found by name); Error(Input) naming file:line for a missing
/// column, a short row, a field that is not a number, or an exception flag other than 0/1.
std::vector<VarBacktestDayRecord> read_var_backtest_days_csv(const std::string& path);

/// One entry of backtest.json's "results": {model, days, exceptions, expected, kupiec{lr,p_value},
/// christoffersen_independence{lr,p_value,n00,n01,n10,n11}, conditional_coverage{lr,p_value},
/// traffic_light{zone,binomial_cdf}, mcneil_frey{exceptions,t,p_value}, acerbi_szekely_z2,
/// passes_at_5pct, seconds}; numbers that are not finite are null.
nlohmann::json var_backtest_json(const VarBacktestResult& result);

/// The test table of one backtest, as the report shows it.
struct VarBacktestSummary {
  std::string model;
  std::size_t days = 0, exceptions = 0;
  double expected = 0;
  double p_kupiec = 1, p_independence = 1, p_conditional_coverage = 1;
  std::string zone;
  bool passes = false;  ///< passes() at 5%
};
VarBacktestSummary summarize(const VarBacktestResult& result);

/// The summaries of a backtest.json file ("results", as var_backtest_json writes them);
/// Error(Input) naming the file for anything else.
std::vector<VarBacktestSummary> read_var_backtest_json(const std::string& path);

}  // namespace fingen::risk
