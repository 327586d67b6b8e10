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

namespace fingen::ml {

struct GanOptions {
  FG_ARG(std::string, loss) = "ns";            ///< minimax, ns, wgan-gp
  FG_ARG(std::string, generator) = "lstm";     ///< mlp, lstm, tcn
  FG_ARG(std::string, discriminator) = "tcn";  ///< tcn (default), mlp, lstm
  FG_ARG(int64_t, window) = 64;                ///< steps per training sample
  FG_ARG(int64_t, context) = 0;  ///< k previous observations to condition on (0 = none)
  FG_ARG(bool, regime) = false;  ///< also condition on the volatility regime
  FG_ARG(int64_t, noise_dim) = 8;
  FG_ARG(int64_t, hidden) = 64;
  FG_ARG(int64_t, layers) = 2;
  FG_ARG(int64_t, batch_size) = 64;
  FG_ARG(int64_t, steps) = 1500;      ///< generator updates
  FG_ARG(int64_t, critic_steps) = 0;  ///< D updates per G update (0: 5 for wgan-gp, else 1)
  FG_ARG(double, lr) = 0.0;           ///< 0: 1e-4 for wgan-gp, else 2e-4
  FG_ARG(double, gp_lambda) = 10.0;
  FG_ARG(uint64_t, seed) = 42;
  FG_ARG(int, threads) = 0;  ///< 0: LibTorch's default
  FG_ARG(double, validation_fraction) = 0.15;
  FG_ARG(int64_t, eval_every) = 100;
  FG_ARG(int64_t, checkpoint_every) = 100;
  FG_ARG(std::string, checkpoint_dir) = "";  ///< empty: no checkpoints
  FG_ARG(bool, resume) = false;              ///< continue from checkpoint_dir/last.pt
  FG_ARG(int64_t, log_every) = 50;
  FG_ARG(bool, quiet) = false;
  /// Refitting an already fitted generator continues from its weights (rolling backtests) for
  /// `warm_steps` steps (0: `steps`), instead of starting from new random weights.
  FG_ARG(bool, warm_start) = false;
  FG_ARG(int64_t, warm_steps) = 0;

 public:
  /// Throws Error(Usage) naming the first invalid option.
  void validate() const;
  int64_t effective_critic_steps() const {
    return critic_steps_ > 0 ? critic_steps_ : (loss_ == "wgan-gp" ? 5 : 1);
  }
  double effective_lr() const { return lr_ > 0 ? lr_ : (loss_ == "wgan-gp" ? 1e-4 : 2e-4); }
};

/// One line of the training log.
struct TrainLogRow {
  int64_t step = 0;
  double d_loss = 0, g_loss = 0;
  double wasserstein = 0;  ///< critic's estimate E[D(x)] - E[D(G(z))] (wgan-gp), else NaN
  double validation = -1;  ///< validation distance at this step, -1 if not evaluated
  double seconds = 0;      ///< wall time since the start of this run
};

class GanGenerator final : public scenario::ScenarioGenerator {
 public:
  explicit GanGenerator(GanOptions options = {});
  ~GanGenerator() override;
  GanGenerator(GanGenerator&&) noexcept;
  GanGenerator& operator=(GanGenerator&&) noexcept;

  std::string kind() const override { return "gan"; }
  /// Trains on the returns (progress on stderr unless quiet; checkpoints if checkpoint_dir is set).
  void fit(const Panel& returns) override;
  bool fitted() const override;
  /// Unconditional: from noise. Conditional: continues from the last training observations.
  Scenarios generate(std::size_t paths, std::size_t horizon, std::uint64_t seed) const override;
  Scenarios generate_from(const Eigen::MatrixXd& context, std::size_t paths, std::size_t horizon,
                          std::uint64_t seed) const override;
  void save(const std::string& dir) const override;
  std::string summary() const override;
  static std::unique_ptr<GanGenerator> load(const std::string& dir);

  const GanOptions& options() const noexcept;
  const std::vector<TrainLogRow>& log() const noexcept;
  int64_t best_step() const noexcept;
  /// Flattened generator parameters (for tests: identical training runs give identical weights).
  std::vector<float> generator_parameters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Makes scenario::load_generator() understand "gan" model directories.
void register_generators();

/// Asks running training loops to stop after the current step, write a checkpoint and throw
/// Error(Runtime) saying how to resume (safe to call from a signal handler).
void request_stop() noexcept;

}  // namespace fingen::ml
