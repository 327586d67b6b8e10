// fingen fit: fit a scenario generator on the returns of a data file and save it to a directory.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/scenario/bootstrap.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/gbm.hpp"
#ifdef FINGEN_HAVE_TORCH
#include "fingen/ml/gan.hpp"
#endif
#include "run_support.hpp"

namespace fingen::cli {

namespace {
// 0 = every core: LibTorch's own default can be a single thread.
int effective_threads(int requested) {
  return requested > 0 ? requested
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::unique_ptr<scenario::ScenarioGenerator> make_generator(const FitArgs& args) {
  if (args.model == "gbm") return std::make_unique<scenario::GbmGenerator>();
  if (args.model == "garch")
    return std::make_unique<scenario::GarchGenerator>(scenario::parse_innovation(args.innovation));
  if (args.model == "bootstrap")
    return std::make_unique<scenario::BootstrapGenerator>(args.block_length);
  if (args.model == "gan" || args.model == "gan-minimax" || args.model == "wgan-gp") {
#ifdef FINGEN_HAVE_TORCH
    FG_REQUIRE(!args.resume || std::filesystem::exists(args.out + "/checkpoints/last.pt"),
               "--resume: no checkpoint in {}/checkpoints", args.out);
    return std::make_unique<ml::GanGenerator>(ml::GanOptions()
                                                  .loss(args.model == "gan"           ? "ns"
                                                        : args.model == "gan-minimax" ? "minimax"
                                                                                      : "wgan-gp")
                                                  .generator(args.generator)
                                                  .discriminator(args.discriminator)
                                                  .window(args.window)
                                                  .context(args.context)
                                                  .regime(args.regime)
                                                  .steps(args.steps)
                                                  .batch_size(args.batch)
                                                  .hidden(args.hidden)
                                                  .layers(args.layers)
                                                  .noise_dim(args.noise_dim)
                                                  .lr(args.lr)
                                                  .critic_steps(args.critic_steps)
                                                  .seed(args.seed)
                                                  .threads(effective_threads(args.threads))
                                                  .checkpoint_every(args.checkpoint_every)
                                                  .eval_every(args.eval_every)
                                                  .checkpoint_dir(args.out + "/checkpoints")
                                                  .resume(args.resume)
                                                  .quiet(args.quiet));
#else
    FG_FAIL(Usage, "this fingen was built without LibTorch (FINGEN_WITH_TORCH=OFF): no GANs");
#endif
  }
  FG_FAIL(Usage, "unknown model '{}': expected gbm, garch, bootstrap, gan, gan-minimax or wgan-gp",
          args.model);
}
}  // namespace

int run_fit(const FitArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.out.empty(), "no output directory given (--out)");
    FG_REQUIRE(args.block_length >= 0, "--block-length must be >= 0 (0 = automatic), got {}",
               args.block_length);
    auto generator = make_generator(args);  // validates the options before reading data
    const ReturnsSource source{args.data,        args.series, args.returns,
                               args.return_kind, args.start,  args.end};
    const Panel r = load_returns(source);
    if (!args.quiet)
      out << fmt::format("fitting {} on {} returns of {} series ({} .. {}) from {}\n", args.model,
                         r.rows(), r.cols(), format_index(r.kind, r.index.front()),
                         format_index(r.kind, r.index.back()), args.data);
    std::error_code ec;
    std::filesystem::create_directories(args.out, ec);  // GAN checkpoints go here during training
    FG_CHECK(Io, !ec, "{}: cannot create the output directory: {}", args.out, ec.message());
    const auto t0 = std::chrono::steady_clock::now();
    generator->fit(r);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    generator->save(args.out);
    const std::string summary = generator->summary();
    write_manifest(args.out + "/manifest.json", "fit",
                   {{"options",
                     {{"model", args.model},
                      {"innovation", args.innovation},
                      {"block_length", args.block_length},
                      {"gan",
                       {{"generator", args.generator},
                        {"discriminator", args.discriminator},
                        {"window", args.window},
                        {"context", args.context},
                        {"regime", args.regime},
                        {"steps", args.steps},
                        {"batch", args.batch},
                        {"hidden", args.hidden},
                        {"layers", args.layers},
                        {"noise_dim", args.noise_dim},
                        {"lr", args.lr},
                        {"critic_steps", args.critic_steps},
                        {"seed", args.seed},
                        {"threads", effective_threads(args.threads)},
                        {"resume", args.resume}}},
                      {"start", args.start},
                      {"end", args.end}}},
                    {"data", describe_data(source, r)},
                    {"fit_seconds", seconds},
                    {"summary", summary}});
    if (!args.quiet)
      out << summary << fmt::format("fitted in {:.2f} s; saved to {}/\n", seconds, args.out);
    return static_cast<int>(kOk);
  });
}

void add_fit(CLI::App& app, FitArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand("fit", "Fit a scenario generator on historical returns");
  cmd->footer(
      "Models: gbm (correlated normal log returns), garch (GARCH(1,1) per asset, normal or "
      "Student-t\n"
      "innovations, constant conditional correlation), bootstrap (stationary block bootstrap),\n"
      "gan (non-saturating loss), gan-minimax (the original minimax loss), wgan-gp (Wasserstein "
      "with\n"
      "gradient penalty). GANs print progress, write checkpoints to OUT/checkpoints every\n"
      "--checkpoint-every steps, keep the weights that best match held-out data, and continue an\n"
      "interrupted run (Ctrl-C writes a checkpoint) with --resume.\n"
      "Prices are turned into log returns first (--returns if the file already holds returns).\n\n"
      "Examples:\n"
      "  fingen fit --model garch --data data/sp500_ohlcv_2000_2020.csv --end 2017-12-31 --out "
      "runs/garch\n"
      "  fingen fit --model bootstrap --data data/dow_jones_30.csv --series AA,IBM,KO --out "
      "runs/boot\n"
      "  fingen fit --model gbm --data data/eu_stock_markets.csv --out runs/gbm\n"
      "  fingen fit --model gan --data data/sp500_ohlcv_2000_2020.csv --end 2017-12-31 --out "
      "runs/gan\n"
      "  fingen fit --model wgan-gp --generator tcn --discriminator tcn --context 20 --regime \\\n"
      "      --data data/sp500_ohlcv_2000_2020.csv --out runs/cwgan --steps 3000");
  cmd->add_option("--model,-m", args.model, "gbm, garch or bootstrap")->required();
  cmd->add_option("--data,-d", args.data, "Price (or returns) file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args.out, "Directory for the fitted model")->required();
  cmd->add_option("--series", args.series,
                  "Series to use (default: OHLCV adjusted/close, panel all)")
      ->delimiter(',');
  cmd->add_flag("--returns", args.returns, "The file holds returns, not prices");
  cmd->add_option("--return-kind", args.return_kind, "log or simple");
  cmd->add_option("--start", args.start, "First date of the training window");
  cmd->add_option("--end", args.end, "Last date of the training window");
  cmd->add_option("--innovation", args.innovation, "garch: t or normal");
  cmd->add_option("--block-length", args.block_length,
                  "bootstrap: mean block length (0 = automatic)");
  cmd->add_option("--generator", args.generator, "GAN generator network: lstm, tcn or mlp");
  cmd->add_option("--discriminator", args.discriminator,
                  "GAN discriminator network: tcn (default), mlp or lstm");
  cmd->add_option("--window", args.window, "GAN: steps per training window");
  cmd->add_option("--context", args.context,
                  "GAN: condition on the previous K observations (0 = unconditional)");
  cmd->add_flag("--regime", args.regime, "GAN: also condition on the volatility regime (high/low)");
  cmd->add_option("--steps", args.steps, "GAN: generator updates");
  cmd->add_option("--batch", args.batch, "GAN: batch size");
  cmd->add_option("--hidden", args.hidden, "GAN: hidden units / channels");
  cmd->add_option("--layers", args.layers,
                  "GAN: layers (LSTM layers, TCN blocks, MLP hidden layers)");
  cmd->add_option("--noise-dim", args.noise_dim, "GAN: noise dimensions per step");
  cmd->add_option("--lr", args.lr, "GAN: Adam learning rate (0 = 2e-4, or 1e-4 for wgan-gp)");
  cmd->add_option("--critic-steps", args.critic_steps,
                  "GAN: discriminator updates per generator update (0 = 5 for wgan-gp, else 1)");
  cmd->add_option("--seed", args.seed, "GAN: random seed");
  cmd->add_option(
      "--threads", args.threads,
      "GAN: threads (0 = all cores); the same seed and thread count give the same model");
  cmd->add_option("--checkpoint-every", args.checkpoint_every, "GAN: steps between checkpoints");
  cmd->add_option("--eval-every", args.eval_every, "GAN: steps between validation checks");
  cmd->add_flag("--resume", args.resume, "GAN: continue from OUT/checkpoints/last.pt");
  cmd->add_flag("--quiet,-q", args.quiet, "Print nothing on success");
  cmd->callback([&] { code = run_fit(args, out); });
}

}  // namespace fingen::cli
