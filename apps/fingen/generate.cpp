// fingen generate: scenarios from a fitted model, written as .npy (and optionally CSV).
#include <algorithm>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/pipeline/stages.hpp"

namespace fingen::cli {

void print_generated(const pipeline::GenerateResult& g, const std::string& npy,
                     const std::string& csv, std::ostream& out) {
  const Scenarios& s = g.scenarios;
  out << fmt::format(
      "{} scenarios: {} paths x {} steps x {} series in {:.3f} s ({:.0f} paths/s); wrote {}{}\n",
      g.kind, s.paths, s.horizon, s.assets, g.seconds,
      static_cast<double>(s.paths) / std::max(g.seconds, 1e-9), npy,
      csv.empty() ? "" : " and " + csv);
}

int run_generate(const GenerateArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(args.paths > 0, "--paths must be positive");
    FG_REQUIRE(args.horizon > 0, "--horizon must be positive");
    FG_REQUIRE(args.threads >= 0, "--threads must be >= 0");
    pipeline::GenerateRequest req;
    req.model_dir = args.model;
    req.paths = args.paths;
    req.horizon = args.horizon;
    req.seed = args.seed;
    req.threads = args.threads;
    req.out = args.out;
    req.csv = args.csv;
    const pipeline::GenerateResult g = pipeline::generate_scenarios(req);
    if (!args.quiet) print_generated(g, args.out, args.csv, out);
    return static_cast<int>(kOk);
  });
}

void add_generate(CLI::App& app, GenerateArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd =
      app.add_subcommand("generate", "Generate scenarios (return paths) from a fitted model");
  cmd->footer(
      "Writes a float64 .npy of shape (paths, horizon, series) that NumPy reads with np.load, and\n"
      "beside it NAME.manifest.json with the options, seed and model checksum. Path p depends only "
      "on\n"
      "the seed and p, so results are the same for any --threads.\n\n"
      "Examples:\n"
      "  fingen generate --model runs/garch --paths 10000 --horizon 250 --seed 7 --out "
      "runs/garch_scen.npy\n"
      "  fingen generate --model runs/boot --paths 100 --horizon 20 --out boot.npy --csv boot.csv");
  cmd->add_option("--model,-m", args.model, "Directory of a fitted model")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--paths,-n", args.paths, "Number of paths")
      ->check(CLI::NonNegativeNumber)
      ->required();
  cmd->add_option("--horizon,-H", args.horizon, "Steps per path")
      ->check(CLI::NonNegativeNumber)
      ->required();
  cmd->add_option("--seed,-s", args.seed, "Random seed");
  cmd->add_option("--out,-o", args.out, "Output .npy file")->required();
  cmd->add_option("--csv", args.csv, "Also write the scenarios as CSV");
  cmd->add_option("--threads", args.threads, "Threads (0 = all cores)");
  cmd->add_flag("--quiet,-q", args.quiet, "Print nothing on success");
  cmd->callback([&] { code = run_generate(args, out); });
}

}  // namespace fingen::cli
