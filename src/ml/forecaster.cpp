// Neural forecasters (lstm, gru, tcn, mlp, lstm-gan) behind forecast::Forecaster.
//
// Each forecast sees a window of `window` rows of inputs ending at the origin. Every input column
// is standardised with the training rows' mean and sd, clipped to +-clip (outliers cannot blow up
// the network), and comes with a 0/1 mask column: a missing value is 0 with mask 1, so a gap is
// seen as a gap and never silently filled. The encoder (LSTM, GRU, a TCN of dilated causal blocks
// as networks.hpp, or an MLP of the flattened window) feeds a linear head with H point outputs and
// H per quantile level (direct multi-step). Targets are standardised the same way; missing
// targets are left out of the loss. Losses: Huber (default), MSE or MAE for the point, pinball for
// the quantiles; quantiles are sorted per horizon after prediction (rearrangement, Chernozhukov,
// Fernandez-Val & Galichon 2010) so they never cross. Early stopping on the last
// validation_fraction of the training windows (targets of training windows never overlap them),
// weights of the best validation kept. lstm-gan adds the seed documents' adversarial loss: a
// dense discriminator sees (history, forecast) pairs, real ones with the realised future, and the
// forecaster's loss adds `adversarial` times the non-saturating generator loss.
#include <algorithm>
#include <cmath>
#include <memory>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/forecast/forecaster.hpp"
#include "fingen/scenario/model_file.hpp"
#include "networks.hpp"
#include "trainer.hpp"

namespace fingen::ml {

namespace {
using nlohmann::json;

#define FINGEN_NN_FORECAST_OPTIONS(X)                                                              \
  X(int64_t, window, 60, "rows of inputs each forecast sees")                                      \
  X(int64_t, hidden, 32, "hidden units (lstm, gru, mlp) or channels (tcn)")                        \
  X(int64_t, layers, 0,                                                                            \
    "recurrent layers / MLP hidden layers / TCN blocks (0: 1, 2, or the blocks the window needs)") \
  X(std::string, loss, "huber", "point loss: huber, mse or mae")                                   \
  X(double, huber_delta, 1.0, "Huber threshold in standardised units")                             \
  X(double, lr, 1e-3, "Adam learning rate")                                                        \
  X(double, weight_decay, 1e-4, "Adam weight decay")                                               \
  X(int64_t, batch_size, 64, "windows per step")                                                   \
  X(int64_t, steps, 600, "training steps of a first fit")                                          \
  X(int64_t, refit_steps, 150,                                                                     \
    "steps of each later fit, continuing from the fitted weights (0: retrain from scratch)")       \
  X(double, validation_fraction, 0.15, "last share of training windows held out for early stop")   \
  X(int64_t, eval_every, 25, "steps between validations")                                          \
  X(int64_t, patience, 6, "validations without improvement before training stops")                 \
  X(double, clip, 8.0, "standardised inputs and targets are clipped to +-clip")                    \
  X(double, adversarial, 0.0, "weight of the adversarial loss (lstm-gan: 0.1 when 0)")             \
  X(bool, iterated, false,                                                                         \
    "iterated one-step forecasts fed back as inputs (returns from the target's own inputs)")       \
  X(uint64_t, seed, 1, "random seed")                                                              \
  X(int, threads, 0, "LibTorch threads (0: as set); the same seed and threads give the same model")

struct NnOptions {
  FINGEN_NN_FORECAST_OPTIONS(FG_OPTION_FIELD)
};
std::vector<OptionInfo> nn_option_info() {
  return {FINGEN_NN_FORECAST_OPTIONS(FG_OPTION_INFO)};
}
json to_json(const NnOptions& o) {
  json j = json::object();
  FINGEN_NN_FORECAST_OPTIONS(FG_OPTION_TO_JSON)
  return j;
}
NnOptions from_json(const json& j, const std::string& where) {
  check_option_keys(j, nn_option_info(), where);
  NnOptions o;
  FINGEN_NN_FORECAST_OPTIONS(FG_OPTION_FROM_JSON)
  return o;
}

enum class Encoder { Lstm, Gru, Tcn, Mlp };
Encoder encoder_of(const std::string& kind) {
  if (kind == "lstm" || kind == "lstm-gan") return Encoder::Lstm;
  if (kind == "gru") return Encoder::Gru;
  if (kind == "tcn") return Encoder::Tcn;
  if (kind == "mlp") return Encoder::Mlp;
  FG_FAIL(Usage, "unknown neural forecaster '{}'", kind);
}

void check(const NnOptions& o, const std::string& kind) {
  FG_REQUIRE(o.window() >= 2 && o.window() <= 1024, "{}: window must be in 2..1024, got {}", kind,
             o.window());
  FG_REQUIRE(o.hidden() >= 1 && o.hidden() <= 1024, "{}: hidden must be in 1..1024", kind);
  FG_REQUIRE(o.layers() >= 0 && o.layers() <= 16, "{}: layers must be in 0..16", kind);
  FG_REQUIRE(o.loss() == "huber" || o.loss() == "mse" || o.loss() == "mae",
             "{}: loss must be huber, mse or mae, got '{}'", kind, o.loss());
  FG_REQUIRE(o.huber_delta() > 0 && o.lr() > 0 && o.weight_decay() >= 0 && o.clip() > 0,
             "{}: huber_delta, lr and clip must be positive and weight_decay >= 0", kind);
  FG_REQUIRE(o.batch_size() >= 1 && o.batch_size() <= 65536, "{}: batch_size in 1..65536", kind);
  FG_REQUIRE(o.steps() >= 1 && o.refit_steps() >= 0 && o.eval_every() >= 1 && o.patience() >= 0,
             "{}: steps >= 1, refit_steps >= 0, eval_every >= 1, patience >= 0", kind);
  FG_REQUIRE(o.validation_fraction() >= 0 && o.validation_fraction() < 0.9,
             "{}: validation_fraction must be in [0, 0.9)", kind);
  FG_REQUIRE(o.adversarial() >= 0, "{}: adversarial must be >= 0", kind);
  FG_REQUIRE(o.threads() >= 0, "{}: threads must be >= 0", kind);
}

/// Encoder + linear head: [B, W, in] -> [B, out].
class ForecastNetImpl : public torch::nn::Module {
 public:
  ForecastNetImpl(Encoder e, int64_t in, int64_t window, int64_t hidden, int64_t layers,
                  int64_t out)
      : e_(e) {
    if (e == Encoder::Lstm || e == Encoder::Gru) {
      const int64_t L = layers == 0 ? 1 : layers;
      if (e == Encoder::Lstm)
        lstm_ = register_module(
            "lstm",
            torch::nn::LSTM(torch::nn::LSTMOptions(in, hidden).num_layers(L).batch_first(true)));
      else
        gru_ = register_module(
            "gru",
            torch::nn::GRU(torch::nn::GRUOptions(in, hidden).num_layers(L).batch_first(true)));
    } else if (e == Encoder::Tcn) {
      // Enough blocks that the receptive field 1 + 2 (2^L - 1) covers the window.
      int64_t L = layers;
      if (L == 0)
        while (1 + 2 * ((int64_t{1} << L) - 1) < window && L < 16) ++L;
      L = std::max<int64_t>(L, 1);
      for (int64_t b = 0; b < L; ++b)
        blocks_.push_back(register_module("block" + std::to_string(b),
                                          TcnBlock(b == 0 ? in : hidden, hidden, int64_t{1} << b)));
    } else {
      const int64_t L = layers == 0 ? 2 : layers;
      mlp_ = register_module("mlp", torch::nn::ModuleList());
      int64_t width = in * window;
      for (int64_t l = 0; l < L; ++l) {
        mlp_->push_back(torch::nn::Linear(width, hidden));
        width = hidden;
      }
    }
    head_ = register_module("head", torch::nn::Linear(hidden, out));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h;
    if (e_ == Encoder::Lstm) {
      h = std::get<0>(lstm_->forward(x)).select(1, -1);
    } else if (e_ == Encoder::Gru) {
      h = std::get<0>(gru_->forward(x)).select(1, -1);
    } else if (e_ == Encoder::Tcn) {
      h = x.transpose(1, 2);  // [B, C, T]
      for (auto& b : blocks_) h = b->forward(h);
      h = h.select(2, -1);
    } else {
      h = x.flatten(1);
      for (const auto& m : *mlp_) h = torch::relu(m->as<torch::nn::Linear>()->forward(h));
    }
    return head_->forward(h);
  }

 private:
  Encoder e_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  std::vector<TcnBlock> blocks_;
  torch::nn::ModuleList mlp_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(ForecastNet);

/// Dense discriminator of lstm-gan: [B, W + H] (history of the target, then a future) -> logit.
torch::nn::Sequential make_pair_critic(int64_t in, int64_t hidden) {
  return torch::nn::Sequential(
      torch::nn::Linear(in, hidden),
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
      torch::nn::Linear(hidden, hidden),
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
      torch::nn::Linear(hidden, 1));
}

template <class F>
auto torch_guard(const std::string& kind, const char* what, F&& f) {
  try {
    return f();
  } catch (const c10::Error& e) {
    const std::string msg = e.what_without_backtrace();
    FG_FAIL(Runtime, "{}: {} failed in LibTorch: {}", kind, what, msg.substr(0, msg.find('\n')));
  }
}

class NeuralForecaster final : public forecast::Forecaster {
 public:
  NeuralForecaster(std::string kind, NnOptions o, forecast::Task task)
      : Forecaster(std::move(task)), kind_(std::move(kind)), o_(std::move(o)) {
    check(o_, kind_);
    if (kind_ == "lstm-gan" && o_.adversarial() == 0) o_.adversarial(0.1);
  }
  std::string kind() const override { return kind_; }
  json options() const override { return to_json(o_); }
  bool fitted() const override { return fitted_; }
  std::string summary() const override {
    int64_t params = 0;
    if (net_)
      for (const auto& p : net_->parameters()) params += p.numel();
    return fmt::format(
        "{}: window {}, hidden {}, {} parameters, loss {}{}; last fit {} steps, best validation "
        "{:.5f} at step {}",
        kind_, o_.window(), o_.hidden(), params, o_.loss(),
        task_.quantiles.empty() ? "" : " + pinball", last_steps_, best_score_, best_step_);
  }

  void fit(const forecast::Dataset& d, std::size_t begin, std::size_t end) override {
    torch_guard(kind_, "training", [&] { fit_impl(d, begin, end, {}); });
  }
  bool uses_extra() const override { return true; }
  void fit_with(const forecast::Dataset& d, std::size_t begin, std::size_t end,
                const std::vector<forecast::Dataset>& extra) override {
    torch_guard(kind_, "training", [&] { fit_impl(d, begin, end, extra); });
  }

  forecast::Forecast predict(const forecast::Dataset& d,
                             const std::vector<std::size_t>& origins) const override {
    FG_REQUIRE(fitted_, "{}: predict() before fit()", kind_);
    check_layout(d);
    for (std::size_t t : origins)
      FG_REQUIRE(t < d.rows(), "{}: origin {} outside the data ({} rows)", kind_, t, d.rows());
    return torch_guard(kind_, "prediction", [&] { return predict_impl(d, origins); });
  }

  void save(const std::string& dir) const override {
    FG_REQUIRE(fitted_, "{}: save() before fit()", kind_);
    scenario::ModelFile m("forecast-" + kind_, {columns_.target});
    save_layout(m.params());
    m.params()["options"] = to_json(o_);
    m.params()["x_mean"] = x_mean_;
    m.params()["x_sd"] = x_sd_;
    m.params()["y_mean"] = y_mean_;
    m.params()["y_sd"] = y_sd_;
    m.params()["weights_file"] = "forecaster.pt";
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    save_archive_atomic(archive, dir + "/forecaster.pt");
    m.write(dir);
  }

  static std::unique_ptr<forecast::Forecaster> load(const std::string& kind,
                                                    const std::string& dir) {
    const scenario::ModelFile m = scenario::ModelFile::read(dir, "forecast-" + kind);
    const std::string file = dir + "/model.json";
    const forecast::Task task = forecast::read_task(m.params(), file);
    NnOptions o;
    try {
      o = from_json(m.params().value("options", json::object()), "\"options\"");
    } catch (const Error& e) {
      throw_input_error({file, 0, {}}, fmt::format("invalid options: {}", e.what()));
    }
    auto f = std::make_unique<NeuralForecaster>(kind, o, task);
    f->read_layout(m.params(), file);
    const std::size_t F = f->columns_.features.size();
    auto numbers = [&](const char* key, std::size_t n) {
      const Eigen::VectorXd v = m.vector(key, n);
      return std::vector<double>(v.data(), v.data() + v.size());
    };
    f->x_mean_ = numbers("x_mean", F);
    f->x_sd_ = numbers("x_sd", F);
    f->y_mean_ = m.number("y_mean");
    f->y_sd_ = m.number("y_sd");
    for (double s : f->x_sd_)
      if (!(s > 0)) throw_input_error({file, 0, "x_sd"}, "scales must be positive");
    if (!(f->y_sd_ > 0)) throw_input_error({file, 0, "y_sd"}, "the scale must be positive");
    f->build(static_cast<int64_t>(F));
    torch::serialize::InputArchive archive;
    load_archive(archive, m.data_file("weights_file"));
    try {
      f->net_->load(archive);
    } catch (const c10::Error& e) {
      throw_input_error({file, 0, {}},
                        fmt::format("the weights do not match the options ({})",
                                    std::string(e.what_without_backtrace()).substr(0, 160)));
    }
    f->net_->eval();
    f->fitted_ = true;
    return f;
  }

 private:
  friend class ForecastTask;
  /// Steps the network outputs: the horizon (direct), or 1 (iterated).
  int64_t net_h() const { return o_.iterated() ? 1 : static_cast<int64_t>(task_.horizon); }
  int64_t outputs() const { return net_h() * static_cast<int64_t>(1 + task_.quantiles.size()); }
  void build(int64_t features) {
    torch::manual_seed(o_.seed());  // initial weights come from LibTorch's global generator
    net_ = ForecastNet(encoder_of(kind_), 2 * features, o_.window(), o_.hidden(), o_.layers(),
                       outputs());
    if (o_.adversarial() > 0) critic_ = make_pair_critic(o_.window() + net_h(), o_.hidden());
  }

  /// Inputs of rows [0, n) standardised, clipped, NaN -> 0 with a mask: [n, 2F].
  torch::Tensor inputs(const forecast::Dataset& d, std::size_t n) const {
    const auto F = static_cast<std::size_t>(d.x.cols());
    torch::Tensor t = torch::empty({static_cast<int64_t>(n), static_cast<int64_t>(2 * F)});
    auto a = t.accessor<float, 2>();
    const double c = o_.clip();
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t f = 0; f < F; ++f) {
        const double v = d.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f));
        const bool ok = std::isfinite(v);
        a[static_cast<int64_t>(i)][static_cast<int64_t>(f)] =
            ok ? static_cast<float>(std::clamp((v - x_mean_[f]) / x_sd_[f], -c, c)) : 0.0f;
        a[static_cast<int64_t>(i)][static_cast<int64_t>(F + f)] = ok ? 0.0f : 1.0f;
      }
    return t;
  }
  /// Windows of `w` rows ending at each origin: [O, w, C] from rows [n, C] (rows before 0 are
  /// missing: value 0, mask 1).
  torch::Tensor windows(const torch::Tensor& rows, const std::vector<int64_t>& origins) const {
    const int64_t w = o_.window(), C = rows.size(1), F = C / 2;
    torch::Tensor pad = torch::zeros({w - 1, C});
    pad.slice(1, F, C).fill_(1.0f);
    const torch::Tensor padded = torch::cat({pad, rows});              // row i -> i + w - 1
    const torch::Tensor all = padded.unfold(0, w, 1).transpose(1, 2);  // [n, w, C], ends at i
    return all.index_select(0, torch::tensor(origins, torch::kLong));
  }

  struct Samples {
    torch::Tensor x, y, mask, hist;  // [O, W, 2F], [O, H], [O, H], [O, W]
    std::vector<bool> has_target;
  };
  /// Training samples at origins lo..hi of `d`, inputs from rows [0, end).
  Samples samples(const forecast::Dataset& d, int64_t lo, int64_t hi, std::size_t end) const;
  void fit_impl(const forecast::Dataset& d, std::size_t begin, std::size_t end,
                const std::vector<forecast::Dataset>& extra);
  forecast::Forecast predict_impl(const forecast::Dataset& d,
                                  const std::vector<std::size_t>& origins) const;
  forecast::Forecast predict_iterated(const forecast::Dataset& d,
                                      const std::vector<std::size_t>& origins,
                                      const torch::Tensor& rows) const;

  std::string kind_;
  NnOptions o_;
  mutable ForecastNet net_{nullptr};  // forward() is not const in LibTorch
  torch::nn::Sequential critic_{nullptr};
  std::vector<double> x_mean_, x_sd_;
  double y_mean_ = 0, y_sd_ = 1;
  bool fitted_ = false;
  int64_t last_steps_ = 0, best_step_ = -1;
  double best_score_ = 0;
};

/// One training run of a NeuralForecaster inside ml::Trainer.
class ForecastTask final : public TrainingTask {
 public:
  ForecastTask(NeuralForecaster& f, torch::Tensor x, torch::Tensor y, torch::Tensor ymask,
               torch::Tensor hist, std::vector<int64_t> train, std::vector<int64_t> valid)
      : f_(f),
        x_(std::move(x)),
        y_(std::move(y)),
        m_(std::move(ymask)),
        hist_(std::move(hist)),
        train_(torch::tensor(train, torch::kLong)),
        valid_(std::move(valid)) {
    opt_ = std::make_unique<torch::optim::Adam>(
        f_.net_->parameters(),
        torch::optim::AdamOptions(f_.o_.lr()).weight_decay(f_.o_.weight_decay()));
    if (f_.critic_)
      opt_d_ = std::make_unique<torch::optim::Adam>(
          f_.critic_->parameters(), torch::optim::AdamOptions(f_.o_.lr()).betas({0.5, 0.999}));
  }

  StepLosses step(at::Generator& gen) override {
    f_.net_->train();
    const int64_t B = std::min<int64_t>(f_.o_.batch_size(), train_.size(0));
    const torch::Tensor pick =
        train_.index_select(0, torch::randint(0, train_.size(0), {B}, gen, torch::kLong));
    const torch::Tensor out = f_.net_->forward(x_.index_select(0, pick));
    const torch::Tensor y = y_.index_select(0, pick), mask = m_.index_select(0, pick);
    StepLosses l;
    torch::Tensor loss = loss_of(out, y, mask);
    l.g_loss = loss.item<double>();
    if (f_.critic_) {
      const int64_t H = f_.net_h();
      const torch::Tensor hist = hist_.index_select(0, pick);
      const torch::Tensor point = out.slice(1, 0, H);
      // Missing realised targets take the forecast's value: no signal either way.
      const torch::Tensor real_future = torch::where(mask > 0, y, point.detach());
      const torch::Tensor real = torch::cat({hist, real_future}, 1);
      const torch::Tensor fake = torch::cat({hist, point}, 1);
      opt_d_->zero_grad();
      const torch::Tensor dr = f_.critic_->forward(real), df = f_.critic_->forward(fake.detach());
      const torch::Tensor d_loss =
          torch::binary_cross_entropy_with_logits(dr, torch::ones_like(dr)) +
          torch::binary_cross_entropy_with_logits(df, torch::zeros_like(df));
      d_loss.backward();
      opt_d_->step();
      l.d_loss = d_loss.item<double>();
      const torch::Tensor dg = f_.critic_->forward(fake);
      loss = loss + f_.o_.adversarial() *
                        torch::binary_cross_entropy_with_logits(dg, torch::ones_like(dg));
    }
    opt_->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(f_.net_->parameters(), 5.0);
    opt_->step();
    return l;
  }

  double validate() override {
    if (valid_.empty()) return 0;  // no validation block: the last weights are kept
    torch::NoGradGuard no_grad;
    f_.net_->eval();
    const torch::Tensor idx = torch::tensor(valid_, torch::kLong);
    const double v = loss_of(f_.net_->forward(x_.index_select(0, idx)), y_.index_select(0, idx),
                             m_.index_select(0, idx))
                         .item<double>();
    f_.net_->train();
    return v;
  }
  void keep_best() override {
    best_.clear();
    for (const auto& p : f_.net_->parameters()) best_.push_back(p.detach().clone());
  }
  void restore_best() {
    if (best_.empty()) return;
    torch::NoGradGuard no_grad;
    auto params = f_.net_->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best_[i]);
  }
  void save(torch::serialize::OutputArchive& archive) override {
    torch::serialize::OutputArchive n, o;
    f_.net_->save(n);
    opt_->save(o);
    archive.write("net", n);
    archive.write("optimizer", o);
  }
  void load(torch::serialize::InputArchive& archive) override {
    torch::serialize::InputArchive n, o;
    archive.read("net", n);
    archive.read("optimizer", o);
    f_.net_->load(n);
    opt_->load(o);
  }

 private:
  /// Point loss + pinball over the quantile heads, on observed targets only.
  torch::Tensor loss_of(const torch::Tensor& out, const torch::Tensor& y,
                        const torch::Tensor& mask) const {
    const int64_t H = f_.net_h();
    const torch::Tensor n = mask.sum().clamp_min(1.0);
    const torch::Tensor e = y - out.slice(1, 0, H);
    torch::Tensor point;
    if (f_.columns_.kind == forecast::TargetKind::Direction) {
      // Probability of a rise: the point head is a logit, trained by binary cross-entropy.
      point = torch::binary_cross_entropy_with_logits(out.slice(1, 0, H), y, {}, {},
                                                      torch::Reduction::None);
    } else if (f_.o_.loss() == "mse") {
      point = e.pow(2);
    } else if (f_.o_.loss() == "mae") {
      point = e.abs();
    } else {
      const double delta = f_.o_.huber_delta();
      const torch::Tensor a = e.abs();
      point = torch::where(a <= delta, 0.5 * e.pow(2), delta * (a - 0.5 * delta));
    }
    torch::Tensor loss = (point * mask).sum() / n;
    for (std::size_t q = 0; q < f_.task_.quantiles.size(); ++q) {
      const double tau = f_.task_.quantiles[q];
      const int64_t at = H * static_cast<int64_t>(q + 1);
      const torch::Tensor u = y - out.slice(1, at, at + H);
      loss = loss + (torch::max(tau * u, (tau - 1) * u) * mask).sum() / n;
    }
    return loss;
  }

  NeuralForecaster& f_;
  torch::Tensor x_, y_, m_, hist_, train_;
  std::vector<int64_t> valid_;
  std::unique_ptr<torch::optim::Adam> opt_, opt_d_;
  std::vector<torch::Tensor> best_;
};

NeuralForecaster::Samples NeuralForecaster::samples(const forecast::Dataset& d, int64_t lo,
                                                    int64_t hi, std::size_t end) const {
  const int64_t H = net_h(), W = o_.window();
  std::vector<int64_t> origins;
  for (int64_t t = lo; t <= hi; ++t) origins.push_back(t);
  const int64_t O = static_cast<int64_t>(origins.size());
  Samples s;
  s.y = torch::zeros({O, H});
  s.mask = torch::zeros({O, H});
  s.hist = torch::zeros({O, W});
  s.has_target.assign(static_cast<std::size_t>(O), false);
  auto ya = s.y.accessor<float, 2>(), ma = s.mask.accessor<float, 2>();
  auto ha = s.hist.accessor<float, 2>();
  const double c = o_.clip();
  auto scaled = [&](int64_t t, bool& ok) {
    const double v = d.y(static_cast<Eigen::Index>(t));
    ok = std::isfinite(v);
    return ok ? static_cast<float>(std::clamp((v - y_mean_) / y_sd_, -c, c)) : 0.0f;
  };
  for (int64_t i = 0; i < O; ++i) {
    const int64_t origin = origins[static_cast<std::size_t>(i)];
    bool ok = false;
    for (int64_t h = 0; h < H; ++h) {
      ya[i][h] = scaled(origin + 1 + h, ok);
      ma[i][h] = ok ? 1.0f : 0.0f;
      if (ok) s.has_target[static_cast<std::size_t>(i)] = true;
    }
    for (int64_t k = 0; k < W; ++k) {
      const int64_t t = origin - W + 1 + k;
      ha[i][k] = t >= 0 ? scaled(t, ok) : 0.0f;
    }
  }
  s.x = windows(inputs(d, end), origins);
  return s;
}

void NeuralForecaster::fit_impl(const forecast::Dataset& d, std::size_t begin, std::size_t end,
                                const std::vector<forecast::Dataset>& extra) {
  FG_REQUIRE(begin < end && end <= d.rows(), "{}: fit rows [{}, {}) outside the data ({} rows)",
             kind_, begin, end, d.rows());
  if (o_.threads() > 0) at::set_num_threads(o_.threads());
  const auto F = static_cast<std::size_t>(d.x.cols());
  const int64_t H = net_h();
  if (o_.iterated()) {
    FG_REQUIRE(d.kind == forecast::TargetKind::Returns,
               "{}: iterated forecasts feed forecast returns back as inputs; the target must be "
               "returns",
               kind_);
    for (const std::string& f : d.features)
      FG_REQUIRE(f == d.target || f == d.target + ":abs" || f == d.target + ":rv",
                 "{}: iterated forecasts need inputs made from the target alone ({}, {}:abs, "
                 "{}:rv); '{}' cannot be forecast",
                 kind_, d.target, d.target, d.target, f);
  }
  const bool warm = fitted_ && o_.refit_steps() > 0 && columns_.features == d.features &&
                    columns_.target == d.target && columns_.kind == d.kind;
  bind(d);
  if (!warm) {
    // Train-only scaling: mean and sd of each input and of the target over [begin, end).
    x_mean_.assign(F, 0.0);
    x_sd_.assign(F, 1.0);
    auto moments = [&](auto get, double& mean, double& sd) {
      double s = 0, s2 = 0;
      std::size_t n = 0;
      for (std::size_t t = begin; t < end; ++t) {
        const double v = get(t);
        if (std::isfinite(v)) s += v, s2 += v * v, ++n;
      }
      FG_CHECK(Input, n >= 2, "{}: fewer than 2 observed values in the training rows", kind_);
      mean = s / static_cast<double>(n);
      const double var = s2 / static_cast<double>(n) - mean * mean;
      sd = var > 1e-24 ? std::sqrt(var) : 1.0;  // a constant column (e.g. a fixed weekday) stays
    };
    for (std::size_t f = 0; f < F; ++f)
      moments(
          [&](std::size_t t) {
            return d.x(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(f));
          },
          x_mean_[f], x_sd_[f]);
    moments([&](std::size_t t) { return d.y(static_cast<Eigen::Index>(t)); }, y_mean_, y_sd_);
    if (d.kind == forecast::TargetKind::Direction) y_mean_ = 0, y_sd_ = 1;  // 0/1 for the BCE
    build(static_cast<int64_t>(F));
  }
  // Samples: origins s in [begin + window - 1, end - 1 - H] with at least one observed target.
  const int64_t lo = static_cast<int64_t>(begin) + o_.window() - 1;
  const int64_t hi = static_cast<int64_t>(end) - 1 - H;
  FG_CHECK(Input, hi - lo + 1 >= 20,
           "{}: {} training rows give {} windows of {} rows with {} targets after them; need at "
           "least 20 (use a shorter window or more data)",
           kind_, end - begin, std::max<int64_t>(hi - lo + 1, 0), o_.window(), H);
  Samples real = samples(d, lo, hi, end);
  const int64_t O = real.x.size(0);
  // The last validation_fraction of the windows validates; the H windows before it are dropped
  // so no training target falls inside the validation block.
  const int64_t nv =
      static_cast<int64_t>(std::floor(o_.validation_fraction() * static_cast<double>(O)));
  std::vector<int64_t> train, valid;
  for (int64_t i = 0; i < O; ++i) {
    if (!real.has_target[static_cast<std::size_t>(i)]) continue;
    if (nv >= 5 && i >= O - nv)
      valid.push_back(i);
    else if (nv < 5 || i < O - nv - H)
      train.push_back(i);
  }
  FG_CHECK(Input, train.size() >= 10, "{}: only {} training windows with an observed target", kind_,
           train.size());
  // Extra (synthetic) datasets: every window of each, for training only, scaled as the real rows.
  std::vector<torch::Tensor> xs{real.x}, ys{real.y}, ms{real.mask}, hs{real.hist};
  int64_t next = O;
  for (const forecast::Dataset& e : extra) {
    check_layout(e);
    const int64_t ehi = static_cast<int64_t>(e.rows()) - 1 - H;
    if (ehi < o_.window() - 1) continue;
    Samples s = samples(e, o_.window() - 1, ehi, e.rows());
    for (std::size_t i = 0; i < s.has_target.size(); ++i, ++next)
      if (s.has_target[i]) train.push_back(next);
    xs.push_back(s.x), ys.push_back(s.y), ms.push_back(s.mask), hs.push_back(s.hist);
  }
  const torch::Tensor x = torch::cat(xs), y = torch::cat(ys), ym = torch::cat(ms),
                      hist = torch::cat(hs);
  ForecastTask task(*this, x, y, ym, hist, train, valid);
  TrainerOptions t;
  t.steps = warm ? o_.refit_steps() : o_.steps();
  t.eval_every = o_.eval_every();
  t.checkpoint_every = t.steps + 1;
  t.log_every = o_.eval_every();
  t.patience = valid.empty() ? 0 : o_.patience();
  t.options = to_json(o_);
  if (progress_)
    t.control.progress = [this](const scenario::FitProgress& p) {
      forecast::TrainProgress q;
      q.step = p.step;
      q.total_steps = p.total_steps;
      q.loss = p.g_loss;
      q.best_validation = p.best_validation;
      q.best_step = p.best_step;
      q.steps_per_second = p.steps_per_second;
      q.eta_seconds = p.eta_seconds;
      progress_(q);
    };
  at::Generator gen =
      at::make_generator<at::CPUGeneratorImpl>(o_.seed() + (warm ? static_cast<uint64_t>(end) : 0));
  const TrainerResult r = Trainer(t).run(task, gen);
  if (!valid.empty()) task.restore_best();
  net_->eval();
  last_steps_ = r.log.empty() ? 0 : r.log.back().step;
  best_step_ = r.best_step;
  best_score_ = r.best_score;
  fitted_ = true;
}

forecast::Forecast NeuralForecaster::predict_impl(const forecast::Dataset& d,
                                                  const std::vector<std::size_t>& origins) const {
  torch::NoGradGuard no_grad;
  const std::size_t last = origins.empty() ? 0 : *std::max_element(origins.begin(), origins.end());
  const torch::Tensor rows = inputs(d, last + 1);
  const int64_t H = static_cast<int64_t>(task_.horizon);
  const int64_t Q = static_cast<int64_t>(task_.quantiles.size());
  forecast::Forecast f;
  f.point.resize(static_cast<Eigen::Index>(origins.size()), H);
  f.quantiles.assign(task_.quantiles.size(), f.point);
  constexpr std::size_t kChunk = 2048;
  if (o_.iterated()) return predict_iterated(d, origins, rows);
  for (std::size_t c = 0; c < origins.size(); c += kChunk) {
    const std::size_t stop = std::min(origins.size(), c + kChunk);
    std::vector<int64_t> o(origins.begin() + static_cast<std::ptrdiff_t>(c),
                           origins.begin() + static_cast<std::ptrdiff_t>(stop));
    torch::Tensor out = net_->forward(windows(rows, o)).to(torch::kDouble) * y_sd_ + y_mean_;
    if (columns_.kind == forecast::TargetKind::Direction)
      out = torch::cat({torch::sigmoid(out.slice(1, 0, H)), out.slice(1, H, out.size(1))}, 1);
    if (Q > 0) {
      // [B, Q, H] sorted along Q: quantiles never cross.
      torch::Tensor q = std::get<0>(out.slice(1, H, H * (1 + Q)).view({-1, Q, H}).sort(1));
      out = torch::cat({out.slice(1, 0, H), q.flatten(1)}, 1);
    }
    out = out.contiguous();
    auto a = out.accessor<double, 2>();
    for (std::size_t i = c; i < stop; ++i) {
      const auto r = static_cast<int64_t>(i - c);
      for (int64_t h = 0; h < H; ++h) {
        f.point(static_cast<Eigen::Index>(i), h) = a[r][h];
        for (int64_t q = 0; q < Q; ++q)
          f.quantiles[static_cast<std::size_t>(q)](static_cast<Eigen::Index>(i), h) =
              a[r][H * (q + 1) + h];
      }
    }
  }
  FG_CHECK(Numeric, f.point.allFinite(), "{}: a forecast is not finite", kind_);
  return f;
}

// Iterated one-step forecasts: each step's point forecast becomes the next row's return, from
// which the target's |r| and realised volatility inputs are rebuilt. The quantiles of step h are
// the network's one-step quantiles given the forecast path (they do not accumulate the errors of
// the earlier steps).
forecast::Forecast NeuralForecaster::predict_iterated(const forecast::Dataset& d,
                                                      const std::vector<std::size_t>& origins,
                                                      const torch::Tensor& rows) const {
  const int64_t H = static_cast<int64_t>(task_.horizon);
  const int64_t Q = static_cast<int64_t>(task_.quantiles.size());
  const auto F = static_cast<int64_t>(columns_.features.size());
  const std::size_t k = columns_.vol_window;
  forecast::Forecast f;
  f.point.resize(static_cast<Eigen::Index>(origins.size()), H);
  f.quantiles.assign(task_.quantiles.size(), f.point);
  std::vector<int64_t> o(origins.begin(), origins.end());
  torch::Tensor win = windows(rows, o);  // [B, W, 2F]
  const auto B = static_cast<int64_t>(o.size());
  // The last k returns up to each origin (gaps skipped), oldest first.
  std::vector<std::vector<double>> recent(static_cast<std::size_t>(B));
  for (int64_t i = 0; i < B; ++i)
    for (int64_t t =
             std::max<int64_t>(0, o[static_cast<std::size_t>(i)] - static_cast<int64_t>(k) + 1);
         t <= o[static_cast<std::size_t>(i)]; ++t)
      if (std::isfinite(d.returns(t))) recent[static_cast<std::size_t>(i)].push_back(d.returns(t));
  for (int64_t h = 0; h < H; ++h) {
    torch::Tensor out = net_->forward(win).to(torch::kDouble) * y_sd_ + y_mean_;  // [B, 1 + Q]
    if (Q > 0)
      out = torch::cat({out.slice(1, 0, 1), std::get<0>(out.slice(1, 1, 1 + Q).sort(1))}, 1);
    out = out.contiguous();
    auto a = out.accessor<double, 2>();
    torch::Tensor next = torch::zeros({B, 2 * F});
    auto na = next.accessor<float, 2>();
    for (int64_t i = 0; i < B; ++i) {
      const double r = a[i][0];
      f.point(static_cast<Eigen::Index>(i), h) = r;
      for (int64_t q = 0; q < Q; ++q)
        f.quantiles[static_cast<std::size_t>(q)](static_cast<Eigen::Index>(i), h) = a[i][1 + q];
      auto& rec = recent[static_cast<std::size_t>(i)];
      rec.push_back(r);
      if (rec.size() > k) rec.erase(rec.begin());
      double ss = 0;
      for (double v : rec) ss += v * v;
      for (int64_t j = 0; j < F; ++j) {
        const std::string& name = columns_.features[static_cast<std::size_t>(j)];
        const double v = name == columns_.target ? r
                         : name == columns_.target + ":abs"
                             ? std::abs(r)
                             : std::sqrt(ss / static_cast<double>(rec.size()));
        na[i][j] = static_cast<float>(std::clamp(
            (v - x_mean_[static_cast<std::size_t>(j)]) / x_sd_[static_cast<std::size_t>(j)],
            -o_.clip(), o_.clip()));
      }
    }
    win = torch::cat({win.slice(1, 1, win.size(1)), next.unsqueeze(1)}, 1);
  }
  FG_CHECK(Numeric, f.point.allFinite(), "{}: a forecast is not finite", kind_);
  return f;
}

forecast::ForecasterKind nn_kind(const std::string& name, const std::string& description) {
  forecast::ForecasterKind k;
  k.name = name;
  k.description = description;
  k.options = nn_option_info();
  k.make = [name](const json& options, const forecast::Task& task) {
    return std::make_unique<NeuralForecaster>(name, from_json(options, name + " options"), task);
  };
  k.load = [name](const std::string& dir) { return NeuralForecaster::load(name, dir); };
  return k;
}
}  // namespace

void register_forecasters() {
  forecast::register_forecaster(nn_kind("lstm", "LSTM encoder, direct multi-step head"));
  forecast::register_forecaster(nn_kind("gru", "GRU encoder, direct multi-step head"));
  forecast::register_forecaster(
      nn_kind("tcn", "TCN of dilated causal blocks covering the window, direct multi-step head"));
  forecast::register_forecaster(nn_kind("mlp", "MLP of the flattened window"));
  forecast::register_forecaster(
      nn_kind("lstm-gan", "LSTM forecaster with an added adversarial loss on (history, forecast)"));
}

}  // namespace fingen::ml
