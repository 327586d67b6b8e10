/// @file inspect.hpp
/// @brief A first look at a data file: shape, calendar, gaps and the stylized facts of its returns.
///
/// For every price series (for OHLCV files: close, and adjusted close when present) the log returns
/// between consecutive observed prices are summarised: moments, extremes, lag-1 autocorrelation of
/// r and of r^2 (volatility clustering), Jarque-Bera and Ljung-Box Q(lags). Conventions are those
/// of fingen/stats/descriptive.hpp (R-compatible).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::data {

struct InspectOptions {
  FG_ARG(char, delimiter) = 0;
  /// Force a format instead of detecting it from the header.
  FG_ARG(std::string, format) = "auto";
  /// The file holds returns rather than prices (the statistics then use the values as they are).
  FG_ARG(bool, returns) = false;
  /// Ljung-Box lags.
  FG_ARG(std::size_t, lags) = 10;
};

struct SeriesSummary {
  std::string name;
  std::size_t observations = 0;  ///< non-missing values
  std::size_t missing = 0;
  std::size_t returns = 0;  ///< number of returns the statistics use
  bool has_stats = false;   ///< false when too few returns (< lags + 2)
  stats::Moments moments;
  double acf1 = 0;     ///< lag-1 autocorrelation of r
  double acf1_sq = 0;  ///< lag-1 autocorrelation of r^2
  stats::TestResult jarque_bera;
  stats::TestResult ljung_box;
};

struct FeatureSummary {
  std::string name;
  bool categorical = false;
  std::size_t missing = 0;
  std::size_t levels = 0;                     ///< categorical only
  double mean = 0, sd = 0, min = 0, max = 0;  ///< numeric only (over non-missing values)
};

struct InspectReport {
  std::string file;
  std::string sha256;
  FileFormat format = FileFormat::Panel;
  std::size_t rows = 0;
  std::size_t columns = 0;
  // Time series files
  IndexKind index_kind = IndexKind::Date;
  std::string first, last;
  std::vector<SeriesSummary> series;
  // Labelled tables
  std::string label;
  std::string positive_class;
  std::size_t positives = 0;
  std::vector<FeatureSummary> features;
};

/// Summary statistics of one series of returns (NaN entries are skipped).
SeriesSummary summarize_returns(const std::string& name, const std::vector<double>& returns,
                                std::size_t lags = 10);

/// Reads and validates `path` and summarises it.
InspectReport inspect(const std::string& path, const InspectOptions& options = {});

/// One file's entry of `fingen data inspect --json`: {file, sha256, format, rows, columns, and
/// index + series (time series; log_returns statistics with the Ljung-Box `lags`) or label +
/// features (labelled tables)}.
nlohmann::json to_json(const InspectReport& report, std::size_t lags);

}  // namespace fingen::data
