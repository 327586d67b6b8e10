/// @file run.hpp
/// @brief Forecasting from data files: the dataset a data file and a spec give, and fitting a
///        forecaster into a model directory (what `fingen forecast fit` and configs call).
#pragma once

#include <functional>
#include <string>

#include "fingen/data/load.hpp"
#include "fingen/forecast/forecaster.hpp"

namespace fingen::forecast {

/// The series a spec reads: the target and the series its features name, in order, once each.
std::vector<std::string> series_needed(const DatasetSpec& spec);

/// Reads the returns of `source` (its series default to series_needed(spec)) and builds the
/// dataset. Errors name the file.
Dataset load_dataset(data::ReturnsSource source, const DatasetSpec& spec);

struct FitRequest {
  data::ReturnsSource source;
  DatasetSpec spec;
  std::string kind;
  nlohmann::json options = nlohmann::json::object();
  Task task;
  std::string out;  ///< model directory (created; removed again if the fit fails)
  std::function<void(const TrainProgress&)> progress;
};

struct FitResult {
  std::string summary;
  double seconds = 0;
  std::size_t rows = 0;
  std::string first, last;  ///< index text of the training rows
};

/// Fits on every row of the data and saves the model (model.json, weights) and manifest.json
/// (options, task, data description with SHA-256) into request.out.
FitResult fit_and_save(const FitRequest& request);

/// The spec a fitted model was trained with (target, kind, features), to rebuild its dataset.
DatasetSpec spec_of(const Forecaster& model);

}  // namespace fingen::forecast
