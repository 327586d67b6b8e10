/// @file run.hpp
/// @brief `fingen run` as a library call: a validated config (config.hpp) in, a run directory and
/// typed results out.
///
/// Stages, in order: split the data at split.test_start; for each model, fit it on the days
/// before (models/NAME/) and generate scenarios (scenarios/NAME.npy); evaluate every model on the
/// held-out days (metrics.json); the VaR backtest when the config has a risk section
/// (backtest.json, backtest_days.csv); with a trading section, the strategy on the data's closes
/// and over every model's scenarios (trading.json); the run's manifest.json; the HTML report
/// (report.html), built from the results in memory. An observer sees each stage as it ends (the CLI
/// prints from it); the library itself prints nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fingen/credit/run.hpp"
#include "fingen/detect/market.hpp"
#include "fingen/forecast/summary.hpp"
#include "fingen/pipeline/config.hpp"
#include "fingen/pipeline/stages.hpp"
#include "fingen/portfolio/summary.hpp"
#include "fingen/trading/run.hpp"

namespace fingen::pipeline {

/// One model of a run.
struct ModelRun {
  std::string name, kind;
  std::string model_dir, scenarios_file;
  double fit_seconds = 0, generate_seconds = 0;
  std::string summary;  ///< the fitted model's parameter summary
};

struct RunResult {
  std::string dir;
  std::string train_end;  ///< last day of the training data
  std::vector<ModelRun> models;
  EvaluateResult evaluation;
  std::optional<VarBacktestRun> risk;
  std::optional<trading::TradingSummary> trading;        ///< with a trading section
  std::optional<portfolio::PortfolioSummary> portfolio;  ///< with a portfolio section
  std::optional<forecast::ForecastSummary> forecast;     ///< with a forecast section
  std::optional<credit::EvaluateReport> credit;          ///< with a credit section
  std::optional<detect::MarketResult> detect;            ///< with a detect section
  std::string manifest_file, report_file;
  int charts = 0;  ///< charts in the report
};

/// Callbacks for each stage; any may be empty.
struct RunObserver {
  std::function<void(const std::string& stage)> stage;  ///< a stage begins ("fit gan (gan) ...")
  std::function<void(const ModelSpec&, const Panel& train)> fitting;  ///< before a model's fit
  std::function<void(const scenario::FitProgress&)> progress;         ///< training progress
  std::function<void(const ModelRun&, const GenerateResult&)> model_done;
  std::function<void(const EvaluateResult&)> evaluated;
  std::function<void(const Panel&, const std::vector<double>&)> backtest_start;
  std::function<void(const risk::VarBacktestResult&)> backtest_result;
  std::function<void(const trading::TradingSummary&)> traded;
  std::function<void(const credit::EvaluateReport&)> credit_done;
  std::function<void(const std::string&)> detail;  ///< progress inside a stage (credit folds)
};

/// Runs every stage of `config` into config.out. The config must come from read_config (which has
/// checked all of it); errors of the data or of a stage are fingen::Errors as each stage throws
/// them.
RunResult run_pipeline(const PipelineConfig& config, const RunObserver& observer = {});

}  // namespace fingen::pipeline
