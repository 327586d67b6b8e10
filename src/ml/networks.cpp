#include "networks.hpp"

#include "fingen/core/error.hpp"

namespace fingen::ml {

torch::Tensor with_condition(const torch::Tensor& x, const torch::Tensor& cond) {
  if (!cond.defined() || cond.numel() == 0) return x;
  // cond [B, C] -> [B, T, C], concatenated on the feature axis.
  return torch::cat({x, cond.unsqueeze(1).expand({x.size(0), x.size(1), cond.size(1)})}, 2);
}

namespace {

// ---- MLP: flattens the whole window. Layers are built one per statement so that their initial
// weights are drawn in declaration order, as PyTorch does.
struct MlpNet : SequenceNetImpl {
  MlpNet(const NetConfig& c, bool generator) : config(c), is_generator(generator) {
    const int64_t in = c.window * c.in_features + c.cond_dim;
    const int64_t out = generator ? c.window * c.out_features : c.out_features;
    int64_t width = in;
    for (int64_t l = 0; l < c.layers; ++l) {
      hidden_layers->push_back(torch::nn::Linear(width, c.hidden));  // registered by the list
      width = c.hidden;
    }
    head = register_module("head", torch::nn::Linear(width, out));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond) override {
    FG_REQUIRE(x.size(1) == config.window, "mlp network built for windows of {} steps, given {}",
               config.window, x.size(1));
    torch::Tensor h = x.reshape({x.size(0), -1});  // [B, T * F]
    if (cond.defined() && cond.numel() > 0) h = torch::cat({h, cond}, 1);
    for (auto& m : *hidden_layers) {
      h = m->as<torch::nn::Linear>()->forward(h);
      h = is_generator ? torch::relu(h) : torch::leaky_relu(h, 0.2);
    }
    h = head->forward(h);
    return is_generator ? h.reshape({x.size(0), config.window, config.out_features})
                        : h;  // [B,T,A] or [B,1]
  }
  NetConfig config;
  bool is_generator;
  torch::nn::ModuleList hidden_layers{register_module("layers", torch::nn::ModuleList())};
  torch::nn::Linear head{nullptr};
};

// ---- LSTM (batch_first): runs over any number of steps, so long horizons need no seams.
struct LstmNet : SequenceNetImpl {
  LstmNet(const NetConfig& c, bool generator) : is_generator(generator) {
    lstm = register_module(
        "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(c.in_features + c.cond_dim, c.hidden)
                                    .num_layers(c.layers)
                                    .batch_first(true)));
    head = register_module("head", torch::nn::Linear(c.hidden, c.out_features));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond) override {
    const torch::Tensor out = std::get<0>(lstm->forward(with_condition(x, cond)));  // [B, T, H]
    if (is_generator) return head->forward(out);                                    // [B, T, A]
    return head->forward(out.select(1, out.size(1) - 1));  // last step -> [B, 1]
  }
  bool is_generator;
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Linear head{nullptr};
};

// ---- Temporal convolutional network: residual blocks of dilated causal convolutions (kernel 2,
// dilations 1, 2, 4, ...), as in Wiese et al. (2020), "Quant GANs: deep generation of financial
// time series". Causal: output t sees inputs <= t only (left padding of dilation * (kernel - 1)).
struct TcnBlock : torch::nn::Module {
  TcnBlock(int64_t in, int64_t out, int64_t d) : dilation(d) {
    conv1 = register_module("conv1",
                            torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 2).dilation(d)));
    conv2 = register_module("conv2",
                            torch::nn::Conv1d(torch::nn::Conv1dOptions(out, out, 2).dilation(d)));
    if (in != out)
      skip = register_module("skip", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {  // [B, C, T]
    namespace F = torch::nn::functional;
    torch::Tensor h = conv1->forward(F::pad(x, F::PadFuncOptions({dilation, 0})));
    h = torch::leaky_relu(h, 0.2);
    h = conv2->forward(F::pad(h, F::PadFuncOptions({dilation, 0})));
    h = torch::leaky_relu(h, 0.2);
    return h + (skip ? skip->forward(x) : x);
  }
  int64_t dilation;
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
};

struct TcnNet : SequenceNetImpl {
  TcnNet(const NetConfig& c, bool generator) : is_generator(generator) {
    int64_t width = c.in_features + c.cond_dim;
    for (int64_t l = 0; l < c.layers; ++l) {
      blocks.push_back(
          register_module("block" + std::to_string(l),
                          std::make_shared<TcnBlock>(width, c.hidden, int64_t{1} << l)));
      width = c.hidden;
    }
    head = register_module("head",
                           torch::nn::Conv1d(torch::nn::Conv1dOptions(width, c.out_features, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond) override {
    torch::Tensor h = with_condition(x, cond).transpose(1, 2);  // [B, F, T]
    for (auto& b : blocks) h = b->forward(h);
    h = head->forward(h).transpose(1, 2);  // [B, T, out]
    if (is_generator) return h;
    return h.mean(1);  // critic: average of per-step scores -> [B, 1]
  }
  bool is_generator;
  std::vector<std::shared_ptr<TcnBlock>> blocks;
  torch::nn::Conv1d head{nullptr};
};

std::shared_ptr<SequenceNetImpl> make_net(const NetConfig& c, bool generator) {
  FG_REQUIRE(c.hidden >= 1 && c.layers >= 1 && c.window >= 1, "network sizes must be positive");
  if (c.kind == "mlp") return std::make_shared<MlpNet>(c, generator);
  if (c.kind == "lstm") return std::make_shared<LstmNet>(c, generator);
  if (c.kind == "tcn") return std::make_shared<TcnNet>(c, generator);
  FG_FAIL(Usage, "unknown network '{}': expected mlp, lstm or tcn", c.kind);
}

}  // namespace

std::shared_ptr<SequenceNetImpl> make_generator_net(const NetConfig& config) {
  return make_net(config, true);
}
std::shared_ptr<SequenceNetImpl> make_discriminator_net(const NetConfig& config) {
  return make_net(config, false);
}

}  // namespace fingen::ml
