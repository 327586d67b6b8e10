/// @file evaluate.hpp
/// @brief Walk-forward evaluation of forecasters (no look-ahead: a model fitted at origin t has
///        seen rows 0..t only), accuracy measures and the Diebold–Mariano test.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/forecast/forecaster.hpp"

namespace fingen::forecast {

/// Diebold & Mariano (1995) test of equal accuracy of two forecasts with the small-sample
/// correction of Harvey, Leybourne & Newbold (1997), as R's forecast::dm.test (acf variance
/// estimator): d_t = |e1_t|^power - |e2_t|^power, long-run variance from the autocovariances of d
/// to lag h-1, statistic scaled by sqrt((n + 1 - 2h + h(h-1)/n) / n), p-value from Student's t
/// with n - 1 degrees of freedom. A negative statistic means the first forecast is more accurate.
struct DmTest {
  double statistic = 0;
  double p_value = 1;  ///< two-sided
  double p_less = 0;   ///< one-sided: the first forecast is more accurate
  std::size_t n = 0;
  std::size_t h = 1;  ///< horizon used (1 when the acf variance was not positive, as dm.test)
};
/// Pairs where either error is NaN are dropped. Error(Numeric) when the loss differential has
/// zero variance at h = 1 (identical forecasts), Error(Usage) for fewer than 3 pairs.
DmTest dm_test(const std::vector<double>& e1, const std::vector<double>& e2, std::size_t h,
               double power = 2);

/// Pinball (quantile) loss of forecast q of level tau for outcome y.
inline double pinball(double y, double q, double tau) noexcept {
  return y >= q ? tau * (y - q) : (1 - tau) * (q - y);
}

/// Accuracy of one model at one horizon (or averaged over horizons).
struct Accuracy {
  std::size_t n = 0;
  double mae = 0, rmse = 0;
  double mase = 0;  ///< MAE over the in-sample MAE of the one-step naive forecast (Hyndman &
                    ///< Koehler 2006) on the first training block
  /// Share of correct signs (returns: a zero forecast scores 0.5; direction: p > 0.5 against the
  /// outcome, p = 0.5 scores 0.5); NaN for volatility.
  double directional = 0;
  double pinball = 0;   ///< mean pinball loss over the quantile levels (NaN without quantiles)
  double coverage = 0;  ///< share inside [lowest, highest quantile] (NaN without quantiles)
};

struct ModelSpec {
  std::string name;  ///< label in tables (default: the kind)
  std::string kind;
  nlohmann::json options = nlohmann::json::object();
};

/// Model specs from names ("lstm", or "NAME=KIND" for a second configuration of a kind) and
/// option assignments "NAME.key=value" (checked against the kind's options). Error(Usage) for an
/// unknown kind, a duplicate name, an assignment naming no listed model or an unknown key.
std::vector<ModelSpec> parse_model_specs(const std::vector<std::string>& names,
                                         const std::vector<std::string>& assignments);
/// The models `forecast evaluate` compares by default: the baselines, plus lstm when this build
/// has the neural forecasters.
std::vector<std::string> default_models();

struct WalkForwardOptions {
  FG_ARG(std::size_t, test_start) = 0;  ///< first row forecast (first origin test_start - 1)
  FG_ARG(std::size_t, window) = 0;      ///< rolling training window in rows; 0 = expanding
  FG_ARG(std::size_t, refit_every) = 21;
  FG_ARG(std::size_t, horizon) = 1;
  FG_ARG(std::vector<double>, quantiles);
  FG_ARG(double, dm_power) = 2;  ///< loss of the DM tests: 2 squared, 1 absolute errors
  /// Names of the models every other one is tested against (default when present: zero and ar
  /// for returns, naive and ar for volatility, mean, naive and ar for direction).
  FG_ARG(std::vector<std::string>, benchmarks);
};

struct ModelResult {
  ModelSpec spec;
  Forecast forecast;                  ///< at every origin
  std::vector<Accuracy> per_horizon;  ///< [H]
  Accuracy overall;                   ///< pooled over horizons
  std::size_t refits = 0;
  double fit_seconds = 0, predict_seconds = 0;
  std::string summary;  ///< of the last fit
};

struct DmRow {
  std::string model, benchmark;
  std::size_t horizon = 1;  ///< 1-based
  DmTest test;
};

struct WalkForwardResult {
  std::vector<std::size_t> origins;
  Eigen::MatrixXd actual;  ///< [origins, H]
  double mase_scale = 0;
  std::vector<double> quantiles;  ///< levels of every model's quantile forecasts
  std::vector<ModelResult> models;
  std::vector<DmRow> dm;  ///< every model against every benchmark at every horizon
  std::string target, source;
  TargetKind kind = TargetKind::Returns;
  std::string first_origin, last_origin;  ///< index text
};

/// One line per model fitted ("ar: refit 3/40"), for progress output.
using WalkForwardProgress = std::function<void(const std::string& model, std::size_t refit,
                                               std::size_t refits, const TrainProgress* train)>;

/// Runs every model over the test block. Errors (Usage) name what is wrong: a test start that
/// leaves no training rows or fewer rows than the horizon, a window longer than the training data.
WalkForwardResult walk_forward(const Dataset& d, const std::vector<ModelSpec>& models,
                               const WalkForwardOptions& options,
                               const WalkForwardProgress& progress = {});

/// Accuracy of forecasts (point [O, H], quantiles) against actual [O, H] (NaN actuals skipped).
/// `direction_probabilities`: the forecasts are probabilities of a rise and the actuals 0/1, so
/// the directional score is the hit rate of p > 0.5 and the RMSE the root Brier score.
std::vector<Accuracy> accuracy(const Forecast& f, const Eigen::MatrixXd& actual,
                               const std::vector<double>& levels, double mase_scale,
                               bool directional, Accuracy* overall = nullptr,
                               bool direction_probabilities = false);

/// In-sample MAE of the one-step naive forecast y_{t-1} on y[begin, end) (NaN pairs skipped).
double naive_mae(const Eigen::VectorXd& y, std::size_t begin, std::size_t end);

nlohmann::json to_json(const WalkForwardResult& r);
/// A fixed-width table: per model and horizon MAE, RMSE, MASE, DA, and DM p-values.
std::string format_table(const WalkForwardResult& r);

}  // namespace fingen::forecast
