// fingen report: one self-contained HTML page for a run directory.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/report/html.hpp"

namespace fingen::cli {

int run_report(const ReportArgs& args, std::ostream& out) {
  return guarded([&] {
    const std::string html = args.out.empty() ? args.run + "/report.html" : args.out;
    const int charts = report::write_run_report(
        args.run, html, args.assets.empty() ? report::default_assets_dir() : args.assets);
    out << fmt::format("wrote {} ({} charts; opens offline)\n", html, charts);
    return static_cast<int>(kOk);
  });
}

void add_report(CLI::App& app, ReportArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand("report", "Write the HTML report of a run directory");
  cmd->footer(
      "Charts (Vega-Lite, inlined): sample paths and fan charts, return densities and QQ plots "
      "against\n"
      "the held-out data, ACF of |r| and leverage, GAN losses, the VaR backtest; the metrics table "
      "and\n"
      "the run manifest. `fingen run` writes it automatically.\n\n"
      "Example:\n  fingen report --run runs/demo/sp500 --out report.html");
  cmd->add_option("--run", args.run, "Run directory written by `fingen run`")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out,-o", args.out, "Output HTML file (default RUN/report.html)");
  cmd->add_option("--assets", args.assets,
                  "Directory with vega.min.js, vega-lite.min.js, vega-embed.min.js");
  cmd->callback([&] { code = run_report(args, out); });
}

}  // namespace fingen::cli
