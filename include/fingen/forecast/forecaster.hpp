/// @file forecaster.hpp
/// @brief Forecasting: a dataset built from a returns panel (target series and input features,
///        gaps kept as NaN), the Forecaster interface every model sits behind, and its registry.
///
/// A forecast is made at an origin row t from rows 0..t only and covers the target at
/// t+1..t+horizon (direct multi-step: all H values at once). Baselines live in fingen_core (zero,
/// naive, mean, ar, garch); the neural forecasters (lstm, gru, tcn, mlp, lstm-gan) in fingen_ml,
/// registered when that library is linked, exactly like the scenario generators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"

namespace fingen::forecast {

/// What is forecast: the target asset's returns, its realised volatility
/// rv_t = sqrt(mean(r_{t-k+1..t}^2)) over `vol_window` = k days, or its direction (1 when the
/// return is positive, else 0; forecasts are probabilities of a rise).
enum class TargetKind { Returns, Volatility, Direction };
TargetKind parse_target_kind(const std::string& text);
const char* to_string(TargetKind kind) noexcept;

struct DatasetSpec {
  FG_ARG(std::string, target);
  /// Input columns: "NAME" (that series' returns), "NAME:abs" (|r|), "NAME:rv" (realised
  /// volatility over vol_window), "dow" (day of week, dated data only). Empty: the target's own
  /// returns, plus its realised volatility for a volatility target.
  FG_ARG(std::vector<std::string>, features);
  FG_ARG(TargetKind, kind) = TargetKind::Returns;
  FG_ARG(std::size_t, vol_window) = 5;
};

/// Target and inputs on one time axis. NaN marks a missing value (a gap in the data): models see
/// it through a mask or skip it, and it is never scored.
struct Dataset {
  IndexKind index_kind = IndexKind::Date;
  std::vector<std::int64_t> index;
  std::string source;  ///< data file, for messages
  std::string target;  ///< target column name
  TargetKind kind = TargetKind::Returns;
  std::size_t vol_window = 5;
  std::vector<std::string> features;  ///< input names, as in DatasetSpec
  Eigen::MatrixXd x;                  ///< [T, F] inputs at each row
  Eigen::VectorXd y;                  ///< [T] target at each row
  Eigen::VectorXd returns;            ///< [T] the target asset's returns (GARCH baseline)

  std::size_t rows() const noexcept { return static_cast<std::size_t>(y.size()); }
  /// Index text of row i.
  std::string label(std::size_t i) const;
};

/// Builds the dataset from a returns panel (NaN allowed). Error(Usage) naming the column for a
/// target or feature that is not in the panel or a feature spelled wrong.
Dataset make_dataset(const Panel& returns, const DatasetSpec& spec);

/// The forecasting task a model is built for.
struct Task {
  std::size_t horizon = 1;
  /// Quantile levels to forecast besides the point (each in (0, 1), increasing); empty: point only.
  std::vector<double> quantiles;
};

/// The task stored in a saved model's parameters ("horizon", "quantiles"); Error(Input) naming
/// `file` when missing or out of range.
Task read_task(const nlohmann::json& params, const std::string& file);

/// Forecasts at a set of origins: point[o, h] is the forecast of y[origin_o + 1 + h];
/// quantiles[q](o, h) the forecast of quantile level task.quantiles[q].
struct Forecast {
  Eigen::MatrixXd point;
  std::vector<Eigen::MatrixXd> quantiles;
};

/// Progress of a forecaster's training loop (neural models), passed to a callback.
struct TrainProgress {
  std::int64_t step = 0, total_steps = 0;
  double loss = 0, validation = 0, best_validation = 0;
  std::int64_t best_step = -1;
  double steps_per_second = 0, eta_seconds = 0;
};

class Forecaster {
 public:
  /// Checks the task (horizon 1..1000, quantile levels in (0, 1) and increasing).
  explicit Forecaster(Task task);
  virtual ~Forecaster() = default;
  virtual std::string kind() const = 0;
  /// The options the model was made with, as make_forecaster() takes them.
  virtual nlohmann::json options() const { return nlohmann::json::object(); }
  /// Fits on rows [begin, end) of `d` (targets beyond end-1 are never read). A model fitted
  /// before may continue from its weights (warm start) when the dataset's columns are the same.
  virtual void fit(const Dataset& d, std::size_t begin, std::size_t end) = 0;
  /// True when fit_with() trains on extra datasets (the neural models); the baselines ignore them.
  virtual bool uses_extra() const { return false; }
  /// fit() on rows [begin, end) of `d` plus every window of each `extra` dataset (synthetic paths
  /// laid out like `d`): extra windows are only trained on, never validated on, and scaled as the
  /// real rows. The default ignores `extra`.
  virtual void fit_with(const Dataset& d, std::size_t begin, std::size_t end,
                        const std::vector<Dataset>& extra) {
    (void)extra;
    fit(d, begin, end);
  }
  /// Forecasts from each origin t (0 <= t < d.rows()) using rows 0..t only.
  virtual Forecast predict(const Dataset& d, const std::vector<std::size_t>& origins) const = 0;
  virtual bool fitted() const = 0;
  /// Writes model.json (and any weight files) into `dir`, which must exist.
  virtual void save(const std::string& dir) const = 0;
  /// Fitted parameters in a few lines.
  virtual std::string summary() const = 0;
  /// Progress callback for the next fit() (ignored by models without a training loop).
  void set_progress(std::function<void(const TrainProgress&)> progress) {
    progress_ = std::move(progress);
  }
  const Task& task() const noexcept { return task_; }

  /// The dataset layout a fitted model expects: target, its kind and the input columns.
  struct Columns {
    std::string target;
    TargetKind kind = TargetKind::Returns;
    std::size_t vol_window = 5;
    std::vector<std::string> features;
  };
  const Columns& columns() const noexcept { return columns_; }

 protected:
  /// Records the layout of the dataset being fitted (fit() calls it).
  void bind(const Dataset& d);
  /// Error(Usage) when `d` is not laid out as the data the model was fitted on.
  void check_layout(const Dataset& d) const;
  /// Writes / reads the task and the layout into / from model.json's parameters.
  void save_layout(nlohmann::json& params) const;
  void read_layout(const nlohmann::json& params, const std::string& file);

  Task task_;
  Columns columns_;
  std::function<void(const TrainProgress&)> progress_;
};

using ForecasterMaker =
    std::function<std::unique_ptr<Forecaster>(const nlohmann::json& options, const Task& task)>;
using ForecasterLoader = std::function<std::unique_ptr<Forecaster>(const std::string& dir)>;

struct ForecasterKind {
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;
  ForecasterMaker make;
  ForecasterLoader load;
  bool baseline = false;  ///< a classical benchmark (zero, naive, mean, ar, garch)
};

void register_forecaster(ForecasterKind kind);
const ForecasterKind& forecaster_kind(const std::string& name);
std::vector<std::string> forecaster_kinds();
/// An unfitted model; options checked against the kind's (Error(Usage) naming `where`).
std::unique_ptr<Forecaster> make_forecaster(const std::string& kind, const nlohmann::json& options,
                                            const Task& task, const std::string& where = "");
/// Restores a forecaster saved in `dir` (model.json's "model" names the kind).
std::unique_ptr<Forecaster> load_forecaster(const std::string& dir);

/// AR(p) fitted by least squares with an intercept on the non-missing rows of y[begin, end).
struct ArModel {
  std::size_t order = 0;
  double intercept = 0;
  std::vector<double> coef;  ///< phi_1..phi_p
  double sigma2 = 0;         ///< residual variance (SSR / n)
  double aic = 0;            ///< n log(SSR / n) + 2 (p + 1), on the common sample of the search
  std::size_t n = 0;         ///< equations used
};
/// Least squares AR(p); every candidate order uses the same equations (those with max_order lags
/// available), so AICs compare. Error(Input) when fewer than max_order + 10 equations remain.
ArModel fit_ar(const double* y, std::size_t n, std::size_t order, std::size_t max_order);
/// The order in 0..max_order with the lowest AIC, refitted on that common sample.
ArModel fit_ar_aic(const double* y, std::size_t n, std::size_t max_order);

}  // namespace fingen::forecast
