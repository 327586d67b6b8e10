// Neural detectors behind credit::Detector: an MLP classifier (supervised, P(positive)) and an
// autoencoder trained on the negative rows whose score is a row's reconstruction error (the
// seeds' "flag what it reconstructs badly"). Inputs arrive standardised (credit::cross_validate).
#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>

#include "fingen/core/error.hpp"
#include "fingen/credit/detector.hpp"
#include "networks.hpp"
#include "trainer.hpp"

namespace fingen::ml {

namespace {
using nlohmann::json;

#define FINGEN_NN_DETECTOR_OPTIONS(X)                                               \
  X(int64_t, hidden, 32, "hidden units per layer")                                  \
  X(int64_t, code, 8, "autoencoder: units of the bottleneck")                       \
  X(int64_t, steps, 600, "training steps")                                          \
  X(int64_t, batch_size, 64, "rows per step")                                       \
  X(double, lr, 1e-3, "Adam learning rate")                                         \
  X(double, weight_decay, 1e-4, "Adam weight decay")                                \
  X(bool, balanced, false, "mlp: weight the positive class by negatives/positives") \
  X(int, threads, 1, "LibTorch threads")

struct NnDetectorOptions {
  FINGEN_NN_DETECTOR_OPTIONS(FG_OPTION_FIELD)
};
std::vector<OptionInfo> info() {
  return {FINGEN_NN_DETECTOR_OPTIONS(FG_OPTION_INFO)};
}
NnDetectorOptions from_json(const json& j, const std::string& where) {
  NnDetectorOptions o;
  FINGEN_NN_DETECTOR_OPTIONS(FG_OPTION_FROM_JSON)
  FG_REQUIRE(o.hidden() >= 1 && o.hidden() <= 4096 && o.code() >= 1 && o.code() <= 4096,
             "{}: hidden and code must be in 1..4096", where);
  FG_REQUIRE(o.steps() >= 1 && o.batch_size() >= 1 && o.lr() > 0 && o.weight_decay() >= 0 &&
                 o.threads() >= 1,
             "{}: steps, batch_size, lr and threads must be positive, weight_decay >= 0", where);
  return o;
}

torch::nn::Sequential mlp(int64_t in, int64_t hidden, int64_t out) {
  return torch::nn::Sequential(torch::nn::Linear(in, hidden), torch::nn::ReLU(),
                               torch::nn::Linear(hidden, hidden), torch::nn::ReLU(),
                               torch::nn::Linear(hidden, out));
}

class NeuralDetector final : public credit::Detector {
 public:
  NeuralDetector(bool autoencoder, NnDetectorOptions o, std::uint64_t seed)
      : ae_(autoencoder), o_(std::move(o)), seed_(seed) {}
  std::string kind() const override { return ae_ ? "autoencoder" : "mlp"; }
  bool supervised() const override { return !ae_; }
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) override {
    try {
      fit_impl(x, y);
    } catch (const c10::Error& e) {
      const std::string msg = e.what_without_backtrace();
      FG_FAIL(Runtime, "{}: training failed in LibTorch: {}", kind(),
              msg.substr(0, msg.find('\n')));
    }
  }
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const override {
    FG_REQUIRE(net_, "{}: score() before fit()", kind());
    FG_REQUIRE(x.cols() == cols_, "{}: {} columns, fitted on {}", kind(), x.cols(), cols_);
    torch::NoGradGuard no_grad;
    const torch::Tensor in = to_tensor(x);
    torch::Tensor s = ae_ ? (net_->forward(in) - in).pow(2).mean(1)
                          : torch::sigmoid(net_->forward(in)).squeeze(1);
    s = s.to(torch::kDouble).contiguous();
    return Eigen::Map<const Eigen::VectorXd>(s.data_ptr<double>(), s.size(0));
  }
  void save(scenario::ModelFile& f, const std::string& dir) const override {
    FG_REQUIRE(net_, "{}: save() before fit()", kind());
    f.params()["columns"] = cols_;
    f.params()["weights_file"] = "detector.pt";
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    save_archive_atomic(archive, dir + "/detector.pt");
  }
  void load(const scenario::ModelFile& f) override {
    cols_ = static_cast<Eigen::Index>(f.count("columns"));
    FG_CHECK(Input, cols_ >= 1 && cols_ <= 1000000, "{}/model.json: \"columns\" out of range",
             f.dir());
    build();
    torch::serialize::InputArchive archive;
    load_archive(archive, f.data_file("weights_file"));
    try {
      net_->load(archive);
    } catch (const c10::Error& e) {
      FG_FAIL(Input, "{}: the weights do not match the options ({})", f.dir() + "/detector.pt",
              std::string(e.what_without_backtrace()).substr(0, 200));
    }
    net_->eval();
  }

 private:
  void fit_impl(const Eigen::MatrixXd& x, const std::vector<int>& y) {
    at::set_num_threads(o_.threads());
    cols_ = x.cols();
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!ae_ || !y[i]) rows.push_back(static_cast<Eigen::Index>(i));
    FG_CHECK(Input, rows.size() >= 2, "{}: fewer than 2 rows to learn from", kind());
    Eigen::MatrixXd xs(static_cast<Eigen::Index>(rows.size()), x.cols());
    std::vector<float> ys;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      xs.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
      ys.push_back(static_cast<float>(y[static_cast<std::size_t>(rows[i])]));
    }
    const torch::Tensor X = to_tensor(xs);
    const torch::Tensor Y = torch::tensor(ys).unsqueeze(1);
    {
      // Initial weights come from LibTorch's global generator: seeded and drawn under one lock,
      // so fits running in parallel (cross-validation folds) each get their seed's weights.
      std::lock_guard<std::mutex> lock(global_generator_mutex());
      torch::manual_seed(seed_);
      build();
    }
    torch::optim::Adam opt(net_->parameters(),
                           torch::optim::AdamOptions(o_.lr()).weight_decay(o_.weight_decay()));
    double pos = 0;
    for (float v : ys) pos += v;
    const double neg = static_cast<double>(ys.size()) - pos;
    const torch::Tensor pos_weight =
        torch::tensor({o_.balanced() && pos > 0 ? static_cast<float>(neg / pos) : 1.0f});
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed_);
    const int64_t B = std::min<int64_t>(o_.batch_size(), X.size(0));
    for (int64_t step = 0; step < o_.steps(); ++step) {
      const torch::Tensor pick = torch::randint(0, X.size(0), {B}, gen, torch::kLong);
      const torch::Tensor xb = X.index_select(0, pick);
      const torch::Tensor out = net_->forward(xb);
      const torch::Tensor loss = ae_ ? torch::mse_loss(out, xb)
                                     : torch::binary_cross_entropy_with_logits(
                                           out, Y.index_select(0, pick), {}, pos_weight);
      opt.zero_grad();
      loss.backward();
      opt.step();
      FG_CHECK(Numeric, std::isfinite(loss.item<double>()),
               "{}: training diverged at step {} (try a smaller lr)", kind(), step + 1);
    }
    net_->eval();
  }

  void build() {
    net_ = ae_ ? torch::nn::Sequential(torch::nn::Linear(cols_, o_.hidden()), torch::nn::ReLU(),
                                       torch::nn::Linear(o_.hidden(), o_.code()), torch::nn::ReLU(),
                                       torch::nn::Linear(o_.code(), o_.hidden()), torch::nn::ReLU(),
                                       torch::nn::Linear(o_.hidden(), cols_))
               : mlp(cols_, o_.hidden(), 1);
  }

  bool ae_;
  NnDetectorOptions o_;
  std::uint64_t seed_;
  Eigen::Index cols_ = 0;
  mutable torch::nn::Sequential net_{nullptr};  // forward() is not const in LibTorch
};
}  // namespace

void register_detectors() {
  register_tabular_gan();
  for (bool ae : {false, true})
    credit::register_detector(
        {ae ? "autoencoder" : "mlp",
         ae ? "autoencoder on the negative rows; score = reconstruction error"
            : "MLP classifier (2 hidden layers, binary cross-entropy); P(positive)",
         info(), [ae](const json& o, std::uint64_t seed) {
           return std::make_unique<NeuralDetector>(
               ae, from_json(o, ae ? "autoencoder options" : "mlp options"), seed);
         }});
}

}  // namespace fingen::ml
