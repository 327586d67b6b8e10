#include "fingen/ml/posthoc.hpp"

#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "fingen/core/error.hpp"

namespace fingen::ml {
namespace {

torch::Tensor to_tensor(const WindowSet& w) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(w.count), static_cast<int64_t>(w.length),
                                  static_cast<int64_t>(w.features)},
                                 torch::kFloat32);
  float* dst = t.data_ptr<float>();
  for (std::size_t i = 0; i < w.data.size(); ++i) dst[i] = static_cast<float>(w.data[i]);
  return t;
}

// GRU (2 layers, batch_first) + linear head on every step: [B, T, in] -> [B, T, out].
struct GruHeadImpl : torch::nn::Module {
  GruHeadImpl(int64_t in, int64_t hidden, int64_t out)
      : gru(register_module(
            "gru",
            torch::nn::GRU(torch::nn::GRUOptions(in, hidden).num_layers(2).batch_first(true)))),
        head(register_module("head", torch::nn::Linear(hidden, out))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    return head->forward(std::get<0>(gru->forward(x)));
  }
  torch::nn::GRU gru;
  torch::nn::Linear head;
};
TORCH_MODULE(GruHead);

}  // namespace

PosthocScores posthoc_scores(const WindowSet& real, const WindowSet& synthetic,
                             const PosthocOptions& o) {
  FG_REQUIRE(real.length == synthetic.length && real.features == synthetic.features,
             "post-hoc scores need windows of the same shape ({}x{} vs {}x{})", real.length,
             real.features, synthetic.length, synthetic.features);
  FG_REQUIRE(real.count >= 10 && synthetic.count >= 10,
             "post-hoc scores need at least 10 windows of each kind");
  FG_REQUIRE(real.length >= 3, "windows must have at least 3 steps");
  FG_REQUIRE(o.iterations() >= 1 && o.batch_size() >= 2,
             "iterations and batch size must be positive");
  torch::manual_seed(o.seed());
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed());
  torch::Tensor r = to_tensor(real), s = to_tensor(synthetic);
  // Standardize with the real windows' mean and sd per feature. (TimeGAN min-max scales its price
  // levels; for returns one crash day would squeeze every other value into a sliver of [0, 1], and
  // the classifiers would learn nothing.)
  const torch::Tensor flat = r.reshape({-1, r.size(2)});
  const torch::Tensor mu = flat.mean(0), sd = flat.std(0).clamp_min(1e-12);
  r = (r - mu) / sd;
  s = (s - mu) / sd;
  const int64_t F = r.size(2), T = r.size(1);
  const int64_t hidden = o.hidden() > 0 ? o.hidden() : std::max<int64_t>(4, F / 2);
  // Same number of windows of each kind, split 80/20.
  const int64_t n = std::min(r.size(0), s.size(0));
  r = r.index_select(0, torch::randperm(r.size(0), gen).slice(0, 0, n));
  s = s.index_select(0, torch::randperm(s.size(0), gen).slice(0, 0, n));
  const int64_t n_train = static_cast<int64_t>(std::floor(0.8 * static_cast<double>(n)));
  PosthocScores out;

  {  // Discriminative score.
    GruHead clf(F, hidden, 1);
    torch::optim::Adam opt(clf->parameters(), torch::optim::AdamOptions(1e-3));
    const torch::Tensor x_train = torch::cat({r.slice(0, 0, n_train), s.slice(0, 0, n_train)});
    const torch::Tensor y_train = torch::cat({torch::ones({n_train}), torch::zeros({n_train})});
    for (int64_t it = 0; it < o.iterations(); ++it) {
      const torch::Tensor idx = torch::randint(
          0, 2 * n_train, {std::min<int64_t>(o.batch_size(), 2 * n_train)}, gen, torch::kLong);
      const torch::Tensor logits =
          clf->forward(x_train.index_select(0, idx)).select(1, T - 1).squeeze(1);  // last step
      const torch::Tensor loss =
          torch::binary_cross_entropy_with_logits(logits, y_train.index_select(0, idx));
      opt.zero_grad();
      loss.backward();
      opt.step();
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor x_test = torch::cat({r.slice(0, n_train, n), s.slice(0, n_train, n)});
    const torch::Tensor y_test =
        torch::cat({torch::ones({n - n_train}), torch::zeros({n - n_train})});
    const torch::Tensor pred =
        (clf->forward(x_test).select(1, T - 1).squeeze(1) > 0).to(torch::kFloat32);
    out.accuracy = (pred == y_test).to(torch::kFloat64).mean().item<double>();
    out.discriminative = std::abs(out.accuracy - 0.5);
  }

  // Predictive score: next step of the last feature from the other features (all when F = 1).
  auto split_xy = [&](const torch::Tensor& w) {
    const torch::Tensor x = F > 1 ? w.slice(1, 0, T - 1).slice(2, 0, F - 1) : w.slice(1, 0, T - 1);
    const torch::Tensor y = w.slice(1, 1, T).slice(2, F - 1, F);
    return std::make_pair(x, y);
  };
  auto train_and_test = [&](const torch::Tensor& train_windows) {
    const auto [x, y] = split_xy(train_windows);
    GruHead reg(x.size(2), hidden, 1);
    torch::optim::Adam opt(reg->parameters(), torch::optim::AdamOptions(1e-3));
    for (int64_t it = 0; it < o.iterations(); ++it) {
      const torch::Tensor idx = torch::randint(
          0, x.size(0), {std::min<int64_t>(o.batch_size(), x.size(0))}, gen, torch::kLong);
      const torch::Tensor loss =
          (reg->forward(x.index_select(0, idx)) - y.index_select(0, idx)).abs().mean();
      opt.zero_grad();
      loss.backward();
      opt.step();
    }
    torch::NoGradGuard no_grad;
    const auto [xt, yt] = split_xy(r);  // test on all real windows
    return (reg->forward(xt) - yt).abs().mean().item<double>();
  };
  out.predictive_tstr = train_and_test(s);
  out.predictive_trtr = train_and_test(r);
  return out;
}

}  // namespace fingen::ml
