/// @file config.hpp
/// @brief The `fingen run` pipeline config: read and validated whole before any work starts.
///
/// A config names the data, the train/test split, the models (kind + options), how many scenarios
/// to generate, the post-hoc evaluation and the VaR backtest. Every section, every model's options
/// (through the generator registry, so the same checks as `fingen fit`), every risk model and
/// level is checked here: a mistake anywhere is an Error(Usage) naming the config file and the key
/// before the first model trains.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/credit/run.hpp"
#include "fingen/detect/market.hpp"
#include "fingen/forecast/evaluate.hpp"

namespace fingen::pipeline {

struct ModelSpec {
  std::string name;  ///< output name (scenarios/NAME.npy, models/NAME/)
  std::string kind;  ///< registered generator kind
  nlohmann::json options = nlohmann::json::object();
};

struct RiskSpec {
  double level = 0.99;
  std::vector<std::string> models = {"historical", "garch"};
  std::size_t window = 500, refit = 20;
  std::vector<double> weights;
};

/// The trading section: one strategy backtested on the data (from train_start) and traded over
/// every model's scenarios.
struct TradingSpec {
  std::string strategy = "sma";
  nlohmann::json options = nlohmann::json::object();   ///< the strategy's options
  nlohmann::json backtest = nlohmann::json::object();  ///< backtest and cost options
};

/// The portfolio section: every optimiser on the training returns, the mean-CVaR portfolio of each
/// model's scenarios, and a rolling out-of-sample backtest on the data (from train_start).
struct PortfolioSpec {
  std::vector<std::string> methods;  ///< empty: all
  std::size_t window = 504, every = 21;
  double alpha = 0.05, lower = 0, upper = 1, budget = 1;
  nlohmann::json backtest = nlohmann::json::object();  ///< cost options
  bool screen = false;  ///< a screen section: screen candidates under each model's scenarios
  std::size_t screen_random = 1000, screen_top = 10;
  double min_return = std::numeric_limits<double>::quiet_NaN();
  double max_cvar = std::numeric_limits<double>::quiet_NaN();
  double min_sharpe = std::numeric_limits<double>::quiet_NaN();
  double max_drawdown_probability = std::numeric_limits<double>::quiet_NaN();
  double drawdown = 0.1;
};

/// The forecast section: a walk-forward of forecasters and baselines over the data from
/// train_start, forecasts from split.test_start, with Diebold–Mariano tests.
struct ForecastSpec {
  forecast::DatasetSpec data;  ///< target (default: the first series), kind, features, vol_window
  std::vector<forecast::ModelSpec> models;
  std::size_t horizon = 1, window = 0, refit_every = 21;
  std::vector<double> quantiles;
};

/// The credit section: a labelled table of its own (file resolved like data.file) and the
/// cross-validated comparison of detectors with and without oversampling.
struct CreditSpec {
  credit::EvaluateRequest request;  ///< data, table options, models, oversamplers, cv
};

/// The detect section: unsupervised detectors on windows of the run's returns (its own series, if
/// given, from the same file), fitted before split.test_start, scored on injected anomalies and
/// the largest real moves after it.
struct DetectSpec {
  std::vector<std::string> series;
  std::vector<credit::DetectorSpec> models;
  detect::MarketOptions options;
};

struct PipelineConfig {
  std::string file;  ///< the config's path
  nlohmann::json content;
  std::string name, out;
  std::string data_file;  ///< resolved: as given, or relative to the config's directory
  std::vector<std::string> series;
  bool returns = false;
  std::string test_start, train_start;
  std::vector<ModelSpec> models;
  std::size_t paths = 1000, horizon = 252;
  std::uint64_t seed = 7;
  std::size_t posthoc_window = 0;
  std::int64_t posthoc_iterations = 2000;
  bool has_risk = false;
  RiskSpec risk;
  bool has_trading = false;
  TradingSpec trading;
  bool has_portfolio = false;
  PortfolioSpec portfolio;
  bool has_forecast = false;
  ForecastSpec forecast;
  bool has_credit = false;
  CreditSpec credit;
  bool has_detect = false;
  DetectSpec detect;
};

/// Reads and validates a config. `out_override` (non-empty) replaces the config's out.
PipelineConfig read_config(const std::string& file, const std::string& out_override = "");

/// Keys of each section, for --help texts.
std::string config_keys_help();

}  // namespace fingen::pipeline
