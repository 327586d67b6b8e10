// fingen evaluate: held-out real returns vs the scenarios of one or more models, side by side.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/eval/fidelity.hpp"
#include "fingen/eval/posthoc.hpp"
#include "run_support.hpp"

namespace fingen::cli {

namespace {
// --names, or the scenario files' stems.
std::vector<std::string> model_names(const EvaluateArgs& args) {
  std::vector<std::string> names = args.names;
  if (names.empty())
    for (const auto& f : args.scenarios) {
      std::string stem = f.substr(f.find_last_of('/') + 1);
      names.push_back(stem.substr(0, stem.find_last_of('.')));
    }
  FG_REQUIRE(names.size() == args.scenarios.size(), "{} names for {} scenario files", names.size(),
             args.scenarios.size());
  return names;
}

// The fidelity report of every scenario file (with the post-hoc scores when asked for), side by
// side.
eval::Comparison compare_scenarios(const EvaluateArgs& args, const std::vector<std::string>& names,
                                   const Panel& real, const Panel& train) {
  std::vector<eval::FidelityReport> reports;
  double trtr =
      std::numeric_limits<double>::quiet_NaN();  // predictive score when trained on real windows
  for (const auto& f : args.scenarios) {
    Scenarios s = read_scenarios_npy(f);
    FG_REQUIRE(s.assets == real.cols(), "{} has {} series, the real data {} ({})", f, s.assets,
               real.cols(), fmt::join(real.names, ", "));
    reports.push_back(eval::evaluate_fidelity(real, s, train, eval::FidelityOptions()));
    if (args.posthoc_window > 0) {
      // TimeGAN's post-hoc scores on windows (eval/posthoc.hpp).
      const auto [rw, sw] = eval::posthoc_windows(real, s, args.posthoc_window);
      const eval::PosthocScores ph =
          eval::posthoc_scores(rw, sw, eval::PosthocOptions().iterations(args.posthoc_iterations));
      const double nan = std::numeric_limits<double>::quiet_NaN();
      reports.back().metrics.push_back({"discriminative_score", ph.discriminative, nan});
      reports.back().metrics.push_back({"predictive_score", ph.predictive_tstr, nan});
      trtr = ph.predictive_trtr;
    }
  }
  return eval::compare_models(names, reports, trtr);
}

// Table: metrics as rows, models as columns, the best in each row marked with '*'.
void print_comparison(const eval::Comparison& c, const Panel& real, const Panel& train,
                      std::ostream& out) {
  out << fmt::format(
      "held-out real data: {} {} .. {} ({} days); training part for memorisation: {} days\n",
      fmt::join(real.names, "+"), format_index(real.kind, real.index.front()),
      format_index(real.kind, real.index.back()), real.rows(), train.rows());
  out << fmt::format("{:<28}{:>12}", "metric", "real");
  for (const auto& n : c.names) out << fmt::format("{:>14}", n);
  out << '\n';
  const bool several = c.names.size() > 1;
  for (const auto& row : c.rows) {
    out << fmt::format("{:<28}{:>12}", row.key,
                       row.distance ? std::string("-") : fmt::format("{:.5g}", row.target));
    for (std::size_t i = 0; i < row.values.size(); ++i)
      out << fmt::format("{:>13.5g}{}", row.values[i], several && i == row.best ? '*' : ' ');
    out << '\n';
  }
  if (!std::isnan(c.predictive_score_train_on_real))
    out << fmt::format(
        "predictive score of the same model trained on real windows (reference): {:.5g}; "
        "TimeGAN (Yoon et al. 2019) on Stocks: discriminative 0.102, predictive 0.038\n",
        c.predictive_score_train_on_real);
  if (several) {
    out << "rows won:";
    const std::map<std::string, int> wins = c.rows_won();
    for (const auto& n : c.names) out << fmt::format(" {} {}", n, wins.at(n));
    out << '\n';
  }
}
}  // namespace

int run_evaluate(const EvaluateArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.scenarios.empty(), "no --scenarios given");
    FG_REQUIRE(!args.start.empty(), "--start (first date of the held-out period) is required");
    const std::vector<std::string> names = model_names(args);
    const ReturnsSource all{args.real, args.series, args.returns, "log", "", args.end};
    const Panel everything = load_returns(all);
    const std::size_t split = data::split_row(everything, args.start, "--start");
    const Panel train = everything.slice_rows(0, split),
                real = everything.slice_rows(split, everything.rows());
    const eval::Comparison comparison = compare_scenarios(args, names, real, train);
    print_comparison(comparison, real, train, out);
    if (!args.json.empty()) {
      nlohmann::json sections = eval::metrics_json(comparison);
      sections["real"] = describe_data(all, real);
      sections["scenarios"] = args.scenarios;
      write_manifest(args.json, "evaluate", sections);
    }
    return static_cast<int>(kOk);
  });
}

void add_evaluate(CLI::App& app, EvaluateArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand(
      "evaluate", "Compare scenarios with held-out real data (stylized facts, distances)");
  cmd->footer(
      "The real data from --start on is held out; the rows before it are the training data for "
      "the\n"
      "memorisation check. Rows: moments and quantiles (closest to real wins), Hill tail index,\n"
      "W1/KS of 1/5/20/60-day returns, ACF errors of r, |r|, r^2 and the leverage effect, drawdown "
      "and\n"
      "realised volatility, correlation and tail dependence errors, memorisation ratio and "
      "copies.\n"
      "JSON keys: targets.{metric}, models.{name}.{metric}, rows_won.{name}, "
      "curves.{name}[asset].\n\n"
      "Example:\n"
      "  fingen evaluate --real data/sp500_ohlcv_2000_2020.csv --start 2018-01-01 \\\n"
      "      --scenarios runs/demo/gan_scenarios.npy --scenarios runs/demo/garch_scenarios.npy \\\n"
      "      --names gan,garch --json metrics.json");
  cmd->add_option("--real,-r", args.real, "Real data file (prices, or log returns with --returns)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--series", args.series, "Series (default: OHLCV adjusted/close, panel all)")
      ->delimiter(',');
  cmd->add_flag("--returns", args.returns, "The file holds log returns");
  cmd->add_option("--start", args.start, "First date of the held-out period")->required();
  cmd->add_option("--end", args.end, "Last date of the held-out period");
  cmd->add_option("--scenarios,-s", args.scenarios, "Scenario file(s) (.npy), repeatable")
      ->check(CLI::NonNegativeNumber)
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--names", args.names, "Model names, comma separated (default: file names)")
      ->delimiter(',');
  cmd->add_option("--json", args.json, "Write the metrics and curves as JSON");
  cmd->add_option(
         "--posthoc-window", args.posthoc_window,
         "Also TimeGAN's discriminative and predictive scores on windows of this length (e.g. 24)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--posthoc-iterations", args.posthoc_iterations,
                  "Training batches of the post-hoc GRUs");
  cmd->callback([&] { code = run_evaluate(args, out); });
}

}  // namespace fingen::cli
