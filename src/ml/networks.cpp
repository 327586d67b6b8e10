#include "networks.hpp"

#include "fingen/core/error.hpp"

namespace fingen::ml {

NetKind parse_net_kind(const std::string& name) {
  if (name == "mlp") return NetKind::Mlp;
  if (name == "lstm") return NetKind::Lstm;
  if (name == "tcn") return NetKind::Tcn;
  FG_FAIL(Usage, "unknown network '{}': expected mlp, lstm or tcn", name);
}

const char* to_string(NetKind kind) noexcept {
  switch (kind) {
    case NetKind::Mlp:
      return "mlp";
    case NetKind::Lstm:
      return "lstm";
    case NetKind::Tcn:
      return "tcn";
  }
  return "?";
}

torch::Tensor with_condition(const torch::Tensor& x, const torch::Tensor& cond) {
  if (!cond.defined() || cond.numel() == 0) return x;
  // cond [B, C] -> [B, T, C], concatenated on the feature axis.
  return torch::cat({x, cond.unsqueeze(1).expand({x.size(0), x.size(1), cond.size(1)})}, 2);
}

TcnBlockImpl::TcnBlockImpl(int64_t in, int64_t out, int64_t dilation) : dilation_(dilation) {
  conv1 = register_module(
      "conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 2).dilation(dilation)));
  conv2 = register_module(
      "conv2", torch::nn::Conv1d(torch::nn::Conv1dOptions(out, out, 2).dilation(dilation)));
  if (in != out)
    skip = register_module("skip", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1)));
}

torch::Tensor TcnBlockImpl::forward(const torch::Tensor& x) {  // [B, C, T]
  namespace F = torch::nn::functional;
  // Causal: output t sees inputs <= t only (left padding of dilation * (kernel - 1)).
  torch::Tensor h = conv1->forward(F::pad(x, F::PadFuncOptions({dilation_, 0})));
  h = torch::leaky_relu(h, 0.2);
  h = conv2->forward(F::pad(h, F::PadFuncOptions({dilation_, 0})));
  h = torch::leaky_relu(h, 0.2);
  return h + (skip ? skip->forward(x) : x);
}

SequenceNetImpl::SequenceNetImpl(const NetConfig& c, NetRole role) : config_(c), role_(role) {
  FG_REQUIRE(
      c.hidden >= 1 && c.layers >= 1 && c.window >= 1 && c.in_features >= 1 && c.out_features >= 1,
      "network sizes must be positive");
  FG_REQUIRE(c.layers <= 64 && c.hidden <= 65536, "network too large: {} layers of {} units",
             c.layers, c.hidden);
  const bool gen = role == NetRole::Generator;
  const int64_t features = c.in_features * (c.magnitudes ? 2 : 1);
  switch (c.kind) {
    case NetKind::Mlp: {
      // Layers are built one per statement so that their initial weights are drawn in
      // declaration order, as PyTorch does.
      mlp_layers_ = register_module("layers", torch::nn::ModuleList());
      int64_t width = c.window * features + c.cond_dim;
      for (int64_t l = 0; l < c.layers; ++l) {
        mlp_layers_->push_back(torch::nn::Linear(width, c.hidden));
        width = c.hidden;
      }
      linear_head_ = register_module(
          "head", torch::nn::Linear(width, gen ? c.window * c.out_features : c.out_features));
      break;
    }
    case NetKind::Lstm:
      lstm_ = register_module(
          "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(features + c.cond_dim, c.hidden)
                                      .num_layers(c.layers)
                                      .batch_first(true)));
      linear_head_ = register_module("head", torch::nn::Linear(c.hidden, c.out_features));
      break;
    case NetKind::Tcn: {
      int64_t width = features + c.cond_dim;
      for (int64_t l = 0; l < c.layers; ++l) {
        blocks_.push_back(register_module("block" + std::to_string(l),
                                          TcnBlock(width, c.hidden, int64_t{1} << l)));
        width = c.hidden;
      }
      conv_head_ = register_module(
          "head", torch::nn::Conv1d(torch::nn::Conv1dOptions(width, c.out_features, 1)));
      break;
    }
  }
}

torch::Tensor SequenceNetImpl::forward(const torch::Tensor& input, const torch::Tensor& cond) {
  const NetConfig& c = config_;
  const bool gen = role_ == NetRole::Generator;
  const torch::Tensor x = c.magnitudes ? torch::cat({input, input.abs()}, 2) : input;  // [B,T,F]
  switch (c.kind) {
    case NetKind::Mlp: {
      FG_REQUIRE(x.size(1) == c.window, "mlp network built for windows of {} steps, given {}",
                 c.window, x.size(1));
      torch::Tensor h = x.reshape({x.size(0), -1});  // [B, T * F]
      if (cond.defined() && cond.numel() > 0) h = torch::cat({h, cond}, 1);
      for (auto& m : *mlp_layers_) {
        h = m->as<torch::nn::Linear>()->forward(h);
        h = gen ? torch::relu(h) : torch::leaky_relu(h, 0.2);
      }
      h = linear_head_->forward(h);
      return gen ? h.reshape({x.size(0), c.window, c.out_features}) : h;  // [B,T,out] or [B,1]
    }
    case NetKind::Lstm: {
      const torch::Tensor out = std::get<0>(lstm_->forward(with_condition(x, cond)));  // [B,T,H]
      if (gen) return linear_head_->forward(out);                                      // [B,T,out]
      return linear_head_->forward(out.select(1, out.size(1) - 1));  // last step -> [B, 1]
    }
    case NetKind::Tcn: {
      torch::Tensor h = with_condition(x, cond).transpose(1, 2);  // [B, F, T]
      for (auto& b : blocks_) h = b->forward(h);
      h = conv_head_->forward(h).transpose(1, 2);  // [B, T, out]
      if (gen) return h;
      return h.mean(1);  // critic: average of per-step scores, each seeing its receptive field
    }
  }
  FG_FAIL(Runtime, "unreachable network kind");
}

void SequenceNetImpl::scale_head(double factor) {
  torch::NoGradGuard no_grad;
  torch::nn::Module& head = linear_head_ ? static_cast<torch::nn::Module&>(*linear_head_)
                                         : static_cast<torch::nn::Module&>(*conv_head_);
  for (auto& p : head.named_parameters(false)) {
    if (p.key() == "bias")
      p.value().zero_();
    else
      p.value().mul_(factor);
  }
}

std::mutex& global_generator_mutex() {
  static std::mutex m;
  return m;
}

SequenceNet make_generator_net(const NetConfig& config) {
  return SequenceNet(config, NetRole::Generator);
}
SequenceNet make_discriminator_net(const NetConfig& config) {
  return SequenceNet(config, NetRole::Critic);
}

torch::Tensor to_tensor(const Eigen::MatrixXd& m) {
  torch::Tensor t = torch::empty({m.rows(), m.cols()}, torch::kFloat32);
  auto a = t.accessor<float, 2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) a[i][j] = static_cast<float>(m(i, j));
  return t;
}

}  // namespace fingen::ml
