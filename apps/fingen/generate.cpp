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
  out << fmt::format(
      "{} scenarios: {} paths x {} steps x {} series in {:.3f} s ({:.0f} paths/s{}); wrote {}{}\n",
      g.kind, g.paths, g.horizon, g.assets, g.seconds,
      static_cast<double>(g.paths) / std::max(g.seconds, 1e-9),
      g.ranks > 1 ? fmt::format(", {} processes", g.ranks) : "", npy,
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
    req.device = args.device;
    req.keep = false;  // written block by block: the file may be larger than memory
    const auto comm = dist::connect(resolve_dist(args.dist));
    req.comm = comm.get();
    const pipeline::GenerateResult g = pipeline::generate_scenarios(req);
    if (!args.quiet && comm->rank() == 0) print_generated(g, args.out, args.csv, out);
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
      "the seed and p, so results are the same for any --threads, and the same over several\n"
      "processes: with --world-size N (or `fingen launch -n N -- generate ...`, or "
      "torchrun/Slurm's\n"
      "environment) each rank makes its share of the paths and rank 0 writes the file, byte for\n"
      "byte what one process writes. Paths are written in blocks, so the file may be larger than\n"
      "memory.\n\n"
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
  cmd->add_option("--device", args.device,
                  "Where a GAN generates: cpu (default), cuda or auto (cuda when present); the "
                  "paths of one seed differ between devices by rounding only");
  cmd->add_flag("--quiet,-q", args.quiet, "Print nothing on success");
  add_dist_options(*cmd, args.dist);
  cmd->callback([&] { code = run_generate(args, out); });
}

}  // namespace fingen::cli
