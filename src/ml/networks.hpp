// Generator and critic networks for sequences of returns. Internal to fingen_ml.
//
// Shapes: a sequence is [batch, time, features]. A generator maps its input [B, T, in] (noise,
// plus an optional condition [B, cond_dim] repeated at every step) to [B, T, out]; a critic maps
// returns [B, T, assets] (plus the condition) to one logit/score per sample [B, 1].
// Kinds: MLP (flattens a fixed window), LSTM (batch_first, any length) and TCN (residual blocks of
// dilated causal convolutions, kernel 2, dilations 1, 2, 4, ...; receptive field 1 + 2(2^L - 1)
// steps for L blocks: 6 blocks see 127 steps), as in Wiese et al. (2020), "Quant GANs".
#pragma once

#include <mutex>

#include <string>

#include <torch/torch.h>
#include <Eigen/Core>

namespace fingen::ml {

enum class NetKind { Mlp, Lstm, Tcn };
/// "mlp", "lstm", "tcn"; Error(Usage) otherwise.
NetKind parse_net_kind(const std::string& name);
const char* to_string(NetKind kind) noexcept;

enum class NetRole { Generator, Critic };

struct NetConfig {
  NetKind kind = NetKind::Lstm;
  int64_t in_features = 1;   // per time step (noise or assets)
  int64_t out_features = 1;  // generators: outputs per step; critics: 1
  int64_t cond_dim = 0;      // size of the condition vector (0 = unconditional)
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t window = 64;  // time steps (MLPs have a fixed window)
  /// Critics: also see |x| next to x, so volatility is visible to every filter.
  bool magnitudes = false;
};

/// Residual block of two dilated causal convolutions: [B, C, T] -> [B, C', T].
class TcnBlockImpl : public torch::nn::Module {
 public:
  TcnBlockImpl(int64_t in, int64_t out, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t dilation_;
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
};
TORCH_MODULE(TcnBlock);

/// One network of either role and any kind (the parameter names of each kind are kept stable so
/// saved generators load: mlp "layers.*"/"head", lstm "lstm"/"head", tcn "block<i>"/"head").
class SequenceNetImpl : public torch::nn::Module {
 public:
  SequenceNetImpl(const NetConfig& config, NetRole role);
  /// Generator: [B, T, in] -> [B, T, out]; critic: [B, T, in] -> [B, 1]. `cond` [B, C] or
  /// undefined.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond = {});
  /// Multiplies the output layer's weights by `factor` and zeroes its bias, so that a new
  /// generator's output starts near zero.
  void scale_head(double factor);
  const NetConfig& config() const noexcept { return config_; }
  NetRole role() const noexcept { return role_; }

 private:
  NetConfig config_;
  NetRole role_;
  torch::nn::ModuleList mlp_layers_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
  std::vector<TcnBlock> blocks_;
  torch::nn::Linear linear_head_{nullptr};
  torch::nn::Conv1d conv_head_{nullptr};
};
TORCH_MODULE(SequenceNet);

/// Held while seeding LibTorch's global generator and drawing initial weights from it, so that
/// models built on several threads at once each get the weights of their own seed.
std::mutex& global_generator_mutex();

/// Generator: [B, T, noise] (+ cond) -> [B, T, out].
SequenceNet make_generator_net(const NetConfig& config);
/// Critic/discriminator: [B, T, assets] (+ cond) -> [B, 1].
SequenceNet make_discriminator_net(const NetConfig& config);

/// A matrix as a float32 tensor [rows, cols] (row-major).
torch::Tensor to_tensor(const Eigen::MatrixXd& m);

/// Appends the condition to every time step: [B, T, F] + [B, C] -> [B, T, F + C].
torch::Tensor with_condition(const torch::Tensor& x, const torch::Tensor& cond);

}  // namespace fingen::ml
