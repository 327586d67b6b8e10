// fingen run CONFIG: the whole job from one JSON file: data -> split -> fit every model -> generate
// -> evaluate on the held-out period -> risk backtest -> run directory with a manifest.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/pipeline/config.hpp"
#include "run_support.hpp"

namespace fingen::cli {

namespace {
using nlohmann::json;

void step(std::ostream& out, const std::string& what) {
  out << "\n== " << what << " ==\n";
}

void check(int code, const std::string& what) {
  FG_CHECK(Runtime, code == kOk, "pipeline step failed: {} (see the error above)", what);
}
}  // namespace

int run_pipeline(const RunArgs& args, std::ostream& out) {
  return guarded([&] {
    // The whole config (every model's options, every risk model and level) is checked here,
    // before any directory is made or any model trains.
    const pipeline::PipelineConfig c = pipeline::read_config(args.config, args.out);
    const std::string& file = c.data_file;
    const std::string& run_dir = c.out;
    // The day before the test period ends the training data.
    const Panel all = load_returns({file, c.series, c.returns, "log", "", ""});
    const std::size_t first_test =
        data::split_row(all, c.test_start, args.config + ": split.test_start");
    const std::string train_end = format_index(all.kind, all.index[first_test - 1]);
    std::filesystem::create_directories(run_dir + "/scenarios");

    std::vector<std::string> scenario_files, names;
    for (const auto& m : c.models) {
      step(out, fmt::format("fit {} ({}) on data up to {}", m.name, m.kind, train_end));
      FitArgs f;
      f.model = m.kind;
      f.options = m.options;
      f.data = file;
      f.series = c.series;
      f.returns = c.returns;
      f.start = c.train_start;
      f.end = train_end;
      f.out = run_dir + "/models/" + m.name;
      f.quiet = args.quiet;
      check(run_fit(f, out), "fit " + m.name);
      GenerateArgs g;
      g.model = f.out;
      g.paths = c.paths;
      g.horizon = c.horizon;
      g.seed = c.seed;
      g.out = run_dir + "/scenarios/" + m.name + ".npy";
      check(run_generate(g, out), "generate " + m.name);
      scenario_files.push_back(g.out);
      names.push_back(m.name);
    }
    step(out, fmt::format("evaluate on held-out data from {}", c.test_start));
    EvaluateArgs e;
    e.real = file;
    e.series = c.series;
    e.returns = c.returns;
    e.start = c.test_start;
    e.scenarios = scenario_files;
    e.names = names;
    e.json = run_dir + "/metrics.json";
    e.posthoc_window = c.posthoc_window;
    e.posthoc_iterations = c.posthoc_iterations;
    check(run_evaluate(e, out), "evaluate");

    json risk_section = nullptr;
    if (c.has_risk) {
      RiskBacktestArgs b;
      b.portfolio = {file, c.series, c.returns, c.risk.weights, c.train_start, ""};
      b.models = c.risk.models;
      b.level = c.risk.level;
      b.window = c.risk.window;
      b.refit = c.risk.refit;
      b.json = run_dir + "/backtest.json";
      b.csv = run_dir + "/backtest_days.csv";
      step(out, "risk backtest");
      check(run_risk_backtest(b, out), "risk backtest");
      risk_section = {{"json", b.json}, {"days_csv", b.csv}};
    }
    write_manifest(run_dir + "/manifest.json", "run",
                   {{"config", args.config},
                    {"config_sha256", sha256_file(args.config)},
                    {"config_content", c.content},
                    {"data", {{"file", file}, {"sha256", sha256_file(file)}}},
                    {"train_end", train_end},
                    {"test_start", c.test_start},
                    {"models", names},
                    {"scenarios", scenario_files},
                    {"metrics", run_dir + "/metrics.json"},
                    {"risk", risk_section}});
    step(out, "report");
    ReportArgs rep;
    rep.run = run_dir;
    check(run_report(rep, out), "report");
    out << fmt::format(
        "\nrun complete: {}/ (report.html, manifest.json, metrics.json, models/, scenarios/{})\n",
        run_dir, risk_section.is_null() ? "" : ", backtest.json");
    return static_cast<int>(kOk);
  });
}

void add_run(CLI::App& app, RunArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a whole pipeline from a JSON config (fit, generate, evaluate, backtest)");
  cmd->footer(pipeline::config_keys_help() +
              "\n\n"
              "Examples:\n"
              "  fingen run examples/sp500.json\n"
              "  fingen run examples/dow_jones.json --out runs/dj");
  cmd->add_option("config", args.config, "Pipeline config (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args.out, "Run directory (default: the config's out, or runs/NAME)");
  cmd->add_flag("--quiet,-q", args.quiet, "Less output from the fits");
  cmd->callback([&] { code = run_pipeline(args, out); });
}

}  // namespace fingen::cli
