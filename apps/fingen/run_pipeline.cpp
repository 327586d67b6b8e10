// fingen run CONFIG: the whole job from one JSON file: data -> split -> fit every model -> generate
// -> evaluate on the held-out period -> risk backtest -> run directory with a manifest.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/pipeline/config.hpp"
#include "fingen/pipeline/run.hpp"

namespace fingen::cli {

namespace {
void step(std::ostream& out, const std::string& what) {
  out << "\n== " << what << " ==\n";
}
}  // namespace

int run_pipeline(const RunArgs& args, std::ostream& out) {
  return guarded([&] {
    // The whole config (every model's options, every risk model and level) is checked here,
    // before any directory is made or any model trains.
    const pipeline::PipelineConfig c = pipeline::read_config(args.config, args.out);
    pipeline::RunObserver o;
    o.stage = [&](const std::string& what) { step(out, what); };
    o.detail = [](const std::string& what) { std::cerr << "  " << what << "\n"; };
    if (!args.quiet) {
      o.fitting = [&](const pipeline::ModelSpec& m, const Panel& train) {
        print_fit_start(m.kind, train, c.data_file, out);
      };
      o.progress = print_progress;
    }
    o.model_done = [&](const pipeline::ModelRun& m, const pipeline::GenerateResult& g) {
      if (!args.quiet) print_fit_done(m.summary, m.fit_seconds, m.model_dir, out);
      print_generated(g, m.scenarios_file, "", out);
    };
    o.evaluated = [&](const pipeline::EvaluateResult& e) { print_comparison(e, out); };
    o.backtest_start = [&](const Panel& r, const std::vector<double>&) {
      print_var_backtest_header(
          r,
          risk::VarBacktestOptions().window(c.risk.window).refit(c.risk.refit).level(c.risk.level),
          out);
    };
    o.backtest_result = [&](const risk::VarBacktestResult& b) { print_var_backtest_row(b, out); };
    o.traded = [&](const trading::TradingSummary& t) {
      out << fmt::format(
          "{} {} on the data's closes: net total return {:.2f}%, Sharpe {:.3f} "
          "(buy-and-hold {:.2f}%, {:.3f})\n",
          t.strategy, t.strategy_options.dump(), 100 * t.net_metrics.total_return,
          t.net_metrics.sharpe, 100 * t.hold_net_metrics.total_return, t.hold_net_metrics.sharpe);
      for (const auto& s : t.sources) out << s.sentence << '\n';
    };
    const pipeline::RunResult r = pipeline::run_pipeline(c, o);
    out << fmt::format("wrote {} ({} charts; opens offline)\n", r.report_file, r.charts);
    out << fmt::format(
        "\nrun complete: {}/ (report.html, manifest.json, metrics.json, models/, scenarios/{})\n",
        r.dir,
        std::string(r.risk ? ", backtest.json" : "") + (r.trading ? ", trading.json" : "") +
            (r.portfolio ? ", portfolio.json" : "") + (r.forecast ? ", forecast.json" : ""));
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
