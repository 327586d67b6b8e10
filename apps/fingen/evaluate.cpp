// fingen evaluate: held-out real returns vs the scenarios of one or more models, side by side.
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/pipeline/stages.hpp"

namespace fingen::cli {

// Table: metrics as rows, models as columns, the best in each row marked with '*'.
void print_comparison(const pipeline::EvaluateResult& e, std::ostream& out) {
  const eval::Comparison& c = e.comparison;
  const Panel &real = e.real, &train = e.train;
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

int run_evaluate(const EvaluateArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.scenarios.empty(), "no --scenarios given");
    FG_REQUIRE(!args.start.empty(), "--start (first date of the held-out period) is required");
    pipeline::EvaluateRequest req;
    req.data = {args.real, args.series, args.returns, "log", "", args.end};
    req.test_start = args.start;
    req.what = "--start";
    req.scenario_files = args.scenarios;
    req.names = args.names;
    req.posthoc_window = args.posthoc_window;
    req.posthoc_iterations = args.posthoc_iterations;
    req.json_out = args.json;
    print_comparison(pipeline::evaluate_scenarios(req), out);
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
