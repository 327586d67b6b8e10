/// @file stages.hpp
/// @brief The steps of a job, each a library call with typed inputs and results: fit a model and
/// save it, generate scenarios from a saved model, compare scenarios with held-out data, backtest
/// VaR models. `fingen fit | generate | evaluate | risk backtest` are these calls plus printing;
/// `fingen run` (pipeline/run.hpp) chains them.
///
/// Every stage that writes a file writes it atomically with its manifest (core/outputs.hpp), and
/// checks its request before it reads data or trains, so a mistake costs nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/dist.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/data/load.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/risk/stress.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::pipeline {

// --- fit ---------------------------------------------------------------------------------------

struct FitRequest {
  std::string kind;                                   ///< a registered generator kind
  nlohmann::json options = nlohmann::json::object();  ///< the kind's options (unknown keys fail)
  data::ReturnsSource data;                           ///< the training returns
  std::string out;                                    ///< the model directory
  bool resume = false;                                ///< continue from out/checkpoints
  std::function<void(const scenario::FitProgress&)> progress;  ///< training progress (GANs)
  std::function<void(const Panel&)> on_data;  ///< called with the training returns, before fitting
  /// Data-parallel training over several processes (null: this one alone): every rank gives the
  /// same request; rank 0 writes the model and the checkpoints, the others write nothing.
  dist::Communicator* comm = nullptr;
};

struct FitResult {
  std::unique_ptr<scenario::ScenarioGenerator> model;  ///< fitted, and saved to `dir`
  std::string dir;
  Panel returns;        ///< what it was fitted on
  double seconds = 0;   ///< fitting time
  std::string summary;  ///< the model's parameter summary
};

/// Makes the model (options checked first), loads the returns, fits and saves the model with a
/// manifest.json (options, data checksum, time). Checkpoints of trained models go to
/// out/checkpoints; a directory this call created is removed again if the fit fails before
/// anything was written to it.
FitResult fit_model(const FitRequest& request);

// --- generate ----------------------------------------------------------------------------------

/// At most this many values (16 GB of float64) in one set of scenarios held in memory.
inline constexpr std::size_t kMaxGeneratedValues = 2'000'000'000ULL;
/// At most this many values (8 TB of float64) written in blocks without holding them (keep false).
inline constexpr std::size_t kMaxStreamedValues = 1'000'000'000'000ULL;

struct GenerateRequest {
  std::string model_dir;  ///< a saved model
  std::size_t paths = 0, horizon = 0;
  std::uint64_t seed = 0;
  int threads = 0;     ///< OpenMP threads (0: leave as is); results do not depend on it
  std::string out;     ///< .npy file (its manifest beside it); empty: write nothing
  std::string csv;     ///< also as CSV (optional)
  std::string device;  ///< cpu, cuda or auto: where a GAN generates (empty: the CPU)
  /// Return the scenarios in GenerateResult (bindings, `fingen run`). false: make and write them
  /// block by block, holding one block at a time, so the files may be larger than memory.
  bool keep = true;
  std::size_t block_paths = 0;  ///< paths per block (0: about 32 MB of values per block)
  /// Several processes (null: this one alone): each rank makes its share of the paths (dist::share)
  /// and rank 0 receives the others' blocks and writes the files, the same bytes as one process
  /// writes. Every rank must be given the same request.
  dist::Communicator* comm = nullptr;
};

struct GenerateResult {
  Scenarios scenarios;  ///< all paths when keep (on rank 0), else empty
  std::size_t paths = 0, horizon = 0, assets = 0;
  std::string kind;  ///< the model's kind
  double seconds = 0;
  int ranks = 1;  ///< processes that made the paths
};

/// `paths` x `horizon` scenarios of a fitted generator on `threads` OpenMP threads (0: as is), with
/// the checks of generate_scenarios (Error(Usage) for zero sizes, too many values, an unfitted
/// model).
Scenarios generate_checked(const scenario::ScenarioGenerator& generator, std::size_t paths,
                           std::size_t horizon, std::uint64_t seed, int threads = 0);
/// Loads the model and generates `paths` x `horizon` scenarios; writes the .npy, the CSV and
/// NAME.manifest.json together (all or none). Error(Usage) for zero paths or horizon and for more
/// than kMaxGeneratedValues values (products checked, never wrapping).
GenerateResult generate_scenarios(const GenerateRequest& request);

// --- evaluate ----------------------------------------------------------------------------------

struct EvaluateRequest {
  data::ReturnsSource data;  ///< all real returns (its start is ignored; end ends the test period)
  std::string test_start;    ///< first day of the held-out period; the days before train
  std::vector<std::string> scenario_files;
  /// Scenarios already in memory (bindings), evaluated after the files; each needs a name.
  std::vector<Scenarios> scenarios;
  std::vector<std::string> names;  ///< one per file, then one per in-memory set; empty: the files'
                                   ///< stems (files only)
  std::size_t posthoc_window = 0;  ///< > 0: also TimeGAN's post-hoc scores on such windows
  std::int64_t posthoc_iterations = 2000;
  std::string json_out;             ///< metrics.json to write (optional)
  std::string what = "test_start";  ///< how messages name test_start
};

struct EvaluateResult {
  eval::Comparison comparison;
  Panel real;                        ///< the held-out returns
  Panel train;                       ///< the returns before them (for the memorisation check)
  std::vector<Scenarios> scenarios;  ///< as read, one per file
};

/// Each file's fidelity against the held-out data (and the post-hoc scores when asked), side by
/// side; writes metrics.json (eval/comparison.hpp) when json_out is set.
EvaluateResult evaluate_scenarios(const EvaluateRequest& request);

// --- VaR and ES of scenarios -------------------------------------------------------------------

struct ScenarioRiskOptions {
  std::vector<double> weights;  ///< empty: equal weights
  std::size_t horizon = 1;      ///< steps summed into each path's loss
  bool log_returns = true;      ///< the scenarios hold log returns (false: simple)
  std::vector<double> levels = {0.99};
  double confidence = 0.95;     ///< of the VaR and ES intervals
  std::size_t bootstrap = 500;  ///< ES bootstrap resamples
  std::uint64_t seed = 1;       ///< of the ES bootstrap
};
struct ScenarioRisk {
  std::vector<double> weights;              ///< as used (equal weights filled in)
  std::vector<risk::VarEsInterval> levels;  ///< one per requested level, in order
};
/// Portfolio VaR and ES with intervals at each level from scenarios (`fingen risk var`).
ScenarioRisk scenario_var_es(const Scenarios& scenarios, const ScenarioRiskOptions& options);
/// The "results" rows of `fingen risk var --json`: [{level, var, es, var_ci, es_ci}, ...].
nlohmann::json scenario_risk_rows(const ScenarioRisk& risk);

/// VaR and ES of paths generated from a model on the fly (`fingen risk var --model`), any number
/// of them: each block of paths is reduced to its portfolio losses at once and only the worst are
/// kept (risk::LossTail), over the ranks of `comm` too (each rank its share of the paths, rank 0
/// merges the worst losses of all). Path p depends only on the seed and p, so the VaR and its
/// interval are those of the same paths in one file, whatever the number of processes; the ES
/// interval (a bootstrap of all losses) is not computed (NaN).
struct ModelRiskRequest {
  std::string model_dir;
  std::size_t paths = 0;
  std::uint64_t seed = 0;              ///< of the generation
  ScenarioRiskOptions risk;            ///< weights, horizon (the paths' length), levels, confidence
  int threads = 0;                     ///< OpenMP threads (0: leave as is)
  std::size_t block_paths = 0;         ///< paths per block (0: about 32 MB of values)
  dist::Communicator* comm = nullptr;  ///< several processes (null: this one alone)
};
struct ModelRisk {
  ScenarioRisk risk;  ///< on rank 0; other ranks get the weights only
  std::string kind;   ///< the model's kind
  std::size_t paths = 0;
  int ranks = 1;
  double seconds = 0;
};
ModelRisk model_var_es(const ModelRiskRequest& request);

// --- VaR backtest ------------------------------------------------------------------------------

struct VarBacktestRequest {
  data::ReturnsSource data;
  std::vector<double> weights;      ///< empty: equal weights
  std::vector<std::string> models;  ///< risk::var_model_names()
  risk::VarBacktestOptions options;
  std::string json_out, days_csv;  ///< backtest.json and the per-day CSV (optional)
  std::function<void(const Panel&, const std::vector<double>&)> on_data;  ///< before the first
  std::function<void(const risk::VarBacktestResult&)> on_result;          ///< after each model
};

struct VarBacktestRun {
  Panel returns;
  std::vector<double> weights;
  std::vector<risk::VarBacktestResult> results;  ///< one per model, in order
};

/// Checks every model name first, then backtests each in turn and writes the files.
VarBacktestRun run_var_backtests(const VarBacktestRequest& request);

// --- stress tests ------------------------------------------------------------------------------

struct StressRequest {
  data::ReturnsSource data;
  std::vector<double> weights;  ///< empty: equal weights
  std::size_t days = 10;        ///< length of the historical windows
  std::size_t worst = 5;        ///< how many worst windows
  std::vector<double> shocks;   ///< instant simple-return shocks per asset (optional)
  std::string model_dir;        ///< a saved model for scenario stress (optional)
  std::size_t paths = 10000;
  std::size_t horizon = 0;  ///< 0: `days`
  double level = 0.99;
  std::vector<double> vol_multipliers = {2.0};
  /// The crisis context: the `context_days` rows before the worst historical window, or the
  /// rows up to and including `crisis_end` when it is given.
  std::size_t context_days = 60;
  std::string crisis_end;
  std::uint64_t seed = 1;
  std::string json_out;  ///< the report as JSON (optional)
};

/// VaR/ES of one set of model scenarios.
struct StressScenario {
  std::string label;     ///< "from the end of the training data", "volatility x 2", "after A .. B"
  bool skipped = false;  ///< the crisis context of a model without memory
  double var = 0, es = 0, worst_path_loss = 0;
};

struct StressRun {
  Panel returns;
  std::vector<double> weights;
  std::vector<risk::StressWindow> worst;  ///< worst historical windows, worst first
  bool has_shock = false;
  double shock_loss = 0;
  std::string model_kind;  ///< empty: no model given
  std::size_t horizon = 0;
  std::vector<StressScenario> scenarios;
};

/// Historical windows, the shock and (with a model) its scenarios unconditional, with scaled
/// volatility and started from the crisis context; writes json_out when set.
StressRun run_stress_tests(const StressRequest& request);

}  // namespace fingen::pipeline
