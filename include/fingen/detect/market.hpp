/// @file market.hpp
/// @brief Anomalies in market data, measured: windows of returns (one or several assets, and an
///        OHLCV file's volume) scored by any credit::Detector fitted on earlier, normal windows,
///        on (a) anomalies injected into real windows with known labels and (b) the largest real
///        moves in the data.
///
/// Injected types (each into its own copy of the test windows, a share of them labelled 1):
///  - spike: one day's return of one asset moved by `size` sd, reverting the next day;
///  - volume: a day of `size` times the usual log-volume change with a small price move, reverting
///    (needs a volume column);
///  - pump_dump: a steady rise of `size` sd spread over the first half of the window, then a
///    crash of the same size in the second half;
///  - correlation: one asset's returns replaced by its own returns from another, random window,
///    so the window keeps each asset's distribution but breaks their co-movement (needs two
///    assets).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/credit/evaluate.hpp"
#include "fingen/data/load.hpp"

namespace fingen::detect {

struct MarketOptions {
  FG_ARG(std::size_t, window) = 20;     ///< rows per window (non-overlapping)
  FG_ARG(std::size_t, test_start) = 0;  ///< first row of the test windows (0: the last 30%)
  FG_ARG(double, share) = 0.1;          ///< share of test windows injected, per type
  /// Independent injections into fresh copies of the test windows, pooled (more positives).
  FG_ARG(std::size_t, repeats) = 10;
  FG_ARG(double, size) = 6;            ///< anomaly size in standard deviations
  FG_ARG(double, crash_share) = 0.02;  ///< (b): the largest |returns| of this share of days
  FG_ARG(std::uint64_t, seed) = 1;
  /// Column holding volume changes (empty: none; "volume" when the panel has it).
  FG_ARG(std::string, volume);
};

struct MarketRow {
  std::string detector, anomaly;
  std::size_t windows = 0, positives = 0;
  double auroc = 0, auprc = 0;
};

struct MarketResult {
  std::size_t train_windows = 0, test_windows = 0, window = 0;
  std::string first_test;
  std::vector<std::string> types;  ///< the anomalies evaluated
  std::vector<MarketRow> rows;
};

/// Error(Usage) for too few windows before or after test_start, or a detector name unknown.
MarketResult evaluate_market(const Panel& returns, const std::vector<credit::DetectorSpec>& specs,
                             const MarketOptions& options);

nlohmann::json to_json(const MarketResult& r);
/// Error(Input) naming `file` when `j` is not what to_json wrote.
MarketResult market_result_from_json(const nlohmann::json& j, const std::string& file);
std::string format_table(const MarketResult& r);

/// Fitting one unsupervised detector on every non-overlapping window of the data, for scoring
/// later data (`fingen detect fit`).
struct MarketFitRequest {
  data::ReturnsSource source;
  std::string kind = "mahalanobis";
  nlohmann::json options = nlohmann::json::object();
  std::size_t window = 20;
  std::uint64_t seed = 1;
  std::string out;  ///< model directory (created; removed again if the fit fails)
};
struct MarketFitSummary {
  std::size_t rows = 0, windows = 0;
  std::string first, last;
  double seconds = 0;
  double alarm = 0;  ///< the 99th percentile of the training windows' scores
};
/// Writes model.json (kind "market-detector": the detector, its options and state, the window,
/// the series and their sds, the alarm level) and manifest.json. Error(Usage) for a supervised
/// kind or fewer than 10 windows.
MarketFitSummary fit_market(const MarketFitRequest& request);

struct MarketScores {
  std::vector<std::string> ends;  ///< the last day of each window (every day from the W-th)
  std::vector<double> scores;
  double alarm = 0;
};
/// Scores every window of W consecutive days of `source` (its series default to the model's, and
/// must be the model's) with the model in `dir`; writes out_csv (end,score,alarm) atomically.
MarketScores score_market(const std::string& dir, data::ReturnsSource source,
                          const std::string& out_csv);

}  // namespace fingen::detect
