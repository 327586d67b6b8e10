// fingen fit: fit a scenario generator on the returns of a data file and save it to a directory.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/pipeline/stages.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::cli {

namespace {
std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02d}m", s / 3600, (s / 60) % 60)
                   : fmt::format("{}m{:02d}s", s / 60, s % 60);
}
}  // namespace

void print_progress(const scenario::FitProgress& p) {
  if (!p.message.empty()) {
    std::cerr << p.message << '\n';
    return;
  }
  std::string line =
      fmt::format("step {:>6}/{}  D {:8.4f}  G {:8.4f}", p.step, p.total_steps, p.d_loss, p.g_loss);
  if (std::isfinite(p.wasserstein)) line += fmt::format("  W {:7.4f}", p.wasserstein);
  if (p.best_step > 0) line += fmt::format("  val best {:.4f} @{}", p.best_validation, p.best_step);
  line += fmt::format("  {:.1f} steps/s  ETA {}", p.steps_per_second, duration_text(p.eta_seconds));
  std::cerr << line << '\n';
}

void print_fit_start(const std::string& kind, const Panel& r, const std::string& file,
                     std::ostream& out) {
  out << fmt::format("fitting {} on {} returns of {} series ({} .. {}) from {}\n", kind, r.rows(),
                     r.cols(), format_index(r.kind, r.index.front()),
                     format_index(r.kind, r.index.back()), file);
}

void print_fit_done(const std::string& summary, double seconds, const std::string& dir,
                    std::ostream& out) {
  out << summary << fmt::format("fitted in {:.2f} s; saved to {}/\n", seconds, dir);
}

int run_fit(const FitArgs& args, std::ostream& out) {
  return guarded([&] {
    if (args.list_options) {
      out << describe_options(scenario::generator_kind(args.model).options);
      return static_cast<int>(kOk);
    }
    FG_REQUIRE(!args.out.empty(), "no output directory given (--out)");
    const scenario::GeneratorKind& kind = scenario::generator_kind(args.model);
    pipeline::FitRequest req;
    req.kind = args.model;
    req.options = args.options.is_null() ? nlohmann::json::object() : args.options;
    req.options.update(
        parse_option_assignments(args.set, kind.options, fmt::format("{} options", args.model)));
    // Checked here too so that the messages name the flags; fit_model checks the same.
    scenario::make_generator(args.model, req.options, fmt::format("{} options", args.model));
    const dist::DistOptions dist_options = resolve_dist(args.dist);
    // (rank 0 reads the checkpoint and sends it to the others)
    FG_REQUIRE(dist_options.rank != 0 || !args.resume ||
                   std::filesystem::exists(args.out + "/checkpoints/last.pt"),
               "--resume: no checkpoint in {}/checkpoints", args.out);
    FG_REQUIRE(!args.data.empty(), "no data file given (--data)");
    req.data = {args.data, args.series, args.returns, args.return_kind, args.start, args.end};
    req.out = args.out;
    req.resume = args.resume;
    const auto comm = dist::connect(dist_options);
    req.comm = comm.get();
    const bool talk = !args.quiet && comm->rank() == 0;  // one rank prints
    if (talk) {
      req.progress = print_progress;
      req.on_data = [&](const Panel& r) {
        print_fit_start(args.model, r, args.data, out);
        if (comm->size() > 1)
          out << fmt::format("data-parallel over {} processes ({})\n", comm->size(),
                             comm->backend());
      };
    }
    const pipeline::FitResult fitted = pipeline::fit_model(req);
    if (talk) print_fit_done(fitted.summary, fitted.seconds, args.out, out);
    return static_cast<int>(kOk);
  });
}

void add_fit(CLI::App& app, FitArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand("fit", "Fit a scenario generator on historical returns");
  std::string models;
  for (const auto& name : scenario::generator_kinds())
    models += fmt::format("  {:<12} {}\n", name, scenario::generator_kind(name).description);
  cmd->footer(
      "Models:\n" + models +
      "Options of a model: --set key=value (repeatable), or the --key value flags below; list\n"
      "them with --list-options. GANs print progress, write checkpoints to OUT/checkpoints, keep\n"
      "the weights that best match held-out data, and continue an interrupted run (Ctrl-C writes\n"
      "a checkpoint) with --resume.\n"
      "Several processes (fingen launch -n N -- fit ..., or --world-size/--rank, or torchrun's\n"
      "and Slurm's environment) train one GAN data-parallel: each takes its share of every batch\n"
      "and the gradients are summed over them (c10d/Gloo); rank 0 writes the model.\n"
      "Prices are turned into log returns first (--returns if the file already holds returns).\n\n"
      "Examples:\n"
      "  fingen fit --model garch --data data/sp500_ohlcv_2000_2020.csv --end 2017-12-31 --out "
      "runs/garch\n"
      "  fingen fit --model bootstrap --data data/dow_jones_30.csv --series AA,IBM,KO --out "
      "runs/boot\n"
      "  fingen fit --model gbm --data data/eu_stock_markets.csv --out runs/gbm\n"
      "  fingen fit --model gan --data data/sp500_ohlcv_2000_2020.csv --end 2017-12-31 --out "
      "runs/gan\n"
      "  fingen fit --model wgan-gp --set generator=tcn --set context=20 --regime \\\n"
      "      --data data/sp500_ohlcv_2000_2020.csv --out runs/cwgan --steps 3000");
  cmd->add_option("--model,-m", args.model, "Model kind (see below)")->required();
  cmd->add_option("--data,-d", args.data, "Price (or returns) file")->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args.out, "Directory for the fitted model");
  cmd->add_option("--series", args.series,
                  "Series to use (default: OHLCV adjusted/close, panel all)")
      ->delimiter(',');
  cmd->add_flag("--returns", args.returns, "The file holds returns, not prices");
  cmd->add_option("--return-kind", args.return_kind, "log or simple");
  cmd->add_option("--start", args.start, "First date of the training window");
  cmd->add_option("--end", args.end, "Last date of the training window");
  cmd->add_option("--set", args.set, "A model option, key=value (repeatable)");
  // One flag per declared option of every registered kind, from the registry's single list.
  std::set<std::string> added;
  for (const auto& name : scenario::generator_kinds())
    for (const auto& info : scenario::generator_kind(name).options) {
      if (!added.insert(info.name).second) continue;
      std::string flag = "--" + info.name;
      for (auto& c : flag)
        if (c == '_') c = '-';
      if (info.name == "batch_size") flag += ",--batch";  // the short name of earlier releases
      const std::string key = info.name;
      const std::string help =
          fmt::format("{}: {} (default {})", name, info.help, info.default_value.dump());
      if (info.type == "bool")
        cmd->add_flag_callback(
            flag, [&args, key] { args.set.push_back(key + "=true"); }, help);
      else
        cmd->add_option_function<std::string>(
               flag, [&args, key](const std::string& v) { args.set.push_back(key + "=" + v); },
               help)
            ->type_name(info.type == "string" ? "TEXT" : "NUM");
    }
  cmd->add_flag("--resume", args.resume, "Continue from OUT/checkpoints/last.pt");
  cmd->add_flag("--quiet,-q", args.quiet, "Print nothing on success");
  cmd->add_flag("--list-options", args.list_options, "Print the options of --model and exit");
  add_dist_options(*cmd, args.dist);
  cmd->callback([&] { code = run_fit(args, out); });
}

}  // namespace fingen::cli
