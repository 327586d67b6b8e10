#include "fingen/ml/gan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <thread>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <Eigen/Cholesky>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/core/runtime.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/eval/selection.hpp"
#include "fingen/ml/posthoc.hpp"
#include "fingen/ml/runtime.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"
#include "fingen/stats/distance.hpp"
#include "losses.hpp"
#include "networks.hpp"
#include "trainer.hpp"

namespace fingen::ml {

namespace {
// Degrees of freedom of the innovations estimated from a GARCH(1,1)-t fit's shape, kept in
// [5, 30]: at 4 or fewer a Student-t has no fourth moment, and the near-integrated fits that
// give them (gold 3.5, silver 4.1, both with alpha + beta >= 1) made generated paths whose excess
// kurtosis grows with their number (140 and 74 over 1,000 x 252 paths against 4-7 in the data).
// With the floor at 5 it halves, and the held-out W1 of 20-day returns and the discriminative
// score improve on both (bench/gan_fidelity.sh; README).
double estimated_df(double nu) {
  return std::clamp(std::isfinite(nu) ? nu : 30.0, 5.0, 30.0);
}

constexpr int64_t kRegimeWindow = 20;
constexpr int64_t kChunk = 256;  // paths per generation batch; path p depends only on (seed, p)
// Paths of the stylized selection score: 1,024 (256 before) halve its sampling noise, which
// decided between steps (the same generator scored 0.71 and 0.23 on two seeds' 256 paths).
constexpr int64_t kSelectionPaths = 1024;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using nlohmann::json;

at::Generator make_torch_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

}  // namespace

nlohmann::json GanOptions::to_json() const {
  const GanOptions& o = *this;
  nlohmann::json j = nlohmann::json::object();
  FINGEN_GAN_OPTIONS(FG_OPTION_TO_JSON)
  return j;
}

GanOptions GanOptions::from_json(const nlohmann::json& j, const std::string& where) {
  check_option_keys(j, info(), where);
  GanOptions o;
  FINGEN_GAN_OPTIONS(FG_OPTION_FROM_JSON)
  o.validate();
  return o;
}

std::vector<OptionInfo> GanOptions::info() {
  return {FINGEN_GAN_OPTIONS(FG_OPTION_INFO)};
}

int GanOptions::effective_threads() const {
  if (threads_ > 0) return threads_;
  // OMP_NUM_THREADS when set (fingen launch and torchrun set it for several processes on one
  // host), else one thread per core.
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= 4096) return static_cast<int>(n);
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void GanOptions::validate() const {
  FG_REQUIRE(loss_ == "minimax" || loss_ == "ns" || loss_ == "wgan-gp",
             "unknown GAN loss '{}': expected minimax, ns or wgan-gp", loss_);
  for (const auto* net : {&generator_, &discriminator_})
    FG_REQUIRE(*net == "mlp" || *net == "lstm" || *net == "tcn",
               "unknown network '{}': expected mlp, lstm or tcn", *net);
  FG_REQUIRE(window_ >= 2 && window_ <= 4096, "window must be in [2, 4096], got {}", window_);
  FG_REQUIRE(context_ >= 0 && context_ <= 1024, "context must be in [0, 1024], got {}", context_);
  FG_REQUIRE(output_ == "auto" || output_ == "sv" || output_ == "direct" || output_ == "garch",
             "unknown GAN output '{}': expected auto, garch, sv or direct", output_);
  FG_REQUIRE(output_ != "garch" || (generator_ != "mlp" && context_ == 0 && !regime_),
             "the garch output runs a variance recursion along whole paths: it needs an lstm or "
             "tcn generator and an unconditional GAN (context 0, no regime)");
  FG_REQUIRE(selection_ == "stylized" || selection_ == "w1",
             "unknown GAN selection '{}': expected stylized or w1", selection_);
  FG_REQUIRE(innovation_df_ == 0 || (innovation_df_ > 2 && innovation_df_ <= 1000),
             "innovation_df must be 0 (estimated) or in (2, 1000], got {}", innovation_df_);
  FG_REQUIRE(max_persistence_ > 0 && max_persistence_ < 1,
             "max_persistence must be in (0, 1), got {}", max_persistence_);
  FG_REQUIRE(burn_in_ >= 0 && burn_in_ <= 4096, "burn_in must be in [0, 4096], got {}", burn_in_);
  // Bounded so that a model file cannot ask for an unbounded network.
  for (const auto& [name, v] : {std::pair<const char*, int64_t>{"noise_dim", noise_dim_},
                                {"hidden", hidden_},
                                {"layers", layers_},
                                {"critic_hidden", critic_hidden_},
                                {"critic_layers", critic_layers_}}) {
    const bool zero_ok = std::string(name).rfind("critic_", 0) == 0;
    const int64_t max = std::string(name).find("layers") != std::string::npos ? 16 : 4096;
    FG_REQUIRE((v >= 1 || (zero_ok && v == 0)) && v <= max, "{} must be in [{}, {}], got {}", name,
               zero_ok ? 0 : 1, max, v);
  }
  FG_REQUIRE(batch_size_ >= 2, "batch size must be at least 2, got {}", batch_size_);
  FG_REQUIRE(steps_ >= 0, "steps must be >= 0, got {}", steps_);
  FG_REQUIRE(batch_size_ <= 65536 && steps_ <= 100'000'000, "batch size or steps too large");
  FG_REQUIRE(
      critic_steps_ >= 0 && critic_steps_ <= 100 && lr_ >= 0 && critic_lr_ >= 0 && gp_lambda_ >= 0,
      "critic_steps (at most 100), lr, critic_lr and gp_lambda must be >= 0");
  FG_REQUIRE(validation_fraction_ >= 0 && validation_fraction_ < 0.5,
             "validation fraction must be in [0, 0.5), got {}", validation_fraction_);
  FG_REQUIRE(selection_ != "w1" || validation_fraction_ > 0,
             "selection w1 compares with held-out rows: set validation_fraction > 0");
  FG_REQUIRE(eval_every_ >= 1 && checkpoint_every_ >= 1 && log_every_ >= 1,
             "eval/checkpoint/log intervals must be >= 1");
  FG_REQUIRE(threads_ >= 0, "threads must be >= 0");
  FG_REQUIRE(device_ == "cpu" || device_ == "cuda" || device_ == "auto",
             "device must be cpu, cuda or auto, got '{}'", device_);
}

// ---------------------------------------------------------------------------------------------

namespace {
// Rows [lo, hi) of a batch (dimension 0); all rows when hi < 0.
struct BatchRows {
  int64_t lo = 0, hi = -1;
  torch::Tensor of(const torch::Tensor& t) const { return hi < 0 ? t : t.slice(0, lo, hi); }
};
}  // namespace

struct GanGenerator::Impl {
  GanOptions opt;
  std::vector<std::string> names;
  int64_t assets = 0;
  data::Scaler scaler{data::ScalerKind::ZScore};
  double regime_threshold = 0;
  Eigen::VectorXd drift;  // generator mean (standardized) removed at generation
  Eigen::MatrixXd tail;   // last rows of the training history (raw returns), for generate()
  mutable SequenceNet G{nullptr}, D{nullptr};  // holders: sampling (const) runs them
  std::vector<double> innovation_df;           // sv/garch: degrees of freedom of eps per asset
  // garch output: GARCH(1,1) per asset on the standardized returns (mu, omega, alpha, beta), and
  // the Cholesky factor of the correlation of its standardized residuals (lower triangular).
  std::vector<scenario::Garch11> garch;
  Eigen::MatrixXd innovation_chol;
  // garch output: the backbone's variance for the step after the fitted data (standardized
  // units), where generate() starts its paths as a fitted GARCH does; empty in models saved before
  // it existed (their paths start from the burnt-in state, h = 1 before the burn-in).
  Eigen::VectorXd garch_h_end;
  std::vector<TrainLogRow> log;
  int64_t best_step = -1;
  double best_score = std::numeric_limits<double>::infinity();
  bool fitted = false;
  scenario::FitControl control;  // progress callback (checkpoint_dir/resume mirror opt)
  // Where the networks run. Random numbers are always drawn on the CPU from the CPU generator and
  // moved (the same noise on any device); data and conditions live on the CPU and go to the device
  // at the networks' door; generated chunks come back to the CPU. Loaded models run on the CPU
  // unless set_device() says otherwise.
  torch::Device device = torch::kCPU;
  torch::Tensor on_device(const torch::Tensor& t) const { return t.defined() ? t.to(device) : t; }
  void move_to(torch::Device d) {
    device = d;
    if (G) G->to(d);
    if (D) D->to(d);
    if (!garch.empty()) cache_backbone();
  }

  int64_t cond_dim() const { return opt.context() * assets + (opt.regime() ? 2 : 0); }
  bool conditional() const { return cond_dim() > 0; }
  int64_t history_needed() const {
    return std::max(opt.context(), opt.regime() ? kRegimeWindow : int64_t{0});
  }

  bool sv() const { return opt.output() == "sv" || opt.output() == "garch"; }
  bool garch_output() const { return opt.output() == "garch"; }
  bool burns() const { return opt.generator() != "mlp" && opt.burn_in() > 0; }

  void build() {
    NetConfig g;
    g.kind = parse_net_kind(opt.generator());
    g.in_features = opt.noise_dim() + (sv() ? assets : 0);  // noise, and eps_{t-1} (sv)
    g.out_features = sv() ? 2 * assets : assets;            // (mu, log sigma) per asset (sv)
    g.cond_dim = cond_dim();
    g.hidden = opt.hidden();
    g.layers = opt.layers();
    g.window = opt.window();
    NetConfig d;
    d.kind = parse_net_kind(opt.discriminator());
    d.in_features = assets;
    d.out_features = 1;
    d.cond_dim = cond_dim();
    d.hidden = opt.effective_critic_hidden();
    d.layers = opt.effective_critic_layers();
    d.window = opt.window();
    d.magnitudes = sv();  // the critic sees |r| too, so volatility is visible to every filter
    G = make_generator_net(g);
    D = make_discriminator_net(d);
    // garch: the network starts (almost) silent, so the generator starts as the GARCH(1,1)-t it
    // modulates: mu_t ~ 0 and a volatility factor softplus(0) / log 2 = 1.
    if (garch_output()) G->scale_head(0.01);
  }

  // Standardized Student-t(nu) draws per asset: Z sqrt((nu - 2) / (2 Gamma(nu / 2))), clipped at
  // 30 sd. [B, T, A].
  torch::Tensor student_t(at::Generator& gen, int64_t B, int64_t T) const {
    const torch::Tensor z = torch::randn({B, T, assets}, gen);
    const torch::Tensor half_nu =
        torch::tensor(std::vector<float>(innovation_df.begin(), innovation_df.end()))
            .div(2)
            .expand({B, T, assets})
            .contiguous();
    const torch::Tensor g = at::_standard_gamma(half_nu, gen);  // Gamma(nu / 2, 1)
    const torch::Tensor scale = ((half_nu - 1) / g).sqrt();     // sqrt((nu - 2) / chi2_nu)
    return (z * scale).clamp(-30, 30);
  }

  // One batch of generated standardized returns [B, T, A] (with gradients unless the caller
  // holds a NoGradGuard). lstm/tcn generators first run `burn_in` steps, which are dropped, so
  // windows start from the network's stationary state rather than from zeros.
  // garch output: `h_start` [A] (optional) is the variance of the first kept step, so paths
  // continue from a given state instead of the stationary one.
  // `rows`: data-parallel training draws the noise of the whole batch (as one process would) and
  // runs its own rows [lo, hi) of it through the networks; `cond` holds those rows only.
  torch::Tensor generate_batch(at::Generator& gen, int64_t B, int64_t T, const torch::Tensor& cond,
                               bool burn, const torch::Tensor& h_start = torch::Tensor(),
                               BatchRows rows = {}) const {
    const int64_t lead = burn && burns() ? opt.burn_in() : 0;
    const int64_t L = T + lead;
    const torch::Tensor z =
        on_device(rows.of(torch::randn({B, L, opt.noise_dim()}, gen)));  // [B, L, noise]
    const torch::Tensor c = on_device(cond);
    if (!sv()) return G->forward(z, c).slice(1, lead);
    torch::Tensor eps = on_device(rows.of(student_t(gen, B, L)));  // [B, L, A], this rank's rows
    B = eps.size(0);
    if (garch_output() && assets > 1)
      eps = torch::matmul(eps, backbone_t.chol_t);  // correlated shocks
    // The network sees yesterday's shock, so sigma_t can respond to it (clustering, leverage).
    const torch::Tensor prev =
        torch::cat({torch::zeros({B, 1, assets}, eps.options()), eps.slice(1, 0, L - 1)}, 1);
    const torch::Tensor out = G->forward(torch::cat({z, prev}, 2), c);  // [B, L, 2A]
    const torch::Tensor mu = out.slice(2, 0, assets);
    if (garch_output())
      return garch_paths(mu, out.slice(2, assets), eps, lead, on_device(h_start)).slice(1, lead);
    const torch::Tensor sigma = torch::nn::functional::softplus(out.slice(2, assets)) + 1e-3;
    return (mu + sigma.clamp_max(20) * eps).slice(1, lead);  // [B, T, A]
  }

  // The backbone as tensors, made once when it is fitted or loaded (set_innovation_correlation,
  // which both call last): per-asset mu, omega, alpha, beta, and the Cholesky factor as the
  // right-hand matrix of eps [.., A] x L^T.
  struct BackboneTensors {
    torch::Tensor mu, omega, alpha, beta, chol_t;
  } backbone_t;
  void cache_backbone() {
    std::vector<float> m, w, a, b;
    for (const auto& g : garch) {
      m.push_back(static_cast<float>(g.mu));
      w.push_back(static_cast<float>(g.omega));
      a.push_back(static_cast<float>(g.alpha));
      b.push_back(static_cast<float>(g.beta));
    }
    backbone_t = {torch::tensor(m).to(device), torch::tensor(w).to(device),
                  torch::tensor(a).to(device), torch::tensor(b).to(device),
                  to_tensor(Eigen::MatrixXd(innovation_chol.transpose())).to(device)};
  }

  // garch output: r_t = mu_G + sqrt(h_t) (m_t + v_t eps_t) with the GARCH(1,1) variance recursion
  // h_{t+1} = omega + alpha e_t^2 + beta h_t run on the generated deviations e_t = r_t - mu_G
  // themselves, so today's generated move feeds tomorrow's volatility (clustering); the network
  // adds a mean m_t = 0.2 tanh(.) and a volatility factor v_t = 3^tanh(.) (1 at a zero output)
  // that depend on the noise and the shocks it has seen (leverage, long memory, tails beyond the
  // GARCH's). h starts at 1, the variance of the standardized training returns (the model's
  // unconditional variance omega / (1 - alpha - beta) is no estimate of it when the persistence is
  // near 1: S&P 500 2000-2017, 0.999, gives 5.6, a path sd 2.4 times the data's that a 64-step
  // burn-in hardly reduces); burn-in steps wash the start out. h is kept
  // in [1e-4, 100] (standardized units). With `h_start` [A], h is set to it at step `lead` (the
  // first kept step): the network is burnt in as usual, the variance continues from a given state.
  torch::Tensor garch_paths(const torch::Tensor& mu, const torch::Tensor& raw_factor,
                            const torch::Tensor& eps, int64_t lead = 0,
                            const torch::Tensor& h_start = torch::Tensor()) const {
    const int64_t B = eps.size(0), L = eps.size(1);
    // Both corrections are bounded, so the network modulates the GARCH rather than replaces it:
    // a factor in [1/3, 3] and a mean within 0.2 conditional sd.
    const torch::Tensor shock =
        (std::log(3.0) * raw_factor.tanh()).exp() * eps + 0.2 * mu.tanh();  // [B, L, A]
    const torch::Tensor &omega = backbone_t.omega, &alpha = backbone_t.alpha,
                        &beta = backbone_t.beta;
    torch::Tensor h = torch::ones({B, assets}, eps.options());
    std::vector<torch::Tensor> dev;
    dev.reserve(static_cast<std::size_t>(L));
    for (int64_t t = 0; t < L; ++t) {
      if (t == lead && h_start.defined()) h = h_start.expand({B, assets});
      const torch::Tensor e = h.sqrt() * shock.select(1, t);  // [B, A]
      dev.push_back(e);
      h = (omega + alpha * e * e + beta * h).clamp(1e-4, 100);
    }
    return torch::stack(dev, 1) + backbone_t.mu;  // [B, L, A]
  }

  // Fits the garch output's backbone on the standardized training rows: one GARCH(1,1)-t per
  // asset, the correlation of the standardized residuals, and (unless innovation_df is set) the
  // innovations' degrees of freedom from each fit's shape, kept in [5, 30] (estimated_df).
  void fit_backbone(const Eigen::MatrixXd& z) {
    garch.clear();
    innovation_df.clear();
    Eigen::MatrixXd resid(z.rows(), z.cols());
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
      const Eigen::VectorXd col = z.col(j);
      const scenario::GarchFit f = scenario::fit_garch11(
          col.data(), static_cast<std::size_t>(col.size()), scenario::Innovation::StudentT);
      scenario::Garch11 g = f.model;
      // A persistence at (or numerically past) 1 would make the backbone's variance wander
      // without a mean to return to: it is capped (max_persistence), alpha and beta in their
      // ratio.
      if (g.persistence() > opt.max_persistence()) {
        const double k = opt.max_persistence() / g.persistence();
        g.alpha *= k;
        g.beta *= k;
      }
      garch.push_back(g);
      for (Eigen::Index t = 0; t < z.rows(); ++t)
        resid(t, j) = (z(t, j) - f.model.mu) / std::sqrt(f.variance[static_cast<std::size_t>(t)]);
      const double nu = f.model.shape;
      innovation_df.push_back(opt.innovation_df() > 0 ? opt.innovation_df() : estimated_df(nu));
    }
    const Eigen::MatrixXd c = resid.rowwise() - resid.colwise().mean();
    Eigen::MatrixXd cov =
        (c.transpose() * c) / static_cast<double>(std::max<Eigen::Index>(1, c.rows() - 1));
    const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
    const Eigen::MatrixXd corr =
        sd.cwiseInverse().asDiagonal() * cov * sd.cwiseInverse().asDiagonal();
    set_innovation_correlation(corr);
  }
  // The backbone's variance after the standardized rows `z` [rows, assets]: the recursion from 1
  // (as in garch_paths) through every row, kept in [1e-4, 100] as in garch_paths; the state of the
  // step after them.
  Eigen::VectorXd garch_variance_after(const Eigen::MatrixXd& z) const {
    Eigen::VectorXd h(assets);
    for (int64_t a = 0; a < assets; ++a) {
      const scenario::Garch11& g = garch[static_cast<std::size_t>(a)];
      double v = 1.0;
      for (Eigen::Index t = 0; t < z.rows(); ++t) {
        const double e = z(t, a) - g.mu;
        v = std::clamp(g.omega + g.alpha * e * e + g.beta * v, 1e-4, 100.0);
      }
      h(a) = v;
    }
    return h;
  }
  torch::Tensor h_tensor(const Eigen::VectorXd& h) const {
    std::vector<float> v(h.data(), h.data() + h.size());
    return torch::tensor(v);
  }

  void set_innovation_correlation(const Eigen::MatrixXd& corr) {
    Eigen::LLT<Eigen::MatrixXd> llt(corr);
    FG_CHECK(Numeric, llt.info() == Eigen::Success && corr.allFinite(),
             "gan: the correlation of the GARCH residuals is not positive definite");
    innovation_chol = llt.matrixL();
    cache_backbone();
  }

  // Regime one-hot from a window of standardized returns [rows, assets] (last kRegimeWindow rows).
  torch::Tensor regime_onehot(const torch::Tensor& recent) const {
    const double vol =
        std::sqrt(recent.slice(0, recent.size(0) - kRegimeWindow).pow(2).mean().item<double>());
    return vol > regime_threshold ? torch::tensor({0.0f, 1.0f}) : torch::tensor({1.0f, 0.0f});
  }

  // Condition vector [cond_dim] from the standardized history just before the generated window.
  torch::Tensor condition_from(const torch::Tensor& recent) const {
    std::vector<torch::Tensor> parts;
    if (opt.context() > 0)
      parts.push_back(recent.slice(0, recent.size(0) - opt.context()).reshape({-1}));
    if (opt.regime()) parts.push_back(regime_onehot(recent));
    return torch::cat(parts);
  }

  // Standardized paths [paths, horizon, assets]; `history` = standardized rows before the paths.
  // garch output: `h_start` [A] (optional) is the variance the paths start from.
  // Paths first .. first + paths - 1: chunk k (paths k kChunk ..) has its own seed, so a range
  // that starts or ends inside a chunk makes the whole chunk and keeps its part.
  torch::Tensor sample(int64_t paths, int64_t horizon, uint64_t seed, const torch::Tensor& history,
                       const torch::Tensor& h_start = torch::Tensor(), int64_t first = 0) const {
    torch::NoGradGuard no_grad;
    G->eval();
    const bool rolling = opt.generator() == "mlp";
    FG_REQUIRE(!rolling || conditional() || horizon <= opt.window(),
               "an unconditional mlp generator makes windows of {} steps; for a horizon of {} use "
               "an lstm or tcn "
               "generator, or condition it (context > 0)",
               opt.window(), horizon);
    std::vector<torch::Tensor> chunks;
    const int64_t end = first + paths;
    for (int64_t c0 = first / kChunk * kChunk; c0 < end; c0 += kChunk) {
      auto gen = make_torch_generator(
          splitmix64(seed ^ splitmix64(static_cast<uint64_t>(c0 / kChunk) + 1)));
      const int64_t lo = std::max(first - c0, int64_t{0});  // the part of this chunk wanted
      const int64_t n = std::min(kChunk, end - c0);
      torch::Tensor out;
      if (!rolling) {
        // The network always sees a full chunk, so a path's numbers do not depend on how many
        // paths are asked for (BLAS kernels may round differently for other batch sizes).
        torch::Tensor cond;
        if (conditional()) cond = condition_from(history).unsqueeze(0).expand({kChunk, cond_dim()});
        out = generate_batch(gen, kChunk, horizon, cond, true, h_start).slice(0, lo, n).cpu();
      } else {
        // Roll an MLP window by window; each window conditioned on the k steps before it.
        std::vector<torch::Tensor> parts;
        const torch::Tensor start = history.defined() ? history : torch::zeros({0, assets});
        torch::Tensor hist =
            start.unsqueeze(0).expand({kChunk, start.size(0), assets}).contiguous();
        int64_t made = 0;  // windows of an mlp generator are rolled, never burnt in
        while (made < horizon) {
          torch::Tensor cond;
          if (conditional() && made == 0) {
            cond = condition_from(start).unsqueeze(0).expand(
                {kChunk, cond_dim()});  // one shared history
          } else if (conditional()) {
            std::vector<torch::Tensor> rows;
            for (int64_t i = 0; i < kChunk; ++i) rows.push_back(condition_from(hist[i]));
            cond = torch::stack(rows);
          }
          const torch::Tensor w = generate_batch(gen, kChunk, opt.window(), cond, false).cpu();
          parts.push_back(w);
          hist = torch::cat({hist, w}, 1).slice(1, -std::max<int64_t>(history_needed(), 1));
          made += opt.window();
        }
        out = torch::cat(parts, 1).slice(1, 0, horizon).slice(0, lo, n);
      }
      chunks.push_back(out);
    }
    return torch::cat(chunks, 0);
  }

  // Scenarios in the data's units from sample(), checked finite: generate() and generate_from().
  Scenarios scenarios(std::size_t paths, std::size_t horizon, uint64_t seed,
                      const torch::Tensor& history, const torch::Tensor& h_start,
                      std::size_t first = 0) const {
    Scenarios s = to_scenarios(sample(static_cast<int64_t>(paths), static_cast<int64_t>(horizon),
                                      seed, history, h_start, static_cast<int64_t>(first)));
    check_finite(s, "gan");  // never hand out (or write) non-finite scenarios
    return s;
  }

  Scenarios to_scenarios(const torch::Tensor& std_paths) const {
    const torch::Tensor t = std_paths.to(torch::kFloat64).contiguous();
    Scenarios s(static_cast<std::size_t>(t.size(0)), static_cast<std::size_t>(t.size(1)),
                static_cast<std::size_t>(assets));
    s.names = names;
    const double* src = t.data_ptr<double>();
    for (std::size_t i = 0; i < s.data.size(); ++i) {
      const auto a = static_cast<Eigen::Index>(i % s.assets);
      s.data[i] = (src[i] - drift(a)) * scaler.scale()(a) + scaler.center()(a);
    }
    return s;
  }

  // The drift is calibrated after training: a GAN cannot resolve a mean of ~0.01 sd per day,
  // yet over 60 days such an error dominates the aggregated returns. Unconditional generators are
  // shifted by their own mean (standardized units, from 1,024 paths) so that paths have the
  // training mean; conditional ones are left as they are (their mean depends on the context).
  void calibrate_drift() {
    drift = Eigen::VectorXd::Zero(assets);
    if (conditional()) return;
    const int64_t len = opt.generator() == "mlp" ? opt.window() : 256;
    const torch::Tensor fake =
        sample(1024, len, splitmix64(opt.seed() ^ 0xD81F7), torch::Tensor());  // [P, len, A]
    const torch::Tensor m = fake.to(torch::kFloat64).mean(std::vector<int64_t>{0, 1}).contiguous();
    // garch output: the paths' mean is the backbone's location mu (the GARCH-t maximum-likelihood
    // location, robust to the few extreme days that dominate a sample mean), as for the GARCH-t
    // it modulates; otherwise the training mean.
    for (int64_t a = 0; a < assets; ++a)
      drift(a) =
          m.data_ptr<double>()[a] - (garch_output() ? garch[static_cast<std::size_t>(a)].mu : 0.0);
  }

  // Stylized-facts distance (eval/selection.hpp) between generated paths and `target`, the
  // summary of the selection rows.
  double stylized_score(const eval::StylizedSummary& target, int64_t len,
                        const torch::Tensor& history) const {
    const torch::Tensor fake =
        sample(kSelectionPaths, len, splitmix64(opt.seed() ^ 0xE7A1), history);
    const torch::Tensor c = fake.to(torch::kFloat64).contiguous();  // [paths, len, A]
    Scenarios s(static_cast<std::size_t>(kSelectionPaths), static_cast<std::size_t>(len),
                static_cast<std::size_t>(assets));
    std::copy(c.data_ptr<double>(), c.data_ptr<double>() + c.numel(), s.data.begin());
    return eval::stylized_distance(target, eval::summarize_paths(s, selection_lags(len)));
  }
  static eval::SelectionOptions selection_lags(int64_t len) {
    eval::SelectionOptions o;
    o.acf_lags = static_cast<std::size_t>(std::clamp<int64_t>(len / 4, 1, 50));
    o.leverage_lags = static_cast<std::size_t>(std::clamp<int64_t>(len / 4, 1, 20));
    return o;
  }

  // Validation distance: W1 between the held-out rows and generated paths, of daily and of 5-step
  // returns (standardized), averaged over assets. All held-out rows are used on the real side.
  double validation_score(const torch::Tensor& z_all, int64_t train_end) const {
    const int64_t n = z_all.size(0);
    const bool fixed_window = opt.generator() == "mlp" && !conditional();
    const int64_t len =
        std::min<int64_t>(n - train_end, fixed_window ? opt.window() : 4 * opt.window());
    const int64_t paths = 512;
    const torch::Tensor history = conditional() ? z_all.slice(0, 0, train_end) : torch::Tensor();
    const torch::Tensor fake =
        sample(paths, len, splitmix64(opt.seed() ^ 0xE7A1), history);  // [paths, len, A]
    const torch::Tensor real = z_all.slice(0, train_end, n);           // [n - train_end, A]
    auto values = [](const torch::Tensor& t) {
      const torch::Tensor c = t.to(torch::kFloat64).contiguous();
      return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
    };
    double score = 0;
    for (int64_t a = 0; a < assets; ++a) {
      const torch::Tensor fr = fake.select(2, a), rr = real.select(1, a);
      score += stats::wasserstein1(values(fr), values(rr));
      const int64_t fb = len / 5, rb = rr.size(0) / 5;
      if (fb > 0 && rb > 0)
        score += stats::wasserstein1(values(fr.slice(1, 0, fb * 5).reshape({paths, fb, 5}).sum(2)),
                                     values(rr.slice(0, 0, rb * 5).reshape({rb, 5}).sum(1))) /
                 std::sqrt(5.0);
    }
    return score / static_cast<double>(assets);
  }

  std::vector<torch::Tensor> generator_state() const {
    std::vector<torch::Tensor> out;
    for (const auto& p : G->parameters()) out.push_back(p.detach().clone());
    return out;
  }
  void set_generator_state(const std::vector<torch::Tensor>& state) {
    torch::NoGradGuard no_grad;
    auto params = G->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(state[i]);
  }
};

// Degrees of freedom of the sv innovations per asset: the option when set, else the shape of a
// GARCH(1,1)-t fitted to the asset's training returns (its conditional tail; fGarch's
// parametrisation, see scenario/garch.hpp), kept in [5, 30] (estimated_df); a failed fit falls back
// to the moment match 4 + 6 / excess kurtosis.
std::vector<double> innovation_df_for(const Eigen::MatrixXd& x, const GanOptions& o) {
  std::vector<double> out;
  for (Eigen::Index a = 0; a < x.cols(); ++a) {
    if (o.innovation_df() > 0) {
      out.push_back(o.innovation_df());
      continue;
    }
    const Eigen::VectorXd col = x.col(a);
    double nu = 0;
    try {
      nu = scenario::fit_garch11(col.data(), static_cast<std::size_t>(col.size()),
                                 scenario::Innovation::StudentT)
               .model.shape;
    } catch (const Error&) {
      const double k =
          stats::moments(col.data(), static_cast<std::size_t>(col.size())).excess_kurtosis;
      nu = k > 0.2 ? 4 + 6 / k : 30;
    }
    out.push_back(estimated_df(nu));
  }
  return out;
}

// One GAN update (critic steps, then a generator step) for the Trainer; validation by the
// held-out distance; the best generator weights kept as tensors.
class GanTask final : public TrainingTask {
 public:
  GanTask(GanGenerator::Impl& m, torch::Tensor z_all, torch::Tensor z_train,
          torch::Tensor cond_table, int64_t train_end, int64_t lo, dist::Communicator* comm)
      : m_(m),
        comm_(comm && comm->size() > 1 ? comm : nullptr),
        z_all_(std::move(z_all)),
        z_train_(m.on_device(z_train)),  // the training data moves to the device once
        cond_table_(m.on_device(cond_table)),
        train_end_(train_end),
        lo_(lo),
        hi_(train_end - m.opt.window()),
        wgan_(m.opt.loss() == "wgan-gp"),
        offsets_(torch::arange(m.opt.window(), torch::kLong).to(m.device)),
        opt_g_(m.G->parameters(), adam(m.opt, m.opt.effective_lr())),
        opt_d_(m.D->parameters(), adam(m.opt, m.opt.effective_critic_lr())),
        best_state(m.generator_state()) {
    m_.G->train();
    m_.D->train();
    if (comm_) {
      // This rank's rows of each batch; its gradients count in proportion to them.
      const auto [first, count] =
          dist::share(static_cast<std::size_t>(m.opt.batch_size()), comm_->rank(), comm_->size());
      FG_REQUIRE(count > 0, "gan: a batch of {} cannot be split over {} processes",
                 m.opt.batch_size(), comm_->size());
      rows_ = {static_cast<int64_t>(first), static_cast<int64_t>(first + count)};
      weight_ = static_cast<double>(count) / static_cast<double>(m.opt.batch_size());
    }
  }

  StepLosses step(at::Generator& gen) override {
    const GanOptions& o = m_.opt;
    const int64_t B = o.batch_size(), T = o.window();
    torch::Tensor d_loss, x_real, cond;
    StepLosses out;
    for (int64_t c = 0; c < o.effective_critic_steps(); ++c) {
      real_batch(gen, x_real, cond);
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake = m_.generate_batch(gen, B, T, cond, true, {}, rows_);  // [B, T, A]
      }
      const torch::Tensor d_real = m_.D->forward(x_real, cond);  // [B, 1]
      const torch::Tensor d_fake = m_.D->forward(fake, cond);
      d_loss = discriminator_loss(o.loss(), d_real, d_fake);
      if (wgan_) {
        out.wasserstein = -d_loss.item<double>();
        d_loss = d_loss + o.gp_lambda() * gradient_penalty(gen, x_real, fake, cond);
      }
      opt_d_.zero_grad();
      d_loss.backward();
      all_reduce_gradients(*m_.D);
      opt_d_.step();
    }
    const torch::Tensor logits =
        m_.D->forward(m_.generate_batch(gen, B, T, cond, true, {}, rows_), cond);
    const torch::Tensor g_loss = generator_loss(o.loss(), logits);
    opt_g_.zero_grad();
    g_loss.backward();
    all_reduce_gradients(*m_.G);
    opt_g_.step();
    out.d_loss = d_loss.item<double>();
    out.g_loss = g_loss.item<double>();
    if (comm_) {  // the losses of the whole batch, as the gradients
      double l[3] = {weight_ * out.d_loss, weight_ * out.g_loss,
                     wgan_ ? weight_ * out.wasserstein : 0.0};
      comm_->all_reduce_sum(l, 3);
      out.d_loss = l[0];
      out.g_loss = l[1];
      if (wgan_) out.wasserstein = l[2];
    }
    return out;
  }

  double validate() override {
    double v;
    if (m_.opt.selection() == "w1") {
      v = m_.validation_score(z_all_, train_end_);
    } else {
      const torch::Tensor history =
          m_.conditional() ? z_all_.slice(0, 0, train_end_) : torch::Tensor();
      v = m_.stylized_score(target, target_length, history);
    }
    m_.G->train();
    return v;
  }
  eval::StylizedSummary target;  // stylized facts of the selection rows
  int64_t target_length = 0;
  void keep_best() override { best_state = m_.generator_state(); }

  void save(torch::serialize::OutputArchive& archive) override {
    torch::serialize::OutputArchive ga, da, oga, oda, ba;
    m_.G->save(ga);
    m_.D->save(da);
    opt_g_.save(oga);
    opt_d_.save(oda);
    // The best weights are stored as plain tensors, one per generator parameter.
    for (std::size_t i = 0; i < best_state.size(); ++i) ba.write(std::to_string(i), best_state[i]);
    archive.write("G", ga);
    archive.write("D", da);
    archive.write("opt_G", oga);
    archive.write("opt_D", oda);
    archive.write("best_G", ba);
  }
  void load(torch::serialize::InputArchive& archive) override {
    torch::serialize::InputArchive ga, da, oga, oda, ba;
    archive.read("G", ga);
    archive.read("D", da);
    archive.read("opt_G", oga);
    archive.read("opt_D", oda);
    archive.read("best_G", ba);
    m_.G->load(ga);
    m_.D->load(da);
    opt_g_.load(oga);
    opt_d_.load(oda);
    for (std::size_t i = 0; i < best_state.size(); ++i) ba.read(std::to_string(i), best_state[i]);
  }

 private:
  static torch::optim::AdamOptions adam(const GanOptions& o, double lr) {
    const bool wgan = o.loss() == "wgan-gp";
    return torch::optim::AdamOptions(lr).betas({wgan ? 0.0 : 0.5, wgan ? 0.9 : 0.999});
  }
  // Data-parallel: each rank's loss is the mean over its rows, so the whole batch's gradient is
  // the sum over the ranks of theirs weighted by their share of the rows (float sums: equal to one
  // process's up to the order of the additions).
  void all_reduce_gradients(torch::nn::Module& net) {
    if (!comm_) return;
    std::vector<torch::Tensor> grads;
    for (const auto& p : net.parameters())
      if (p.grad().defined()) grads.push_back(p.grad());
    std::vector<torch::Tensor> flat_parts;
    for (const auto& g : grads) flat_parts.push_back(g.reshape({-1}).to(torch::kFloat32));
    // (Gloo reduces host memory: gradients on a GPU make one round trip per update)
    torch::Tensor flat = (torch::cat(flat_parts) * weight_).cpu().contiguous();
    comm_->all_reduce_sum(flat.data_ptr<float>(), static_cast<std::size_t>(flat.numel()));
    int64_t at = 0;
    for (auto& g : grads) {
      g.copy_(flat.slice(0, at, at + g.numel()).view_as(g));
      at += g.numel();
    }
  }
  void real_batch(at::Generator& gen, torch::Tensor& x, torch::Tensor& cond) const {
    const int64_t T = m_.opt.window();
    // The whole batch's window starts are drawn on every rank, which keeps its own rows of them.
    const torch::Tensor starts = m_.on_device(
        rows_.of(torch::randint(lo_, hi_ + 1, {m_.opt.batch_size()}, gen, torch::kLong)));
    const int64_t B = starts.size(0);
    const torch::Tensor idx = (starts.unsqueeze(1) + offsets_.unsqueeze(0)).reshape({-1});
    x = z_train_.index_select(0, idx).reshape({B, T, m_.assets});      // [B, T, A]
    if (m_.conditional()) cond = cond_table_.index_select(0, starts);  // [B, cond_dim]
  }
  torch::Tensor gradient_penalty(at::Generator& gen, const torch::Tensor& real,
                                 const torch::Tensor& fake, const torch::Tensor& cond) const {
    const torch::Tensor eps = m_.on_device(rows_.of(torch::rand({m_.opt.batch_size(), 1, 1}, gen)));
    const int64_t B = eps.size(0);
    torch::Tensor x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(true);
    const torch::Tensor out = m_.D->forward(x_hat, cond);
    const torch::Tensor grad = torch::autograd::grad({out.sum()}, {x_hat}, {}, true, true)[0];
    return (grad.reshape({B, -1}).norm(2, 1) - 1).pow(2).mean();
  }

  GanGenerator::Impl& m_;
  dist::Communicator* comm_;  // null: this process alone
  BatchRows rows_;            // this rank's rows of each batch
  double weight_ = 1;         // their share of the batch
  torch::Tensor z_all_, z_train_, cond_table_;
  int64_t train_end_, lo_, hi_;
  bool wgan_;
  torch::Tensor offsets_;
  torch::optim::Adam opt_g_, opt_d_;

 public:
  std::vector<torch::Tensor> best_state;
};

GanGenerator::GanGenerator(GanOptions options) : impl_(std::make_unique<Impl>()) {
  options.validate();
  options.output(options.effective_output());  // saved resolved, so a model never changes kind
  impl_->opt = std::move(options);
}
GanGenerator::~GanGenerator() = default;
GanGenerator::GanGenerator(GanGenerator&&) noexcept = default;
GanGenerator& GanGenerator::operator=(GanGenerator&&) noexcept = default;

bool GanGenerator::fitted() const {
  return impl_->fitted;
}
const GanOptions& GanGenerator::gan_options() const noexcept {
  return impl_->opt;
}
nlohmann::json GanGenerator::options() const {
  return impl_->opt.to_json();
}
bool GanGenerator::conditional() const {
  // A garch output continues the variance state of a given history (generate_from).
  return impl_->conditional() || impl_->garch_output();
}
void GanGenerator::set_fit_control(const scenario::FitControl& control) {
  impl_->control = control;
  impl_->opt.checkpoint_dir(control.checkpoint_dir).resume(control.resume);
}
void GanGenerator::set_device(const std::string& device) {
  impl_->move_to(resolve_device(device));
}
const std::vector<TrainLogRow>& GanGenerator::log() const noexcept {
  return impl_->log;
}
int64_t GanGenerator::best_step() const noexcept {
  return impl_->best_step;
}

std::vector<float> GanGenerator::generator_parameters() const {
  FG_REQUIRE(!impl_->G.is_empty(), "gan: no generator yet");
  std::vector<float> out;
  for (const auto& p : impl_->G->parameters()) {
    const torch::Tensor c = p.detach().to(torch::kFloat32).cpu().contiguous().reshape({-1});
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

namespace {
// LibTorch reports shape and runtime errors as c10::Error with a C++ backtrace: turn them into a
// fingen error with LibTorch's message only.
template <class F>
auto torch_guard(const char* what, F&& f) {
  try {
    return f();
  } catch (const c10::Error& e) {
    const std::string msg = e.what_without_backtrace();
    FG_FAIL(Runtime, "gan: {} failed in LibTorch: {}", what, msg.substr(0, msg.find('\n')));
  }
}
}  // namespace

void GanGenerator::fit(const Panel& returns) {
  torch_guard("training", [&] { fit_impl(returns); });
}

void GanGenerator::fit_impl(const Panel& returns) {
  Impl& m = *impl_;
  const GanOptions& o = m.opt;
  scenario::check_fit_input(returns, 64, "gan");
  at::set_num_threads(o.effective_threads());
  m.names = names_ = returns.names;
  m.assets = static_cast<int64_t>(returns.cols());
  m.drift = Eigen::VectorXd::Zero(m.assets);
  const auto n = static_cast<int64_t>(returns.rows());
  const auto train_end = o.validation_fraction() > 0
                             ? static_cast<int64_t>(std::floor(static_cast<double>(n) *
                                                               (1.0 - o.validation_fraction())))
                             : n;
  const int64_t lo = m.history_needed();
  FG_REQUIRE(train_end - o.window() - lo >= o.batch_size() / 4,
             "gan: {} training rows are too few for windows of {} steps (context {}); use a "
             "shorter window",
             train_end, o.window(), lo);

  // Scale with training rows only; the validation rows are never seen by the networks' updates.
  m.scaler = data::Scaler(data::ScalerKind::ZScore);
  m.scaler.fit(returns.values.topRows(train_end));
  const torch::Tensor z_all = to_tensor(m.scaler.transform(returns.values));  // [n, A]
  const torch::Tensor z_train = z_all.slice(0, 0, train_end);
  m.tail = returns.values.bottomRows(std::min<int64_t>(n, std::max<int64_t>(lo, 1)));

  // Volatility regime threshold: median realised volatility of 20-row windows in the training part.
  if (o.regime()) {
    const torch::Tensor sq = z_train.pow(2).mean(1);  // [train_end]
    const torch::Tensor vols =
        sq.unfold(0, kRegimeWindow, 1).mean(1).sqrt();  // window ending at i+19
    m.regime_threshold = vols.median().item<double>();
  }
  torch::Tensor cond_table;  // [train_end + 1, cond_dim]: condition for a window starting at row s
  if (m.conditional()) {
    std::vector<torch::Tensor> rows;
    for (int64_t s = 0; s <= train_end; ++s)
      rows.push_back(s >= lo ? m.condition_from(z_all.slice(0, 0, s))
                             : torch::zeros({m.cond_dim()}));
    cond_table = torch::stack(rows);
  }

  const bool warm =
      o.warm_start() && m.fitted && m.G && m.assets == static_cast<int64_t>(returns.cols());
  if (!warm) {
    torch::manual_seed(o.seed());  // initial weights come from LibTorch's global generator
    m.build();                     // on the CPU: the same initial weights on every device
  }
  m.move_to(resolve_device(o.device()));
  // The backbone is refitted on a warm start too: the scaler was refitted above, and a rolling
  // refit (risk backtest) must follow the window's volatility.
  if (m.garch_output())
    m.fit_backbone(m.scaler.transform(returns.values.topRows(train_end)));
  else if (!warm && m.sv())
    m.innovation_df = innovation_df_for(returns.values.topRows(train_end), o);
  GanTask task(m, z_all, z_train, cond_table, train_end, lo, m.control.comm);
  if (o.selection() == "stylized") {
    // The selection rows: the held-out tail if there is one, else the training rows; summarised
    // on windows as long as the generated validation paths.
    const Eigen::MatrixXd rows =
        m.scaler.transform(train_end < n ? returns.values.bottomRows(n - train_end)
                                         : returns.values.topRows(train_end));
    // Paths of 256 steps, or one window for a generator that only makes fixed windows.
    const bool fixed_window = o.generator() == "mlp" && !m.conditional();
    task.target_length =
        fixed_window ? o.window() : std::min<int64_t>(256, static_cast<int64_t>(rows.rows()) / 2);
    FG_REQUIRE(task.target_length >= 3 && task.target_length <= rows.rows(),
               "gan: the stylized selection needs paths of at least 3 steps and as many rows "
               "(window {}, {} rows); use selection w1",
               o.window(), rows.rows());
    task.target = eval::summarize_history(rows, static_cast<std::size_t>(task.target_length),
                                          Impl::selection_lags(task.target_length));
  }
  at::Generator gen = make_torch_generator(o.seed());

  TrainerOptions t;
  t.steps = warm && o.warm_steps() > 0 ? o.warm_steps() : o.steps();
  t.eval_every = o.eval_every();
  t.checkpoint_every = o.checkpoint_every();
  t.log_every = o.log_every();
  // garch: the untrained generator is its GARCH(1,1)-t backbone, a candidate like any step.
  t.validate_start = m.garch_output();
  t.control = m.control;
  t.control.checkpoint_dir = o.checkpoint_dir();
  t.control.resume = o.resume();
  FG_REQUIRE(!(t.control.resume && warm), "resume and warm start cannot be combined");
  t.options = o.to_json();
  t.resume_keys = {"loss",         "generator", "discriminator", "window", "context",
                   "regime",       "noise_dim", "hidden",        "layers", "batch_size",
                   "critic_steps", "lr",        "gp_lambda",     "seed"};
  // Fingerprint of the training data, so a resume on other data is refused.
  t.device = m.device;
  t.data_sha256 = sha256_hex(
      std::string_view(reinterpret_cast<const char*>(returns.values.data()),
                       static_cast<std::size_t>(returns.values.size()) * sizeof(double)));
  TrainerResult result = Trainer(t).run(task, gen);
  m.log = std::move(result.log);
  m.best_step = result.best_step;
  m.best_score = result.best_score;
  if (m.best_step >= 0) m.set_generator_state(task.best_state);
  m.calibrate_drift();
  if (m.garch_output()) m.garch_h_end = m.garch_variance_after(m.scaler.transform(returns.values));
  m.G->eval();
  m.fitted = true;
}

Scenarios GanGenerator::generate_range(std::size_t first, std::size_t paths, std::size_t horizon,
                                       std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "gan: generate() before fit()");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const Impl& m = *impl_;
  torch::Tensor history;
  if (m.conditional()) history = to_tensor(m.scaler.transform(m.tail));
  return torch_guard("generation", [&] {
    // garch output: from the state at the end of the fitted data, as a fitted GARCH starts.
    const torch::Tensor h_start = m.garch_output() && m.garch_h_end.size() == m.assets
                                      ? m.h_tensor(m.garch_h_end)
                                      : torch::Tensor();
    return m.scenarios(paths, horizon, seed, history, h_start, first);
  });
}

Scenarios GanGenerator::generate_from(const Eigen::MatrixXd& context, std::size_t paths,
                                      std::size_t horizon, std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "gan: generate_from() before fit()");
  const Impl& m = *impl_;
  FG_REQUIRE(m.conditional() || m.garch_output(),
             "this GAN is unconditional (fit with context K > 0 to condition on recent history)");
  FG_REQUIRE(context.cols() == m.assets, "gan: context has {} series, the model {}", context.cols(),
             m.assets);
  FG_REQUIRE(context.rows() >= std::max<int64_t>(m.history_needed(), 1),
             "gan: the context needs at least {} rows, got {}",
             std::max<int64_t>(m.history_needed(), 1), context.rows());
  FG_REQUIRE(context.allFinite(), "gan: the context has missing or non-finite values");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const Eigen::MatrixXd z = m.scaler.transform(context);
  // garch output: the backbone's variance recursion run through the context sets the state the
  // paths start from (the network itself has no condition input).
  const torch::Tensor h_start =
      m.garch_output() ? m.h_tensor(m.garch_variance_after(z)) : torch::Tensor();
  const torch::Tensor history = m.conditional() ? to_tensor(z) : torch::Tensor();
  return torch_guard("generation",
                     [&] { return m.scenarios(paths, horizon, seed, history, h_start); });
}

void GanGenerator::save(const std::string& dir) const {
  FG_REQUIRE(fitted(), "gan: save() before fit()");
  const Impl& m = *impl_;
  scenario::ModelFile file("gan", m.names);
  file.params()["options"] = m.opt.to_json();
  file.params()["scaler_center"] =
      scenario::ModelFile::to_json(Eigen::VectorXd(m.scaler.center().transpose()));
  file.params()["scaler_scale"] =
      scenario::ModelFile::to_json(Eigen::VectorXd(m.scaler.scale().transpose()));
  file.params()["regime_threshold"] = m.regime_threshold;
  file.params()["drift"] = scenario::ModelFile::to_json(m.drift);
  file.params()["tail_rows"] = m.tail.rows();
  file.params()["tail"] = scenario::ModelFile::to_json(m.tail);
  file.params()["best_step"] = m.best_step;
  if (m.sv())
    file.params()["innovation_df"] =
        scenario::ModelFile::to_json(Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(
            m.innovation_df.data(), static_cast<Eigen::Index>(m.innovation_df.size()))));
  if (m.garch_output()) {
    json g = json::array();
    for (const auto& x : m.garch)
      g.push_back({{"mu", x.mu}, {"omega", x.omega}, {"alpha", x.alpha}, {"beta", x.beta}});
    file.params()["garch"] = g;
    file.params()["innovation_correlation"] = scenario::ModelFile::to_json(
        Eigen::MatrixXd(m.innovation_chol * m.innovation_chol.transpose()));
    if (m.garch_h_end.size() == m.assets)
      file.params()["garch_variance_end"] = scenario::ModelFile::to_json(m.garch_h_end);
  }
  file.params()["weights_file"] = "generator.pt";
  torch::serialize::OutputArchive archive;
  m.G->save(archive);
  save_archive_atomic(archive, dir + "/generator.pt");
  write_file_atomic(dir + "/" + scenario::kTrainLogFile, scenario::train_log_csv(m.log));
  file.write(dir);
}

namespace {
// The garch output's backbone from model.json: GARCH(1,1) parameters that keep the recursion
// stationary and finite, and a correlation matrix that is one (symmetric, unit diagonal, positive
// definite); anything else is a corrupt or crafted file.
void load_backbone(const scenario::ModelFile& file, const std::string& where,
                   GanGenerator::Impl& m) {
  const json& g = file.params().contains("garch") ? file.params()["garch"] : json();
  if (!g.is_array() || g.size() != static_cast<std::size_t>(m.assets))
    throw_input_error({where, 0, {}},
                      fmt::format("\"garch\" must be an array of {} objects", m.assets));
  m.garch.clear();
  for (const json& x : g) {
    scenario::Garch11 p;
    p.innovation = scenario::Innovation::StudentT;
    auto get = [&](const char* key) {
      if (!x.is_object() || !x.contains(key) || !x[key].is_number())
        throw_input_error({where, 0, {}}, fmt::format("\"garch\": \"{}\" must be a number", key));
      return x[key].get<double>();
    };
    p.mu = get("mu");
    p.omega = get("omega");
    p.alpha = get("alpha");
    p.beta = get("beta");
    if (!(std::abs(p.mu) <= 1e3 && p.omega > 0 && p.omega <= scenario::kMaxGarchVariance &&
          p.alpha >= 0 && p.beta >= 0 && p.alpha + p.beta < 1))
      throw_input_error({where, 0, {}},
                        "\"garch\": needs |mu| <= 1000, 0 < omega <= 1e6, alpha, beta >= 0 and "
                        "alpha + beta < 1");
    m.garch.push_back(p);
  }
  const auto n = static_cast<std::size_t>(m.assets);
  const Eigen::MatrixXd corr = file.matrix("innovation_correlation", n, n);
  const bool unit = (corr.diagonal().array() - 1).abs().maxCoeff() < 1e-9;
  if (!corr.allFinite() || !unit || (corr - corr.transpose()).cwiseAbs().maxCoeff() > 1e-9 ||
      corr.cwiseAbs().maxCoeff() > 1 + 1e-9)
    throw_input_error({where, 0, {}},
                      "\"innovation_correlation\" must be a symmetric correlation matrix");
  try {
    m.set_innovation_correlation(corr);
  } catch (const Error& e) {
    throw_input_error({where, 0, {}}, e.what());
  }
  // Optional (models saved before it have none); the range that garch_paths keeps the variance in.
  m.garch_h_end.resize(0);
  if (file.params().contains("garch_variance_end")) {
    m.garch_h_end = file.vector("garch_variance_end", n);
    if (!((m.garch_h_end.array() >= 1e-4).all() && (m.garch_h_end.array() <= 100).all()))
      throw_input_error({where, 0, {}}, "\"garch_variance_end\" must lie in [1e-4, 100]");
  }
}
}  // namespace

std::unique_ptr<GanGenerator> GanGenerator::load(const std::string& dir) {
  const scenario::ModelFile file = scenario::ModelFile::read(dir, "gan");
  const std::string where = dir + "/model.json";
  auto g = std::make_unique<GanGenerator>([&] {
    try {
      json saved = file.params().value("options", json::object());
      // Models saved before the sv output existed generate as they did then.
      if (saved.is_object() && !saved.contains("output")) {
        saved["output"] = "direct";
        saved["burn_in"] = 0;
        saved["selection"] = "w1";
      }
      return GanOptions::from_json(saved, "\"options\"");
    } catch (const Error& e) {
      throw_input_error({where, 0, {}}, fmt::format("invalid GAN options: {}", e.what()));
    }
  }());
  Impl& m = *g->impl_;
  m.names = g->names_ = file.names();
  m.assets = static_cast<int64_t>(m.names.size());
  const auto n = static_cast<std::size_t>(m.assets);
  const Eigen::VectorXd center = file.vector("scaler_center", n),
                        scale = file.vector("scaler_scale", n);
  try {
    m.scaler = data::Scaler::from_parameters(data::ScalerKind::ZScore, center.transpose(),
                                             scale.transpose());
  } catch (const Error& e) {
    throw_input_error({where, 0, {}}, e.what());
  }
  m.regime_threshold = file.number("regime_threshold");
  m.drift =
      file.params().contains("drift") ? file.vector("drift", n) : Eigen::VectorXd::Zero(m.assets);
  if (!m.drift.allFinite() || m.drift.cwiseAbs().maxCoeff() > 10)
    throw_input_error({where, 0, {}}, "\"drift\" must be finite and at most 10 in absolute value");
  m.tail = file.matrix("tail", file.count("tail_rows"), n);
  if (m.tail.rows() < m.history_needed())
    throw_input_error({where, 0, {}}, fmt::format("\"tail\" has {} rows, the model needs {}",
                                                  m.tail.rows(), m.history_needed()));
  m.best_step = static_cast<int64_t>(file.number("best_step"));
  if (m.sv()) {
    const Eigen::VectorXd df = file.vector("innovation_df", n);
    for (Eigen::Index a = 0; a < df.size(); ++a) {
      if (!(df(a) > 2 && df(a) <= 1000))
        throw_input_error({where, 0, {}},
                          fmt::format("\"innovation_df\" must be in (2, 1000], got {}", df(a)));
      m.innovation_df.push_back(df(a));
    }
  }
  if (m.garch_output()) load_backbone(file, where, m);
  m.build();
  torch::serialize::InputArchive archive;
  const std::string weights = file.data_file("weights_file");
  load_archive(archive, weights);
  try {
    m.G->load(archive);
  } catch (const c10::Error& e) {
    throw_input_error({weights, 0, {}},
                      fmt::format("weights do not match the network in model.json ({})",
                                  std::string(e.what_without_backtrace()).substr(0, 200)));
  }
  m.G->eval();
  m.fitted = true;
  return g;
}

std::string GanGenerator::summary() const {
  const Impl& m = *impl_;
  const GanOptions& o = m.opt;
  std::string out = fmt::format(
      "GAN ({} loss): {} generator ({} output), {} discriminator ({} layers), window {}, "
      "hidden {}, layers {}",
      o.loss(), o.generator(), o.output(), o.discriminator(), o.effective_critic_layers(),
      o.window(), o.hidden(), o.layers());
  if (m.sv()) out += fmt::format(", innovation df {:.3g}", fmt::join(m.innovation_df, "/"));
  for (std::size_t i = 0; i < m.garch.size(); ++i)
    out += fmt::format("{} GARCH(1,1) backbone of {}: omega {:.4g}, alpha {:.4f}, beta {:.4f}",
                       i == 0 ? "\n " : ";", m.names[i], m.garch[i].omega, m.garch[i].alpha,
                       m.garch[i].beta);
  if (m.conditional())
    out += fmt::format(", conditioned on {} previous steps{}", o.context(),
                       o.regime() ? " and the volatility regime" : "");
  out += fmt::format(
      "\n  {} series; trained {} steps; kept the weights of step {} ({} score {:.4f})\n", m.assets,
      m.log.empty() ? 0 : m.log.back().step, m.best_step, o.selection(), m.best_score);
  return out;
}

namespace {
// The GAN kinds, registered when fingen_ml is linked (see the --undefined link option of
// fingen_ml in src/CMakeLists.txt, which keeps this object file in static links).
scenario::GeneratorKind gan_kind(const std::string& name, const std::string& loss,
                                 const std::string& description) {
  std::vector<OptionInfo> options = GanOptions::info();
  if (!loss.empty())  // the alias fixes the loss
    options.erase(std::remove_if(options.begin(), options.end(),
                                 [](const OptionInfo& i) { return i.name == "loss"; }),
                  options.end());
  scenario::GeneratorKind k{
      name,
      description,
      options,
      [loss](const nlohmann::json& j) {
        GanOptions o = GanOptions::from_json(j, "gan options");
        if (!loss.empty()) o.loss(loss);
        return std::unique_ptr<scenario::ScenarioGenerator>(std::make_unique<GanGenerator>(o));
      },
      {}};
  if (loss.empty())
    k.load = [](const std::string& dir) {
      return std::unique_ptr<scenario::ScenarioGenerator>(GanGenerator::load(dir));
    };
  return k;
}
const bool g_registered = [] {
  register_forecasters();   // forecaster.cpp: the neural forecasters
  register_detectors();     // detectors.cpp: mlp and autoencoder
  register_gloo_backend();  // dist_gloo.cpp: several processes through c10d
  eval::register_posthoc_scorer(
      [](const WindowSet& r, const WindowSet& s, const PosthocOptions& o) {
        return ml::posthoc_scores(r, s, o);
      });
  register_backend([] {
    const RuntimeInfo r = runtime_info();
    return BackendInfo{r.torch_version, r.intra_op_threads, r.cuda_available, r.cuda_devices,
                       r.parallel_info};
  });
  scenario::register_generator(gan_kind("gan", "", "GAN (non-saturating loss by default)"));
  scenario::register_generator(
      gan_kind("gan-minimax", "minimax", "GAN with the original minimax generator loss"));
  scenario::register_generator(
      gan_kind("wgan-gp", "wgan-gp", "Wasserstein GAN with gradient penalty"));
  return true;
}();
}  // namespace

}  // namespace fingen::ml

// Referenced by the link option of fingen_ml so that static links keep this file (and so the
// registration above).
extern "C" int fingen_ml_autoregister() {
  return static_cast<int>(fingen::ml::g_registered);
}
