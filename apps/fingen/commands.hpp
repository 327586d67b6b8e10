// The fingen command line: one XxxArgs struct and one run_xxx() per subcommand, so tests can call
// a subcommand in-process exactly as the CLI does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/pipeline/stages.hpp"
#include "fingen/scenario/generator.hpp"

namespace CLI {
class App;
}

namespace fingen::cli {

/// Exit codes of every subcommand.
enum ExitCode : int { kOk = 0, kRuntimeError = 1, kUsageError = 2 };

struct DataInspectArgs {
  std::vector<std::string> files;
  std::string json;  ///< write the report here as JSON (atomically); "-" = standard output
  std::string format = "auto";
  bool returns = false;
  char delimiter = 0;
  std::size_t lags = 10;
};
int run_data_inspect(const DataInspectArgs& args, std::ostream& out);
void add_data_inspect(CLI::App& data, DataInspectArgs& args, int& code, std::ostream& out);

struct DataCleanArgs {
  std::vector<std::string> files;
  std::string out;
  std::string missing = "ffill";
  std::size_t limit = 0;
  std::string join = "inner";
  std::size_t max_fill = 5;
  std::string outliers = "none";
  double threshold = 8.0;
  bool returns = false;
  bool to_returns = false;
  std::string return_kind = "log";
  std::string report;
};
int run_data_clean(const DataCleanArgs& args, std::ostream& out);
void add_data_clean(CLI::App& data, DataCleanArgs& args, int& code, std::ostream& out);

/// --world-size, --rank, --master-addr, --master-port, --dist-timeout as typed (empty: not
/// given; the environment then decides, see dist::resolve).
struct DistArgs {
  std::string world_size, rank, master_addr, master_port, timeout;
};
void add_dist_options(CLI::App& cmd, DistArgs& args);
dist::DistOptions resolve_dist(const DistArgs& args);

struct FitArgs {
  std::string model;
  std::string data;
  std::string out;
  std::vector<std::string> series;
  bool returns = false;
  std::string return_kind = "log";
  std::string start;
  std::string end;
  /// The model's options as key=value (`--set key=value`, or a `--key value` flag generated for
  /// every option of every registered kind); see `fingen fit --model KIND --list-options`.
  std::vector<std::string> set;
  nlohmann::json options = nlohmann::json::object();  ///< more options (configs); `set` wins
  bool resume = false;
  bool quiet = false;
  bool list_options = false;  ///< print the model's options and exit
  DistArgs dist;              ///< data-parallel training over several processes
};
/// Prints a training progress line on stderr (what `fit` shows while a GAN trains).
void print_progress(const scenario::FitProgress& p);
// What `fit` prints before and after fitting (`run` prints the same for each model).
void print_fit_start(const std::string& kind, const Panel& returns, const std::string& file,
                     std::ostream& out);
void print_fit_done(const std::string& summary, double seconds, const std::string& dir,
                    std::ostream& out);
int run_fit(const FitArgs& args, std::ostream& out);
void add_fit(CLI::App& app, FitArgs& args, int& code, std::ostream& out);

struct GenerateArgs {
  std::string model;
  std::size_t paths = 0;
  std::size_t horizon = 0;
  std::uint64_t seed = 42;
  std::string out;
  std::string csv;
  int threads = 0;
  std::string device;  ///< where a GAN generates (empty: the CPU)
  bool quiet = false;
  DistArgs dist;
};
int run_generate(const GenerateArgs& args, std::ostream& out);
void print_generated(const pipeline::GenerateResult& generated, const std::string& npy,
                     const std::string& csv, std::ostream& out);
void add_generate(CLI::App& app, GenerateArgs& args, int& code, std::ostream& out);

struct LaunchArgs {
  int processes = 0;
  int master_port = 0;
  std::vector<std::string> command;  ///< the fingen subcommand and its arguments
};
/// Runs `fingen COMMAND...` as `processes` local ranks (dist::launch_local).
int run_launch(const LaunchArgs& args, const std::string& self);
void add_launch(CLI::App& app, LaunchArgs& args, int& code);

struct RiskVarArgs {
  std::string scenarios;
  std::string model;      ///< instead of --scenarios: generate `paths` paths from a model
  std::size_t paths = 0;  ///< with --model
  int threads = 0;        ///< with --model
  DistArgs dist;          ///< with --model: several processes
  std::vector<double> weights;
  std::vector<double> levels = {0.95, 0.99};
  std::size_t horizon = 1;
  bool simple = false;
  double confidence = 0.95;
  std::size_t bootstrap = 500;
  std::uint64_t seed = 1;
  std::string json;
};
int run_risk_var(const RiskVarArgs& args, std::ostream& out);

/// A portfolio of series from a data file: shared by the risk subcommands.
struct PortfolioDataArgs {
  std::string data;
  std::vector<std::string> series;
  bool returns = false;
  std::vector<double> weights;
  std::string start, end;
};

struct RiskBacktestArgs {
  PortfolioDataArgs portfolio;
  std::vector<std::string> models = {"historical", "garch"};
  std::size_t window = 500;
  std::size_t refit = 20;
  double level = 0.99;
  std::size_t scenarios = 2000;
  std::uint64_t seed = 1;
  std::string json, csv;
};
int run_risk_backtest(const RiskBacktestArgs& args, std::ostream& out);
void print_var_backtest_header(const Panel& returns, const risk::VarBacktestOptions& options,
                               std::ostream& out);
void print_var_backtest_row(const risk::VarBacktestResult& result, std::ostream& out);
void add_risk(CLI::App& app, RiskVarArgs& var_args, RiskBacktestArgs& bt_args, int& code,
              std::ostream& out);

struct RiskStressArgs {
  PortfolioDataArgs portfolio;
  std::size_t days = 10;
  std::size_t worst = 5;
  std::string model;
  std::size_t paths = 10000;
  std::size_t horizon = 0;
  double level = 0.99;
  std::vector<double> vol_multipliers = {2.0};
  std::size_t context_days = 60;
  std::string crisis_end;
  std::vector<double> shocks;
  std::uint64_t seed = 1;
  std::string json;
};
int run_risk_stress(const RiskStressArgs& args, std::ostream& out);
/// Adds `risk stress` under the `risk` subcommand (call after add_risk).
void add_risk_stress(CLI::App& app, RiskStressArgs& args, int& code, std::ostream& out);

struct EvaluateArgs {
  std::string real;
  std::vector<std::string> series;
  bool returns = false;
  std::string start, end;
  std::vector<std::string> scenarios;
  std::vector<std::string> names;
  std::string json;
  std::size_t posthoc_window = 0;  ///< 0: no post-hoc scores
  long posthoc_iterations = 2000;
};
int run_evaluate(const EvaluateArgs& args, std::ostream& out);
void print_comparison(const pipeline::EvaluateResult& evaluation, std::ostream& out);
void add_evaluate(CLI::App& app, EvaluateArgs& args, int& code, std::ostream& out);

struct StrategyArgs {
  std::string data;
  std::vector<std::string> with;  ///< more price files, joined on common dates
  std::vector<std::string> series;
  std::string start, end;
  std::string strategy;
  std::vector<std::string> set;  ///< key=value: strategy options, then backtest/cost options
  std::string json, trades, equity;
  // robustness
  std::vector<std::string> scenarios, names;
  std::string model;
  std::size_t paths = 1000, horizon = 0;
  std::uint64_t seed = 1;
  DistArgs dist;  ///< with --model: several processes
  // search
  std::vector<std::string> grid;  ///< name=v1,v2,...
  std::size_t train = 756, test = 252, blocks = 16;
};
int run_strategy_backtest(const StrategyArgs& args, std::ostream& out);
int run_strategy_robustness(const StrategyArgs& args, std::ostream& out);
int run_strategy_search(const StrategyArgs& args, std::ostream& out);
void add_strategy(CLI::App& app, StrategyArgs& backtest, StrategyArgs& robustness,
                  StrategyArgs& search, int& code, std::ostream& out);

struct ExecuteArgs {
  std::string data, series;
  std::string algo = "twap", side = "buy", start;
  double shares = 0;
  std::size_t bars = 10, lookback = 20;
  std::vector<double> profile;
  bool whole_shares = false;
  std::vector<std::string> set;
  std::string json;
};
int run_execute(const ExecuteArgs& args, std::ostream& out);
void add_execute(CLI::App& app, ExecuteArgs& args, int& code, std::ostream& out);

struct PortfolioArgs {
  std::string data;
  std::vector<std::string> series;
  std::string start, end;
  std::string scenarios;
  std::string method = "all";
  double target_return = std::numeric_limits<double>::quiet_NaN();
  double alpha = 0.05, lower = 0, upper = 1, budget = 1, risk_free = 0;
  std::vector<std::string> groups;  ///< NAME=ASSET,ASSET:MIN:MAX
  std::vector<double> current;      ///< with max_turnover
  double max_turnover = std::numeric_limits<double>::quiet_NaN();
  std::size_t points = 20;
  std::vector<std::string> methods;      ///< backtest: empty = all
  std::size_t window = 504, every = 21;  ///< backtest
  std::vector<std::string> set;          ///< backtest: cost options key=value
  // screen
  std::size_t random = 1000, top = 20;
  std::uint64_t seed = 1;
  bool single_assets = false;
  double drawdown = 0.1;
  double min_return = std::numeric_limits<double>::quiet_NaN();
  double max_cvar = std::numeric_limits<double>::quiet_NaN();
  double min_sharpe = std::numeric_limits<double>::quiet_NaN();
  double max_drawdown_probability = std::numeric_limits<double>::quiet_NaN();
  std::string rank_by = "sharpe";
  std::string json, csv;
};
int run_portfolio_optimize(const PortfolioArgs& args, std::ostream& out);
int run_portfolio_frontier(const PortfolioArgs& args, std::ostream& out);
int run_portfolio_backtest(const PortfolioArgs& args, std::ostream& out);
int run_portfolio_screen(const PortfolioArgs& args, std::ostream& out);
void add_portfolio(CLI::App& app, PortfolioArgs& optimize, PortfolioArgs& frontier,
                   PortfolioArgs& backtest, PortfolioArgs& screen, int& code, std::ostream& out);

struct ForecastArgs {
  std::string data;
  std::string target;
  std::vector<std::string> features;
  std::vector<std::string> series;  ///< columns to read (default: target and feature columns)
  bool returns = false;
  std::string start, end;
  std::string kind = "returns";
  std::size_t vol_window = 5;
  std::size_t horizon = 1;
  std::vector<double> quantiles;
  // evaluate
  std::vector<std::string> models;  ///< KIND or NAME=KIND
  std::vector<std::string> set;     ///< MODEL.key=value (evaluate) or key=value (fit)
  std::string test_start;
  std::size_t window = 0, refit_every = 21;
  double dm_power = 2;
  std::string json, csv;
  // fit / predict
  std::string model;      ///< fit: the kind
  std::string model_dir;  ///< fit: output; predict: input
  std::string at;         ///< predict: origin date (default: the last row)
  // augment
  std::vector<std::size_t> sizes;
  std::vector<std::uint64_t> seeds;
  std::size_t test_rows = 500, path_length = 250;
  double ratio = 4;
  std::vector<std::string> sources;  ///< NAME=GENERATOR or GENERATOR
  // robustness
  double gaps = 0.05, outliers = 0.01, sigmas = 10;
  std::uint64_t seed = 1;
};
int run_forecast_evaluate(const ForecastArgs& args, std::ostream& out);
int run_forecast_fit(const ForecastArgs& args, std::ostream& out);
int run_forecast_predict(const ForecastArgs& args, std::ostream& out);
int run_forecast_augment(const ForecastArgs& args, std::ostream& out);
int run_forecast_robustness(const ForecastArgs& args, std::ostream& out);
/// The forecast subcommands' arguments, one per subcommand.
struct ForecastCommands {
  ForecastArgs evaluate, fit, predict, augment, robustness;
};
void add_forecast(CLI::App& app, ForecastCommands& args, int& code, std::ostream& out);

struct CreditArgs {
  std::string data, label, positive;
  std::vector<std::string> models = {"logistic", "mahalanobis", "isolation-forest"};
  std::vector<std::string> set;
  int folds = 5, repeats = 2;
  int threads = 0;  ///< credit evaluate: folds in parallel (0: all cores)
  std::uint64_t seed = 1;
  double oversample_to = 0;
  std::vector<std::string> oversamplers = {"smote"};
  std::string json;
  // fit / score / augment
  std::string model = "logistic", model_dir, out;
  std::string oversampler = "gan";
  std::size_t rows = 0;
  double share = 0.5;
  bool synthetic_only = false;
};
int run_credit_evaluate(const CreditArgs& args, std::ostream& out);
int run_credit_augment(const CreditArgs& args, std::ostream& out);
int run_credit_fit(const CreditArgs& args, std::ostream& out);
int run_credit_score(const CreditArgs& args, std::ostream& out);
void add_credit(CLI::App& app, CreditArgs& args, int& code, std::ostream& out);

struct DetectArgs {
  std::string data;
  std::vector<std::string> series;
  std::string start, end, test_start;
  std::size_t window = 20;
  double share = 0.1, size = 6;
  std::vector<std::string> models = {"mahalanobis", "isolation-forest"};
  std::vector<std::string> set;
  std::uint64_t seed = 1;
  std::string json;
  // fit / score
  std::string model = "mahalanobis", model_dir, out;
  // a labelled table instead of market data
  std::string label, positive;
};
int run_detect_evaluate(const DetectArgs& args, std::ostream& out);
int run_detect_fit(const DetectArgs& args, std::ostream& out);
int run_detect_score(const DetectArgs& args, std::ostream& out);
void add_detect(CLI::App& app, DetectArgs& evaluate, int& code, std::ostream& out);

struct RunArgs {
  std::string config;
  std::string out;
  bool quiet = false;
};
int run_pipeline(const RunArgs& args, std::ostream& out);
void add_run(CLI::App& app, RunArgs& args, int& code, std::ostream& out);

struct ReportArgs {
  std::string run;
  std::string out;
  std::string assets;
};
int run_report(const ReportArgs& args, std::ostream& out);
void add_report(CLI::App& app, ReportArgs& args, int& code, std::ostream& out);

struct InfoArgs {
  bool json = false;
};
int run_info(const InfoArgs& args, std::ostream& out);
void add_info(CLI::App& app, InfoArgs& args, int& code, std::ostream& out);

/// Runs a subcommand body, turning fingen::Error (and any other exception) into a message on
/// stderr and an exit code: usage errors 2, everything else 1.
int guarded(const std::function<int()>& body);

}  // namespace fingen::cli
