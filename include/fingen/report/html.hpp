/// @file html.hpp
/// @brief One self-contained HTML report of a `fingen run` directory, charts by Vega-Lite.
///
/// The page inlines Vega, Vega-Lite and vega-embed (third_party/vega, BSD-3-Clause) so it opens
/// offline. It shows real vs synthetic sample paths and a fan chart of quantiles per model, return
/// densities and QQ plots against the held-out real returns, ACF curves of |r| and the leverage
/// effect, the metrics table with the best model per row, GAN training losses, the VaR backtest
/// (losses, VaR and exceptions) with its test table, and the run manifest.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/panel.hpp"
#include "fingen/credit/run.hpp"
#include "fingen/detect/market.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/forecast/summary.hpp"
#include "fingen/portfolio/summary.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/scenario/train_log.hpp"
#include "fingen/trading/run.hpp"

namespace fingen::report {

/// Directory holding vega.min.js, vega-lite.min.js and vega-embed.min.js (set at build time).
std::string default_assets_dir();

/// Everything the report shows of a run: what `fingen run` hands over directly (pipeline/run.hpp),
/// or what read_run() reads back from a run directory through the library's own readers.
struct RunData {
  std::string dir;                   ///< the run directory (for messages)
  nlohmann::json manifest;           ///< the run's manifest.json
  std::vector<std::string> names;    ///< the models, in column order
  std::vector<Scenarios> scenarios;  ///< one per model
  eval::Comparison metrics;          ///< metrics.json
  Panel real;                        ///< the held-out real returns
  /// Training logs of the models that have one (models/NAME/train_log.csv).
  std::vector<std::pair<std::string, std::vector<scenario::TrainLogRow>>> training;
  std::vector<risk::VarBacktestDayRecord> var_days;  ///< empty: no VaR backtest in the run
  std::vector<risk::VarBacktestSummary> var_tests;
  std::optional<trading::TradingSummary> trading;        ///< trading.json, when the run traded
  std::optional<portfolio::PortfolioSummary> portfolio;  ///< portfolio.json, when there is one
  std::optional<forecast::ForecastSummary> forecast;     ///< forecast.json, when there is one
  std::optional<credit::EvaluateReport> credit;          ///< credit.json, when there is one
  std::optional<detect::MarketResult> detect;            ///< detect.json, when there is one
};

/// Reads a run directory as `fingen run` writes it: manifest.json, metrics.json,
/// scenarios/NAME.npy, models/NAME/train_log.csv, backtest.json, backtest_days.csv and
/// trading.json. The
/// held-out data are read again from the data file the manifest names. Error(Input) naming the
/// file for anything missing or malformed.
RunData read_run(const std::string& run_dir);

/// Writes the report of `run` to `out_html` atomically; returns the number of charts.
int write_report(const RunData& run, const std::string& out_html,
                 const std::string& assets_dir = default_assets_dir());

/// write_report(read_run(run_dir), out_html, assets_dir).
int write_run_report(const std::string& run_dir, const std::string& out_html,
                     const std::string& assets_dir = default_assets_dir());

}  // namespace fingen::report
