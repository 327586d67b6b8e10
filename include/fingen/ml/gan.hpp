/// @file gan.hpp
/// @brief Generative adversarial networks for return paths, behind the ScenarioGenerator seam.
///
/// A generator G maps noise (and, for a conditional GAN, a condition) to a window of standardized
/// returns; a discriminator D scores windows as real or generated. Losses:
/// - "minimax": the value function of Goodfellow et al. (2014),
///     min_G max_D E[log D(x)] + E[log(1 - D(G(z)))];
///   D ascends it, G descends log(1 - D(G(z))) exactly as written.
/// - "ns" (non-saturating, the default "gan"): same D, but G maximises log D(G(z)) (same paper,
///   section 3), which gives G strong gradients early in training.
/// - "wgan-gp": the critic's Wasserstein estimate with gradient penalty (Gulrajani et al. 2017):
///   L_D = E[D(G(z))] - E[D(x)] + lambda E[(||grad D(x_hat)|| - 1)^2], L_G = -E[D(G(z))],
///   x_hat on lines between real and generated samples; Adam(1e-4, betas 0, 0.9), 5 critic steps.
/// Networks (chosen independently for G and D): "mlp", "lstm" (batch_first) and "tcn" (dilated
/// causal convolutions, as in Quant GANs). LSTM and TCN generators run over any number of steps, so
/// long horizons are generated in one pass without seams; an MLP generator with a context rolls
/// forward window by window, each conditioned on the previous k generated steps. The default
/// discriminator is a TCN: on S&P 500 returns an MLP discriminator let the LSTM generator learn a
/// period-3 artifact (ACF of returns 0.82 at lag 3) that the TCN's local filters reject.
/// Outputs: "garch" (the default for unconditional tcn/lstm generators) runs a GARCH(1,1)-t
/// variance recursion along each generated path, fitted to the training data, which the network
/// modulates with a bounded mean and volatility factor; "sv" makes the network emit a mean and a
/// volatility for Student-t shocks; "direct" takes the network's output as the return.
/// Conditioning (context k > 0): the previous k standardized returns, and optionally the volatility
/// regime (realised volatility of the last 20 days above/below its training median), are given to
/// both networks. Returns are z-scored with a scaler fitted on the training rows only and mapped
/// back exactly. The last `validation_fraction` of the history is held out; every `eval_every`
/// steps the distance between held-out and generated return distributions (1-Wasserstein of daily
/// and 5-day returns) decides which generator weights are kept.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fingen/core/options.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/scenario/train_log.hpp"

namespace fingen::ml {

/// The GAN's options, declared once: fields, JSON form (model.json, configs), `--set key=value`
/// parsing and descriptions all come from this list.
#define FINGEN_GAN_OPTIONS(X)                                                                     \
  X(std::string, loss, "ns", "minimax, ns (non-saturating) or wgan-gp")                           \
  X(std::string, generator, "tcn", "generator network: tcn, lstm or mlp")                         \
  X(std::string, discriminator, "tcn", "discriminator network: tcn, mlp or lstm")                 \
  X(std::string, output, "auto",                                                                  \
    "garch: r_t = mu + sqrt(h_t) (m_t + v_t eps_t), h_t a GARCH(1,1) recursion on the generated " \
    "path that the network modulates; sv: r_t = mu_t + sigma_t eps_t (stochastic volatility); "   \
    "direct: as is; auto: garch for unconditional tcn/lstm generators, else sv")                  \
  X(double, innovation_df, 0.0,                                                                   \
    "sv/garch: degrees of freedom of eps (0 = per asset from a GARCH(1,1)-t fit, at least 5)")    \
  X(double, max_persistence, 0.999,                                                               \
    "garch: largest alpha + beta of the backbone (a fit above it is scaled down to it)")          \
  X(int64_t, window, 128, "steps per training window")                                            \
  X(int64_t, burn_in, 64, "lstm/tcn generators: steps generated and dropped before each window")  \
  X(int64_t, context, 0, "condition on the previous K observations (0 = unconditional)")          \
  X(bool, regime, false, "also condition on the volatility regime (high/low)")                    \
  X(int64_t, noise_dim, 8, "noise dimensions per step")                                           \
  X(int64_t, hidden, 32, "generator hidden units / channels")                                     \
  X(int64_t, layers, 6,                                                                           \
    "generator layers (TCN blocks: 6 see 127 steps; LSTM layers; MLP hidden layers)")             \
  X(int64_t, critic_hidden, 0, "discriminator hidden units / channels (0 = hidden)")              \
  X(int64_t, critic_layers, 0,                                                                    \
    "discriminator layers (0 = 6 for a tcn: a receptive field of 127 steps; else layers)")        \
  X(int64_t, batch_size, 64, "windows per batch")                                                 \
  X(int64_t, steps, 1500, "generator updates")                                                    \
  X(int64_t, critic_steps, 0,                                                                     \
    "discriminator updates per generator update (0: 5 for wgan-gp, else 1)")                      \
  X(double, lr, 0.0,                                                                              \
    "generator Adam learning rate (0: 1e-4 for wgan-gp, else 2e-4; a quarter of it for garch)")   \
  X(double, critic_lr, 0.0,                                                                       \
    "discriminator Adam learning rate (0: lr if set, else 1e-4 for wgan-gp, 2e-4 otherwise)")     \
  X(double, gp_lambda, 10.0, "wgan-gp gradient penalty weight")                                   \
  X(uint64_t, seed, 42, "random seed")                                                            \
  X(std::string, device, "cpu",                                                                   \
    "where the networks train: cpu, cuda or auto (cuda when this LibTorch and machine have it)")  \
  X(int, threads, 0,                                                                              \
    "threads (0 = OMP_NUM_THREADS if set, else all cores); the same seed and thread count give "  \
    "the same model")                                                                             \
  X(std::string, selection, "stylized",                                                           \
    "weights kept: stylized (closest stylized facts, eval/selection.hpp) or w1 (held-out W1)")    \
  X(double, validation_fraction, 0.0,                                                             \
    "share of the history held out for the selection (0 = select on the training data)")          \
  X(int64_t, eval_every, 100, "steps between validation checks")                                  \
  X(int64_t, checkpoint_every, 100, "steps between checkpoints")                                  \
  X(int64_t, log_every, 50, "steps between progress reports")                                     \
  X(bool, warm_start, false, "refits continue from the fitted weights (rolling backtests)")       \
  X(int64_t, warm_steps, 0, "steps of a warm-started refit (0 = steps)")

struct GanOptions {
  FINGEN_GAN_OPTIONS(FG_OPTION_FIELD)
  // How a fit runs (not saved with the model): see scenario::FitControl.
  FG_ARG(std::string, checkpoint_dir) = "";  ///< empty: no checkpoints
  FG_ARG(bool, resume) = false;              ///< continue from checkpoint_dir/last.pt

 public:
  /// Throws Error(Usage) naming the first invalid option.
  void validate() const;
  int64_t effective_critic_steps() const {
    return critic_steps_ > 0 ? critic_steps_ : (loss_ == "wgan-gp" ? 5 : 1);
  }
  /// output, with auto resolved: garch for an unconditional tcn or lstm generator, else sv.
  std::string effective_output() const {
    if (output_ != "auto") return output_;
    return generator_ != "mlp" && context_ == 0 && !regime_ ? "garch" : "sv";
  }
  /// garch output: the generator only corrects its GARCH backbone, with a quarter of the
  /// critic's learning rate.
  double effective_lr() const {
    if (lr_ > 0) return lr_;
    const double base = loss_ == "wgan-gp" ? 1e-4 : 2e-4;
    return effective_output() == "garch" ? base / 4 : base;
  }
  double effective_critic_lr() const {
    if (critic_lr_ > 0) return critic_lr_;
    if (lr_ > 0) return lr_;
    return loss_ == "wgan-gp" ? 1e-4 : 2e-4;
  }
  int64_t effective_critic_layers() const {
    return critic_layers_ > 0 ? critic_layers_ : (discriminator_ == "tcn" ? 6 : layers_);
  }
  int64_t effective_critic_hidden() const { return critic_hidden_ > 0 ? critic_hidden_ : hidden_; }
  /// threads, with 0 resolved to the number of cores.
  int effective_threads() const;

  /// Every option above (not checkpoint_dir/resume) as a JSON object.
  nlohmann::json to_json() const;
  /// Options from a JSON object: missing keys keep their defaults; unknown keys and wrong types
  /// are Error(Usage) naming `where`. Validated.
  static GanOptions from_json(const nlohmann::json& j, const std::string& where = "gan options");
  /// The declared options (name, type, default, description).
  static std::vector<OptionInfo> info();
};

/// One line of the training log (train_log.csv in the model directory).
using TrainLogRow = scenario::TrainLogRow;

class GanGenerator final : public scenario::ScenarioGenerator {
 public:
  explicit GanGenerator(GanOptions options = {});
  ~GanGenerator() override;
  GanGenerator(GanGenerator&&) noexcept;
  GanGenerator& operator=(GanGenerator&&) noexcept;

  std::string kind() const override { return "gan"; }
  /// Trains on the returns (progress through the FitControl callback; checkpoints if
  /// checkpoint_dir is set).
  void fit(const Panel& returns) override;
  void set_fit_control(const scenario::FitControl& control) override;
  void set_device(const std::string& device) override;
  bool conditional() const override;
  nlohmann::json options() const override;
  bool fitted() const override;
  /// Unconditional: from noise. Conditional: continues from the last training observations.
  Scenarios generate_range(std::size_t first, std::size_t count, std::size_t horizon,
                           std::uint64_t seed) const override;
  Scenarios generate_from(const Eigen::MatrixXd& context, std::size_t paths, std::size_t horizon,
                          std::uint64_t seed) const override;
  void save(const std::string& dir) const override;
  std::string summary() const override;
  static std::unique_ptr<GanGenerator> load(const std::string& dir);

  const GanOptions& gan_options() const noexcept;
  const std::vector<TrainLogRow>& log() const noexcept;
  int64_t best_step() const noexcept;
  /// Flattened generator parameters (for tests: identical training runs give identical weights).
  std::vector<float> generator_parameters() const;

  struct Impl;  ///< implementation (gan.cpp); public only so its training task can name it

 private:
  void fit_impl(const Panel& returns);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fingen::ml
