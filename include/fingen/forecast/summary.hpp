/// @file summary.hpp
/// @brief What a `fingen run` forecast section keeps (forecast.json) and its report reads back:
///        the walk-forward tables and the one-step-ahead forecasts against the realised values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/forecast/evaluate.hpp"

namespace fingen::forecast {

struct ForecastSummary {
  nlohmann::json tables;           ///< to_json(WalkForwardResult)
  std::vector<std::string> dates;  ///< the date each one-step forecast is for
  std::vector<double> actual;      ///< realised target (NaN: missing)
  std::vector<std::string> models;
  std::vector<std::vector<double>> point;  ///< per model, one step ahead
  /// The quantile band of the first model with quantiles (empty band_model: none).
  std::string band_model;
  double lower_level = 0, upper_level = 0;
  std::vector<double> lower, upper;
};

ForecastSummary summarize(const WalkForwardResult& r, const Dataset& d);
nlohmann::json to_json(const ForecastSummary& s);
/// Reads forecast.json back; Error(Input) naming the file when malformed.
ForecastSummary read_forecast_summary(const std::string& file);

}  // namespace fingen::forecast
