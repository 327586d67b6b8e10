// Generator and discriminator/critic networks for sequences of returns. Internal to fingen_ml.
//
// Shapes: a sequence is [batch, time, features]. A generator maps noise [B, T, noise_dim] (plus an
// optional condition [B, cond_dim], repeated at every step) to returns [B, T, assets]; a
// discriminator maps returns [B, T, assets] (plus the condition) to one logit/score per sample [B,
// 1].
#pragma once

#include <string>

#include <torch/torch.h>

namespace fingen::ml {

struct NetConfig {
  std::string kind = "lstm";  // mlp, lstm or tcn
  int64_t in_features = 1;    // per time step (noise or assets)
  int64_t out_features = 1;   // generators: assets per step; discriminators: 1
  int64_t cond_dim = 0;       // size of the condition vector (0 = unconditional)
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t window = 64;  // time steps (MLPs have a fixed window)
};

/// Interface of every network here: forward(sequence, condition) with condition possibly undefined.
struct SequenceNetImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond) = 0;
};

/// Generator: [B, T, noise] (+ cond) -> [B, T, assets].
std::shared_ptr<SequenceNetImpl> make_generator_net(const NetConfig& config);
/// Discriminator/critic: [B, T, assets] (+ cond) -> [B, 1].
std::shared_ptr<SequenceNetImpl> make_discriminator_net(const NetConfig& config);

/// Appends the condition to every time step: [B, T, F] + [B, C] -> [B, T, F + C].
torch::Tensor with_condition(const torch::Tensor& x, const torch::Tensor& cond);

}  // namespace fingen::ml
