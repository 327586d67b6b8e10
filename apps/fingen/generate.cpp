// fingen generate: scenarios from a fitted model, written as .npy (and optionally CSV).
#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <omp.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/checked.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/scenario/generator.hpp"
#include "run_support.hpp"

namespace fingen::cli {

namespace {
// The fit's manifest (data file, checksum, options) when the model directory has one.
nlohmann::json fit_manifest(const std::string& dir) {
  try {
    const auto j = nlohmann::json::parse(read_file(dir + "/manifest.json"));
    return {{"data", j.value("data", nlohmann::json())},
            {"options", j.value("options", nlohmann::json())}};
  } catch (const std::exception&) {
    return nullptr;  // a model saved by the library, not by `fingen fit`
  }
}
}  // namespace

int run_generate(const GenerateArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(args.paths > 0, "--paths must be positive");
    FG_REQUIRE(args.horizon > 0, "--horizon must be positive");
    // At most 2e9 values (16 GB of float64) per run; products are checked so they cannot wrap.
    constexpr std::size_t kMaxValues = 2'000'000'000ULL;
    const std::size_t steps = checked_mul(args.paths, args.horizon, "--paths x --horizon");
    FG_REQUIRE(steps <= kMaxValues, "{} paths x {} steps is too many values (at most {})",
               args.paths, args.horizon, kMaxValues);
    FG_REQUIRE(args.threads >= 0, "--threads must be >= 0");
    if (args.threads > 0) omp_set_num_threads(args.threads);
    const auto generator = scenario::load_generator(args.model);
    const std::size_t values = checked_mul(
        steps, std::max<std::size_t>(generator->names().size(), 1), "--paths x --horizon x series");
    FG_REQUIRE(values <= kMaxValues,
               "{} paths x {} steps x {} series is too many values (at most {})", args.paths,
               args.horizon, generator->names().size(), kMaxValues);
    const auto t0 = std::chrono::steady_clock::now();
    const Scenarios s = generator->generate(args.paths, args.horizon, args.seed);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // The scenarios, their CSV and their manifest appear together or not at all.
    AtomicFiles files;
    files.add(args.out, npy_bytes(s));
    if (!args.csv.empty()) files.add(args.csv, scenarios_csv(s));
    files.add(manifest_path_for(args.out),
              manifest_text("generate",
                            {{"options",
                              {{"model_dir", args.model},
                               {"paths", args.paths},
                               {"horizon", args.horizon},
                               {"seed", args.seed},
                               {"threads", args.threads}}},
                             {"model", generator->kind()},
                             {"fit", fit_manifest(args.model)},
                             {"model_sha256", sha256_file(args.model + "/model.json")},
                             {"shape", {s.paths, s.horizon, s.assets}},
                             {"names", s.names},
                             {"values", "per-period returns of the kind the model was fitted on"},
                             {"generate_seconds", seconds}}));
    files.commit();
    if (!args.quiet)
      out << fmt::format(
          "{} scenarios: {} paths x {} steps x {} series in {:.3f} s ({:.0f} paths/s); wrote "
          "{}{}\n",
          generator->kind(), s.paths, s.horizon, s.assets, seconds,
          static_cast<double>(s.paths) / std::max(seconds, 1e-9), args.out,
          args.csv.empty() ? "" : " and " + args.csv);
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
