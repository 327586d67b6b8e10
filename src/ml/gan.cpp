#include "fingen/ml/gan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/distance.hpp"
#include "losses.hpp"
#include "networks.hpp"

namespace fingen::ml {

namespace {
std::atomic<bool> g_stop{false};
constexpr int64_t kRegimeWindow = 20;
constexpr int64_t kChunk = 256;  // paths per generation batch; path p depends only on (seed, p)
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using nlohmann::json;

json options_to_json(const GanOptions& o) {
  return {{"loss", o.loss()},
          {"generator", o.generator()},
          {"discriminator", o.discriminator()},
          {"window", o.window()},
          {"context", o.context()},
          {"regime", o.regime()},
          {"noise_dim", o.noise_dim()},
          {"hidden", o.hidden()},
          {"layers", o.layers()},
          {"batch_size", o.batch_size()},
          {"steps", o.steps()},
          {"critic_steps", o.critic_steps()},
          {"lr", o.lr()},
          {"gp_lambda", o.gp_lambda()},
          {"seed", o.seed()},
          {"validation_fraction", o.validation_fraction()},
          {"eval_every", o.eval_every()}};
}

GanOptions options_from_json(const json& j, const std::string& where) {
  GanOptions o;
  try {
    o.loss(j.at("loss").get<std::string>())
        .generator(j.at("generator").get<std::string>())
        .discriminator(j.at("discriminator").get<std::string>())
        .window(j.at("window").get<int64_t>())
        .context(j.at("context").get<int64_t>())
        .regime(j.at("regime").get<bool>())
        .noise_dim(j.at("noise_dim").get<int64_t>())
        .hidden(j.at("hidden").get<int64_t>())
        .layers(j.at("layers").get<int64_t>())
        .batch_size(j.at("batch_size").get<int64_t>())
        .steps(j.at("steps").get<int64_t>())
        .critic_steps(j.at("critic_steps").get<int64_t>())
        .lr(j.at("lr").get<double>())
        .gp_lambda(j.at("gp_lambda").get<double>())
        .seed(j.at("seed").get<uint64_t>())
        .validation_fraction(j.at("validation_fraction").get<double>())
        .eval_every(j.at("eval_every").get<int64_t>());
    o.validate();
  } catch (const json::exception& e) {
    throw_input_error({where, 0, {}},
                      fmt::format("GAN options missing or malformed: {}", e.what()));
  } catch (const Error& e) {
    throw_input_error({where, 0, {}}, fmt::format("invalid GAN options: {}", e.what()));
  }
  return o;
}

torch::Tensor to_tensor(const Eigen::MatrixXd& m) {  // [rows, cols] float32, row-major
  torch::Tensor t = torch::empty({m.rows(), m.cols()}, torch::kFloat32);
  auto a = t.accessor<float, 2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) a[i][j] = static_cast<float>(m(i, j));
  return t;
}

at::Generator make_torch_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02d}m", s / 3600, (s / 60) % 60)
                   : fmt::format("{}m{:02d}s", s / 60, s % 60);
}

void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    FG_FAIL(Io, "{}: cannot write: {}", path, e.what_without_backtrace());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    FG_FAIL(Io, "{}: cannot rename the temporary file into place", path);
  }
}

void load_archive(torch::serialize::InputArchive& archive, const std::string& path) {
  if (!std::filesystem::exists(path)) FG_FAIL(Io, "{}: no such file", path);
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw_input_error({path, 0, {}},
                      fmt::format("not a readable fingen/LibTorch checkpoint ({})",
                                  std::string(e.what_without_backtrace()).substr(0, 200)));
  }
}

}  // namespace

void request_stop() noexcept {
  g_stop.store(true);
}

void GanOptions::validate() const {
  FG_REQUIRE(loss_ == "minimax" || loss_ == "ns" || loss_ == "wgan-gp",
             "unknown GAN loss '{}': expected minimax, ns or wgan-gp", loss_);
  for (const auto* net : {&generator_, &discriminator_})
    FG_REQUIRE(*net == "mlp" || *net == "lstm" || *net == "tcn",
               "unknown network '{}': expected mlp, lstm or tcn", *net);
  FG_REQUIRE(window_ >= 2 && window_ <= 4096, "window must be in [2, 4096], got {}", window_);
  FG_REQUIRE(context_ >= 0 && context_ <= 1024, "context must be in [0, 1024], got {}", context_);
  FG_REQUIRE(noise_dim_ >= 1 && hidden_ >= 1 && layers_ >= 1,
             "noise_dim, hidden and layers must be positive");
  FG_REQUIRE(batch_size_ >= 2, "batch size must be at least 2, got {}", batch_size_);
  FG_REQUIRE(steps_ >= 0, "steps must be >= 0, got {}", steps_);
  FG_REQUIRE(critic_steps_ >= 0 && lr_ >= 0 && gp_lambda_ >= 0,
             "critic_steps, lr and gp_lambda must be >= 0");
  FG_REQUIRE(validation_fraction_ > 0 && validation_fraction_ < 0.5,
             "validation fraction must be in (0, 0.5), got {}", validation_fraction_);
  FG_REQUIRE(eval_every_ >= 1 && checkpoint_every_ >= 1 && log_every_ >= 1,
             "eval/checkpoint/log intervals must be >= 1");
  FG_REQUIRE(threads_ >= 0, "threads must be >= 0");
}

// ---------------------------------------------------------------------------------------------

struct GanGenerator::Impl {
  GanOptions opt;
  std::vector<std::string> names;
  int64_t assets = 0;
  data::Scaler scaler{data::ScalerKind::ZScore};
  double regime_threshold = 0;
  Eigen::MatrixXd tail;  // last rows of the training history (raw returns), for generate()
  std::shared_ptr<SequenceNetImpl> G, D;
  std::vector<TrainLogRow> log;
  int64_t best_step = -1;
  double best_score = std::numeric_limits<double>::infinity();
  bool fitted = false;

  int64_t cond_dim() const { return opt.context() * assets + (opt.regime() ? 2 : 0); }
  bool conditional() const { return cond_dim() > 0; }
  int64_t history_needed() const {
    return std::max(opt.context(), opt.regime() ? kRegimeWindow : int64_t{0});
  }

  void build() {
    NetConfig g{opt.generator(), opt.noise_dim(), assets,      cond_dim(),
                opt.hidden(),    opt.layers(),    opt.window()};
    NetConfig d{opt.discriminator(), assets,       1,           cond_dim(),
                opt.hidden(),        opt.layers(), opt.window()};
    G = make_generator_net(g);
    D = make_discriminator_net(d);
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
  torch::Tensor sample(int64_t paths, int64_t horizon, uint64_t seed,
                       const torch::Tensor& history) const {
    torch::NoGradGuard no_grad;
    G->eval();
    const bool rolling = opt.generator() == "mlp";
    FG_REQUIRE(!rolling || conditional() || horizon <= opt.window(),
               "an unconditional mlp generator makes windows of {} steps; for a horizon of {} use "
               "an lstm or tcn "
               "generator, or condition it (--context)",
               opt.window(), horizon);
    std::vector<torch::Tensor> chunks;
    for (int64_t c0 = 0; c0 < paths; c0 += kChunk) {
      auto gen = make_torch_generator(
          splitmix64(seed ^ splitmix64(static_cast<uint64_t>(c0 / kChunk) + 1)));
      const int64_t n = std::min(kChunk, paths - c0);
      torch::Tensor out;
      if (!rolling) {
        // The network always sees a full chunk, so a path's numbers do not depend on how many
        // paths are asked for (BLAS kernels may round differently for other batch sizes).
        const torch::Tensor z = torch::randn({kChunk, horizon, opt.noise_dim()}, gen);
        torch::Tensor cond;
        if (conditional()) cond = condition_from(history).unsqueeze(0).expand({kChunk, cond_dim()});
        out = G->forward(z, cond).slice(0, 0, n);
      } else {
        // Roll an MLP window by window; each window conditioned on the k steps before it.
        std::vector<torch::Tensor> parts;
        const torch::Tensor start = history.defined() ? history : torch::zeros({0, assets});
        torch::Tensor hist =
            start.unsqueeze(0).expand({kChunk, start.size(0), assets}).contiguous();
        int64_t made = 0;
        while (made < horizon) {
          const torch::Tensor z = torch::randn({kChunk, opt.window(), opt.noise_dim()}, gen);
          torch::Tensor cond;
          if (conditional() && made == 0) {
            cond = condition_from(start).unsqueeze(0).expand(
                {kChunk, cond_dim()});  // one shared history
          } else if (conditional()) {
            std::vector<torch::Tensor> rows;
            for (int64_t i = 0; i < kChunk; ++i) rows.push_back(condition_from(hist[i]));
            cond = torch::stack(rows);
          }
          const torch::Tensor w = G->forward(z, cond);  // [chunk, T, A]
          parts.push_back(w);
          hist = torch::cat({hist, w}, 1).slice(1, -std::max<int64_t>(history_needed(), 1));
          made += opt.window();
        }
        out = torch::cat(parts, 1).slice(1, 0, horizon).slice(0, 0, n);
      }
      chunks.push_back(out);
    }
    return torch::cat(chunks, 0);
  }

  Scenarios to_scenarios(const torch::Tensor& std_paths) const {
    const torch::Tensor t = std_paths.to(torch::kFloat64).contiguous();
    Scenarios s(static_cast<std::size_t>(t.size(0)), static_cast<std::size_t>(t.size(1)),
                static_cast<std::size_t>(assets));
    s.names = names;
    const double* src = t.data_ptr<double>();
    for (std::size_t i = 0; i < s.data.size(); ++i) {
      const auto a = static_cast<Eigen::Index>(i % s.assets);
      s.data[i] = src[i] * scaler.scale()(a) + scaler.center()(a);
    }
    return s;
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

GanGenerator::GanGenerator(GanOptions options) : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->opt = std::move(options);
}
GanGenerator::~GanGenerator() = default;
GanGenerator::GanGenerator(GanGenerator&&) noexcept = default;
GanGenerator& GanGenerator::operator=(GanGenerator&&) noexcept = default;

bool GanGenerator::fitted() const {
  return impl_->fitted;
}
const GanOptions& GanGenerator::options() const noexcept {
  return impl_->opt;
}
const std::vector<TrainLogRow>& GanGenerator::log() const noexcept {
  return impl_->log;
}
int64_t GanGenerator::best_step() const noexcept {
  return impl_->best_step;
}

std::vector<float> GanGenerator::generator_parameters() const {
  FG_REQUIRE(impl_->G != nullptr, "gan: no generator yet");
  std::vector<float> out;
  for (const auto& p : impl_->G->parameters()) {
    const torch::Tensor c = p.detach().to(torch::kFloat32).contiguous().reshape({-1});
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

void GanGenerator::fit(const Panel& returns) {
  Impl& m = *impl_;
  const GanOptions& o = m.opt;
  scenario::check_fit_input(returns, 64, "gan");
  if (o.threads() > 0) at::set_num_threads(o.threads());
  m.names = returns.names;
  m.assets = static_cast<int64_t>(returns.cols());
  const auto n = static_cast<int64_t>(returns.rows());
  const auto train_end =
      static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - o.validation_fraction())));
  const int64_t lo = m.history_needed();
  FG_REQUIRE(train_end - o.window() - lo >= o.batch_size() / 4,
             "gan: {} training rows are too few for windows of {} steps (context {}); use a "
             "shorter --window",
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
  const torch::Tensor offsets = torch::arange(o.window(), torch::kLong);

  const double lr = o.effective_lr();
  const bool wgan = o.loss() == "wgan-gp";
  const double b1 = wgan ? 0.0 : 0.5, b2 = wgan ? 0.9 : 0.999;
  const bool warm =
      o.warm_start() && m.fitted && m.G && m.assets == static_cast<int64_t>(returns.cols());
  if (!warm) {
    torch::manual_seed(o.seed());  // initial weights come from LibTorch's global generator
    m.build();
  }
  const int64_t total_steps = warm && o.warm_steps() > 0 ? o.warm_steps() : o.steps();
  torch::optim::Adam opt_g(m.G->parameters(), torch::optim::AdamOptions(lr).betas({b1, b2}));
  torch::optim::Adam opt_d(m.D->parameters(), torch::optim::AdamOptions(lr).betas({b1, b2}));
  at::Generator gen = make_torch_generator(o.seed());

  // Fingerprint of the training data, so a resume on other data is refused.
  const std::string data_hash = sha256_hex(
      std::string_view(reinterpret_cast<const char*>(returns.values.data()),
                       static_cast<std::size_t>(returns.values.size()) * sizeof(double)));
  const std::string ckpt_dir = o.checkpoint_dir();
  const std::string last_path = ckpt_dir + "/last.pt";
  const std::string state_path = ckpt_dir + "/train_state.json";
  int64_t step = 0;
  std::vector<torch::Tensor> best_state = m.generator_state();
  m.log.clear();
  m.best_step = -1;
  m.best_score = std::numeric_limits<double>::infinity();

  if (o.resume()) {
    FG_REQUIRE(!ckpt_dir.empty(), "--resume needs a checkpoint directory");
    FG_REQUIRE(!warm, "resume and warm start cannot be combined");
    const json state = [&] {
      try {
        return json::parse(read_file(state_path));
      } catch (const json::exception& e) {
        throw_input_error({state_path, 0, {}}, fmt::format("invalid JSON: {}", e.what()));
      }
    }();
    const json saved = state.value("options", json());
    const json now = options_to_json(o);
    for (const char* key :
         {"loss", "generator", "discriminator", "window", "context", "regime", "noise_dim",
          "hidden", "layers", "batch_size", "critic_steps", "lr", "gp_lambda", "seed"})
      if (saved.value(key, json()) != now.at(key))
        throw_input_error({state_path, 0, {}},
                          fmt::format("the checkpoint was made with {} = {}, this run has {}", key,
                                      saved.value(key, json()).dump(), now.at(key).dump()));
    if (state.value("data_sha256", "") != data_hash)
      throw_input_error({state_path, 0, {}}, "the checkpoint was trained on different data");
    torch::serialize::InputArchive archive;
    load_archive(archive, last_path);
    try {
      torch::serialize::InputArchive ga, da, oga, oda, ba;
      archive.read("G", ga);
      archive.read("D", da);
      archive.read("opt_G", oga);
      archive.read("opt_D", oda);
      archive.read("best_G", ba);
      m.G->load(ga);
      m.D->load(da);
      opt_g.load(oga);
      opt_d.load(oda);
      torch::Tensor t_step, t_rng;
      archive.read("step", t_step);
      archive.read("rng", t_rng);
      step = t_step.item<int64_t>();
      gen.set_state(t_rng);
      // The best weights are stored as plain tensors, one per generator parameter.
      for (std::size_t i = 0; i < best_state.size(); ++i) ba.read(std::to_string(i), best_state[i]);
    } catch (const c10::Error& e) {
      throw_input_error({last_path, 0, {}},
                        fmt::format("checkpoint does not match this model ({})",
                                    std::string(e.what_without_backtrace()).substr(0, 200)));
    }
    m.best_step = state.value("best_step", int64_t{-1});
    const json best = state.value("best_score", json());
    m.best_score = best.is_number() ? best.get<double>() : std::numeric_limits<double>::infinity();
    for (const auto& r : state.value("log", json::array()))
      m.log.push_back({r.at(0).get<int64_t>(), r.at(1).get<double>(), r.at(2).get<double>(),
                       r.at(3).is_null() ? kNaN : r.at(3).get<double>(), r.at(4).get<double>(),
                       r.at(5).get<double>()});
    if (!o.quiet()) std::cerr << fmt::format("resuming from {} at step {}\n", last_path, step);
  }

  auto write_checkpoint = [&] {
    if (ckpt_dir.empty()) return;
    std::filesystem::create_directories(ckpt_dir);
    torch::serialize::OutputArchive archive, ga, da, oga, oda, ba;
    m.G->save(ga);
    m.D->save(da);
    opt_g.save(oga);
    opt_d.save(oda);
    for (std::size_t i = 0; i < best_state.size(); ++i) ba.write(std::to_string(i), best_state[i]);
    archive.write("G", ga);
    archive.write("D", da);
    archive.write("opt_G", oga);
    archive.write("opt_D", oda);
    archive.write("best_G", ba);
    archive.write("step", torch::tensor(step, torch::kLong));
    archive.write("rng", gen.get_state());
    json log = json::array();
    for (const auto& r : m.log)
      log.push_back({r.step, r.d_loss, r.g_loss,
                     std::isnan(r.wasserstein) ? json() : json(r.wasserstein), r.validation,
                     r.seconds});
    const json state{{"options", options_to_json(o)},
                     {"data_sha256", data_hash},
                     {"step", step},
                     {"best_step", m.best_step},
                     {"best_score", std::isfinite(m.best_score) ? json(m.best_score) : json()},
                     {"log", log}};
    // The archive holds the step it was written at; the state file is written right after it.
    save_archive_atomic(archive, last_path);
    write_file_atomic(state_path, state.dump() + "\n");
  };

  const auto t0 = std::chrono::steady_clock::now();
  const int64_t first_step = step;
  const int64_t B = o.batch_size(), T = o.window();
  const int64_t hi = train_end - T;  // last valid start
  auto real_batch = [&](torch::Tensor& x, torch::Tensor& cond) {
    const torch::Tensor starts = torch::randint(lo, hi + 1, {B}, gen, torch::kLong);
    const torch::Tensor idx = (starts.unsqueeze(1) + offsets.unsqueeze(0)).reshape({-1});
    x = z_train.index_select(0, idx).reshape({B, T, m.assets});      // [B, T, A]
    if (m.conditional()) cond = cond_table.index_select(0, starts);  // [B, cond_dim]
  };
  auto gradient_penalty = [&](const torch::Tensor& real, const torch::Tensor& fake,
                              const torch::Tensor& cond) {
    const torch::Tensor eps = torch::rand({B, 1, 1}, gen);
    torch::Tensor x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(true);
    const torch::Tensor out = m.D->forward(x_hat, cond);
    const torch::Tensor grad = torch::autograd::grad({out.sum()}, {x_hat}, {}, true, true)[0];
    return (grad.reshape({B, -1}).norm(2, 1) - 1).pow(2).mean();
  };

  m.G->train();
  m.D->train();
  while (step < total_steps) {
    if (g_stop.load()) {
      write_checkpoint();
      g_stop.store(false);
      FG_FAIL(Runtime, "training interrupted at step {}{}", step,
              ckpt_dir.empty()
                  ? std::string(" (no checkpoint directory)")
                  : fmt::format("; checkpoint written to {}; continue with --resume", last_path));
    }
    torch::Tensor d_loss, g_loss, x_real, cond;
    double w_est = kNaN;
    for (int64_t c = 0; c < o.effective_critic_steps(); ++c) {
      real_batch(x_real, cond);
      const torch::Tensor noise = torch::randn({B, T, o.noise_dim()}, gen);
      const torch::Tensor fake = m.G->forward(noise, cond).detach();
      const torch::Tensor d_real = m.D->forward(x_real, cond);
      const torch::Tensor d_fake = m.D->forward(fake, cond);
      d_loss = discriminator_loss(o.loss(), d_real, d_fake);
      if (wgan) {
        w_est = -d_loss.item<double>();
        d_loss = d_loss + o.gp_lambda() * gradient_penalty(x_real, fake, cond);
      }
      opt_d.zero_grad();
      d_loss.backward();
      opt_d.step();
    }
    const torch::Tensor noise = torch::randn({B, T, o.noise_dim()}, gen);
    const torch::Tensor logits = m.D->forward(m.G->forward(noise, cond), cond);
    g_loss = generator_loss(o.loss(), logits);
    opt_g.zero_grad();
    g_loss.backward();
    opt_g.step();
    ++step;

    const double dl = d_loss.item<double>(), gl = g_loss.item<double>();
    if (!std::isfinite(dl) || !std::isfinite(gl))
      FG_FAIL(Numeric,
              "training diverged at step {} (discriminator loss {}, generator loss {}){}; try a "
              "smaller "
              "learning rate",
              step, dl, gl,
              ckpt_dir.empty()
                  ? std::string()
                  : fmt::format("; the last good checkpoint is kept in {}", last_path));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    TrainLogRow row{step, dl, gl, w_est, -1.0, seconds};
    if (step % o.eval_every() == 0 || step == total_steps) {
      row.validation = m.validation_score(z_all, train_end);
      m.G->train();
      if (row.validation < m.best_score) {
        m.best_score = row.validation;
        m.best_step = step;
        best_state = m.generator_state();
      }
    }
    m.log.push_back(row);
    if (!o.quiet() && (step % o.log_every() == 0 || step == total_steps)) {
      const double rate = static_cast<double>(step - first_step) / std::max(seconds, 1e-9);
      std::string line =
          fmt::format("step {:>6}/{}  D {:8.4f}  G {:8.4f}", step, total_steps, dl, gl);
      if (wgan) line += fmt::format("  W {:7.4f}", w_est);
      if (m.best_step > 0) line += fmt::format("  val best {:.4f} @{}", m.best_score, m.best_step);
      line += fmt::format("  {:.1f} steps/s  ETA {}", rate,
                          duration_text(static_cast<double>(total_steps - step) / rate));
      std::cerr << line << '\n';
    }
    if (step % o.checkpoint_every() == 0 || step == total_steps) write_checkpoint();
  }
  if (m.best_step > 0) m.set_generator_state(best_state);
  m.G->eval();
  m.fitted = true;
}

Scenarios GanGenerator::generate(std::size_t paths, std::size_t horizon, std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "gan: generate() before fit()");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const Impl& m = *impl_;
  torch::Tensor history;
  if (m.conditional()) history = to_tensor(m.scaler.transform(m.tail));
  return m.to_scenarios(
      m.sample(static_cast<int64_t>(paths), static_cast<int64_t>(horizon), seed, history));
}

Scenarios GanGenerator::generate_from(const Eigen::MatrixXd& context, std::size_t paths,
                                      std::size_t horizon, std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "gan: generate_from() before fit()");
  const Impl& m = *impl_;
  FG_REQUIRE(m.conditional(),
             "this GAN is unconditional (fit with --context K to condition on recent history)");
  FG_REQUIRE(context.cols() == m.assets, "gan: context has {} series, the model {}", context.cols(),
             m.assets);
  FG_REQUIRE(context.rows() >= m.history_needed(),
             "gan: the context needs at least {} rows, got {}", m.history_needed(), context.rows());
  FG_REQUIRE(context.allFinite(), "gan: the context has missing or non-finite values");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const torch::Tensor history = to_tensor(m.scaler.transform(context));
  return m.to_scenarios(
      m.sample(static_cast<int64_t>(paths), static_cast<int64_t>(horizon), seed, history));
}

void GanGenerator::save(const std::string& dir) const {
  FG_REQUIRE(fitted(), "gan: save() before fit()");
  const Impl& m = *impl_;
  scenario::ModelFile file("gan", m.names);
  file.params()["options"] = options_to_json(m.opt);
  file.params()["scaler_center"] =
      scenario::ModelFile::to_json(Eigen::VectorXd(m.scaler.center().transpose()));
  file.params()["scaler_scale"] =
      scenario::ModelFile::to_json(Eigen::VectorXd(m.scaler.scale().transpose()));
  file.params()["regime_threshold"] = m.regime_threshold;
  file.params()["tail_rows"] = m.tail.rows();
  file.params()["tail"] = scenario::ModelFile::to_json(m.tail);
  file.params()["best_step"] = m.best_step;
  file.params()["weights_file"] = "generator.pt";
  torch::serialize::OutputArchive archive;
  m.G->save(archive);
  save_archive_atomic(archive, dir + "/generator.pt");
  std::string csv = "step,d_loss,g_loss,wasserstein,validation,seconds\n";
  for (const auto& r : m.log)
    csv +=
        fmt::format("{},{},{},{},{},{}\n", r.step, r.d_loss, r.g_loss,
                    std::isnan(r.wasserstein) ? std::string() : fmt::format("{}", r.wasserstein),
                    r.validation < 0 ? std::string() : fmt::format("{}", r.validation), r.seconds);
  write_file_atomic(dir + "/train_log.csv", csv);
  file.write(dir);
}

std::unique_ptr<GanGenerator> GanGenerator::load(const std::string& dir) {
  const scenario::ModelFile file = scenario::ModelFile::read(dir, "gan");
  const std::string where = dir + "/model.json";
  auto g = std::make_unique<GanGenerator>(
      options_from_json(file.params().value("options", json()), where));
  Impl& m = *g->impl_;
  m.names = file.names();
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
  m.tail = file.matrix("tail", file.count("tail_rows"), n);
  if (m.tail.rows() < m.history_needed())
    throw_input_error({where, 0, {}}, fmt::format("\"tail\" has {} rows, the model needs {}",
                                                  m.tail.rows(), m.history_needed()));
  m.best_step = static_cast<int64_t>(file.number("best_step"));
  m.build();
  torch::serialize::InputArchive archive;
  const std::string weights = dir + "/" + file.text("weights_file");
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
  std::string out =
      fmt::format("GAN ({} loss): {} generator, {} discriminator, window {}, hidden {}, layers {}",
                  o.loss(), o.generator(), o.discriminator(), o.window(), o.hidden(), o.layers());
  if (m.conditional())
    out += fmt::format(", conditioned on {} previous steps{}", o.context(),
                       o.regime() ? " and the volatility regime" : "");
  out += fmt::format(
      "\n  {} series; trained {} steps; kept the weights of step {} (validation distance {:.4f})\n",
      m.assets, m.log.empty() ? 0 : m.log.back().step, m.best_step, m.best_score);
  return out;
}

void register_generators() {
  scenario::register_loader("gan", [](const std::string& dir) {
    return std::unique_ptr<scenario::ScenarioGenerator>(GanGenerator::load(dir));
  });
}

}  // namespace fingen::ml
