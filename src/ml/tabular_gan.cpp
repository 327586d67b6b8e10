// A GAN for tabular rows with numeric and categorical columns, two ways:
//  - the oversampler "gan": a conditional WGAN-GP on (row, class) trained on every row of a
//    training fold with the classes drawn equally often (the training-by-sampling of CTGAN, Xu et
//    al. 2019, "Modeling Tabular Data using Conditional GAN", NeurIPS), which then generates rows
//    of the rare class;
//  - the detector "gan": an unconditional GAN trained on the normal (negative) rows whose
//    discriminator scores a row by 1 - D(x) (the seeds' "a discriminator that learns normal
//    behaviour flags what departs from it"; with the wgan-gp loss, by minus the critic's score).
// Each categorical variable (the one-hot columns of one feature in the treatment design, plus its
// reference level) is one softmax block of the generator: Gumbel-softmax with temperature tau
// while training (Jang et al. 2017; CTGAN uses tau = 0.2), a draw from the softmax when
// generating, so every generated row holds exactly one level of each variable and the one-hot
// columns take their two real values. Numeric columns arrive standardised and stay linear.
#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>

#include "fingen/core/error.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/credit/evaluate.hpp"
#include "losses.hpp"
#include "networks.hpp"
#include "trainer.hpp"

namespace fingen::ml {

namespace {
using nlohmann::json;

// Options shared by the oversampler and the detector; the loss and critic steps default apart.
#define FINGEN_TABULAR_GAN_OPTIONS(X, LOSS, CRITIC, REFERENCE)                        \
  X(std::string, loss, LOSS, "wgan-gp or ns (non-saturating)")                        \
  X(int64_t, hidden, 128, "hidden units per layer (generator and critic)")            \
  X(int64_t, noise, 32, "noise dimension")                                            \
  X(int64_t, steps, 300, "generator steps")                                           \
  X(int64_t, critic_steps, CRITIC, "critic steps per generator step")                 \
  X(double, reference, REFERENCE,                                                     \
    "share of the critic's fake rows drawn from a wide reference distribution")       \
  X(int64_t, batch_size, 128, "rows per step")                                        \
  X(double, lr, 1e-3, "Adam learning rate (betas 0.5, 0.9)")                          \
  X(double, gp, 10.0, "wgan-gp: gradient-penalty weight (Gulrajani et al. 2017: 10)") \
  X(double, tau, 0.2, "Gumbel-softmax temperature of the categorical blocks (CTGAN)") \
  X(int, threads, 1, "LibTorch threads")

#define FINGEN_GAN_OVERSAMPLER_OPTIONS(X) FINGEN_TABULAR_GAN_OPTIONS(X, "wgan-gp", 2, 0.0)
#define FINGEN_GAN_DETECTOR_OPTIONS(X) FINGEN_TABULAR_GAN_OPTIONS(X, "ns", 1, 0.5)

struct TabularGanOptions {
  FINGEN_GAN_OVERSAMPLER_OPTIONS(FG_OPTION_FIELD)
};

TabularGanOptions options_from_json(const json& j, const std::string& where, bool detector) {
  TabularGanOptions o;
  if (detector) o.loss("ns").critic_steps(1).reference(0.5);
  FINGEN_GAN_OVERSAMPLER_OPTIONS(FG_OPTION_FROM_JSON)
  FG_REQUIRE(o.loss() == "wgan-gp" || o.loss() == "ns", "{}: loss must be wgan-gp or ns, got '{}'",
             where, o.loss());
  FG_REQUIRE(o.hidden() >= 1 && o.hidden() <= 4096 && o.noise() >= 1 && o.noise() <= 4096,
             "{}: hidden and noise must be in 1..4096", where);
  FG_REQUIRE(o.steps() >= 1 && o.steps() <= 10000000 && o.critic_steps() >= 1 &&
                 o.critic_steps() <= 100 && o.batch_size() >= 2 && o.batch_size() <= 1000000,
             "{}: steps, critic_steps (1..100) and batch_size (>= 2) out of range", where);
  FG_REQUIRE(o.lr() > 0 && o.gp() >= 0 && o.tau() > 0 && o.threads() >= 1,
             "{}: lr, tau and threads must be positive, gp >= 0", where);
  FG_REQUIRE(o.reference() >= 0 && o.reference() < 1, "{}: reference must be in [0, 1)", where);
  return o;
}

/// Where each design column goes in the GAN's encoding.
struct Layout {
  struct Block {
    std::vector<Eigen::Index> cols;  // the one-hot columns (the reference level has none)
    std::vector<double> lo, hi;      // each column's value when off and when on
  };
  std::vector<Eigen::Index> numeric;
  std::vector<Block> blocks;
  Eigen::Index cols = 0;
  int64_t width() const {
    int64_t w = static_cast<int64_t>(numeric.size());
    for (const auto& b : blocks) w += static_cast<int64_t>(b.cols.size()) + 1;
    return w;
  }
};

/// groups[j]: -1 for a numeric column, else the categorical variable of one-hot column j (empty:
/// every column numeric). The off/on values of each one-hot column are its min and max in x. A
/// numeric column with exactly two values in x (a 0/1 indicator, as in tables that arrive
/// dummy-coded) becomes a block of its own, so it too comes out with one of its two values.
Layout make_layout(const std::vector<int>& groups, const Eigen::MatrixXd& x) {
  FG_REQUIRE(groups.empty() || groups.size() == static_cast<std::size_t>(x.cols()),
             "gan: {} column groups for {} columns", groups.size(), x.cols());
  Layout l;
  l.cols = x.cols();
  std::vector<int> seen;              // categorical variables met so far
  std::vector<std::size_t> block_of;  // and their blocks
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const int g = groups.empty() ? -1 : groups[static_cast<std::size_t>(j)];
    if (g < 0) {
      const double lo = x.col(j).minCoeff(), hi = x.col(j).maxCoeff();
      if (hi > lo && (x.col(j).array() == lo || x.col(j).array() == hi).all())
        l.blocks.push_back({{j}, {lo}, {hi}});
      else
        l.numeric.push_back(j);
      continue;
    }
    const auto it = std::find(seen.begin(), seen.end(), g);
    if (it == seen.end()) {
      seen.push_back(g);
      block_of.push_back(l.blocks.size());
      l.blocks.emplace_back();
    }
    auto& b = l.blocks[block_of[static_cast<std::size_t>(std::find(seen.begin(), seen.end(), g) -
                                                         seen.begin())]];
    b.cols.push_back(j);
    b.lo.push_back(x.col(j).minCoeff());
    b.hi.push_back(x.col(j).maxCoeff());
  }
  return l;
}

torch::Tensor encode(const Layout& l, const Eigen::MatrixXd& x) {
  FG_REQUIRE(x.cols() == l.cols, "gan: {} columns, fitted on {}", x.cols(), l.cols);
  Eigen::MatrixXd e = Eigen::MatrixXd::Zero(x.rows(), l.width());
  Eigen::Index at = 0;
  for (Eigen::Index j : l.numeric) e.col(at++) = x.col(j);
  for (const auto& b : l.blocks) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      Eigen::Index level = 0;  // the reference level unless a column is on
      for (std::size_t c = 0; c < b.cols.size(); ++c)
        if (b.hi[c] > b.lo[c] && x(i, b.cols[c]) > (b.lo[c] + b.hi[c]) / 2) {
          level = static_cast<Eigen::Index>(c) + 1;
          break;
        }
      e(i, at + level) = 1;
    }
    at += static_cast<Eigen::Index>(b.cols.size()) + 1;
  }
  return to_tensor(e);
}

/// Generator outputs (numeric values, then one-hot blocks) back to design columns.
Eigen::MatrixXd decode(const Layout& l, const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kDouble).contiguous();
  const auto n = static_cast<Eigen::Index>(c.size(0));
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> e(
      c.data_ptr<double>(), n, static_cast<Eigen::Index>(c.size(1)));
  Eigen::MatrixXd x(n, l.cols);
  Eigen::Index at = 0;
  for (Eigen::Index j : l.numeric) x.col(j) = e.col(at++);
  for (const auto& b : l.blocks) {
    const auto k = static_cast<Eigen::Index>(b.cols.size()) + 1;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index level = 0;
      e.row(i).segment(at, k).maxCoeff(&level);
      for (std::size_t col = 0; col < b.cols.size(); ++col)
        x(i, b.cols[col]) = level == static_cast<Eigen::Index>(col) + 1 ? b.hi[col] : b.lo[col];
    }
    at += k;
  }
  return x;
}

torch::nn::Sequential dense(int64_t in, int64_t hidden, int64_t out, bool leaky) {
  torch::nn::Sequential s;
  s->push_back(torch::nn::Linear(in, hidden));
  if (leaky)
    s->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
  else
    s->push_back(torch::nn::ReLU());
  s->push_back(torch::nn::Linear(hidden, hidden));
  if (leaky)
    s->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
  else
    s->push_back(torch::nn::ReLU());
  s->push_back(torch::nn::Linear(hidden, out));
  return s;
}

class TabularGan {
 public:
  TabularGan(TabularGanOptions o, std::vector<int> groups, std::uint64_t seed)
      : o_(std::move(o)), groups_(std::move(groups)), seed_(seed) {}

  /// conditional: on the class (both classes drawn equally often); else on every row given.
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y, bool conditional) {
    try {
      fit_impl(x, y, conditional);
    } catch (const c10::Error& e) {
      const std::string msg = e.what_without_backtrace();
      FG_FAIL(Runtime, "gan: training failed in LibTorch: {}", msg.substr(0, msg.find('\n')));
    }
  }

  /// `count` rows of class `cls` (ignored when unconditional), decoded to design columns.
  Eigen::MatrixXd sample(std::size_t count, int cls, std::uint64_t seed) {
    torch::NoGradGuard no_grad;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto n = static_cast<int64_t>(count);
    const torch::Tensor z = torch::randn({n, o_.noise()}, gen);
    torch::Tensor cond;
    if (cond_dim_ > 0) cond = torch::zeros({n, cond_dim_}).index_fill_(1, torch::tensor({cls}), 1);
    return decode(layout_, activate(g_->forward(join(z, cond)), gen, /*hard=*/true));
  }

  /// The critic's score of each row: D(x) = sigmoid(logit) for ns, the raw score for wgan-gp.
  Eigen::VectorXd critic(const Eigen::MatrixXd& x) const {
    FG_REQUIRE(d_, "gan: score() before fit()");
    torch::NoGradGuard no_grad;
    torch::Tensor d = d_->forward(encode(layout_, x));
    if (o_.loss() == "ns") d = torch::sigmoid(d);
    d = d.squeeze(1).to(torch::kDouble).contiguous();
    return Eigen::Map<const Eigen::VectorXd>(d.data_ptr<double>(), d.size(0));
  }
  const TabularGanOptions& options() const { return o_; }

  /// The critic and the layout it reads (what the detector needs to score), into model.json.
  void save_critic(scenario::ModelFile& f, const std::string& dir) const {
    FG_REQUIRE(d_, "gan: save() before fit()");
    json blocks = json::array();
    for (const auto& b : layout_.blocks)
      blocks.push_back({{"cols", b.cols}, {"lo", b.lo}, {"hi", b.hi}});
    f.params()["layout"] = {
        {"columns", layout_.cols}, {"numeric", layout_.numeric}, {"blocks", blocks}};
    f.params()["weights_file"] = "critic.pt";
    torch::serialize::OutputArchive archive;
    d_->save(archive);
    save_archive_atomic(archive, dir + "/critic.pt");
  }
  void load_critic(const scenario::ModelFile& f) {
    const std::string file = f.dir() + "/model.json";
    try {
      const json& l = f.params().at("layout");
      layout_ = Layout{};
      layout_.cols = l.at("columns").get<Eigen::Index>();
      FG_CHECK(Input, layout_.cols >= 1 && layout_.cols <= 1000000, "columns out of range");
      std::vector<bool> used(static_cast<std::size_t>(layout_.cols), false);
      auto take = [&](Eigen::Index j) {
        FG_CHECK(Input, j >= 0 && j < layout_.cols && !used[static_cast<std::size_t>(j)],
                 "column {} out of range or used twice", j);
        used[static_cast<std::size_t>(j)] = true;
      };
      for (const auto& j : l.at("numeric")) {
        take(j.get<Eigen::Index>());
        layout_.numeric.push_back(j.get<Eigen::Index>());
      }
      for (const auto& b : l.at("blocks")) {
        Layout::Block block{b.at("cols").get<std::vector<Eigen::Index>>(),
                            b.at("lo").get<std::vector<double>>(),
                            b.at("hi").get<std::vector<double>>()};
        FG_CHECK(Input,
                 !block.cols.empty() && block.lo.size() == block.cols.size() &&
                     block.hi.size() == block.cols.size(),
                 "a block's cols, lo and hi differ in length");
        for (Eigen::Index j : block.cols) take(j);
        layout_.blocks.push_back(std::move(block));
      }
      FG_CHECK(Input, std::all_of(used.begin(), used.end(), [](bool u) { return u; }),
               "a column is in neither numeric nor a block");
    } catch (const json::exception& e) {
      throw_input_error({file, 0, "layout"}, e.what());
    } catch (const Error& e) {
      throw_input_error({file, 0, "layout"}, e.what());
    }
    d_ = dense(layout_.width(), o_.hidden(), 1, /*leaky=*/true);
    torch::serialize::InputArchive archive;
    load_archive(archive, f.data_file("weights_file"));
    try {
      d_->load(archive);
    } catch (const c10::Error& e) {
      FG_FAIL(Input, "{}: the weights do not match the options ({})", f.dir() + "/critic.pt",
              std::string(e.what_without_backtrace()).substr(0, 200));
    }
    d_->eval();
  }

 private:
  static torch::Tensor join(const torch::Tensor& a, const torch::Tensor& cond) {
    return cond.defined() ? torch::cat({a, cond}, 1) : a;
  }

  /// Raw generator outputs -> numeric values and a (Gumbel-)softmax per categorical block. The
  /// blocks are gathered into one [B, blocks, widest] tensor, padded with -1e9, so one softmax
  /// (or argmax) serves them all.
  torch::Tensor activate(const torch::Tensor& raw, at::Generator& gen, bool hard) const {
    const auto nnum = static_cast<int64_t>(layout_.numeric.size());
    if (layout_.blocks.empty()) return raw;
    const int64_t B = raw.size(0), ncat = raw.size(1) - nnum;
    const int64_t nb = static_cast<int64_t>(layout_.blocks.size());
    const torch::Tensor logits = raw.narrow(1, nnum, ncat);
    const torch::Tensor u = torch::rand({B, ncat}, gen).clamp(1e-10, 1 - 1e-10);
    const torch::Tensor g = logits - torch::log(-torch::log(u));  // Gumbel perturbed
    const torch::Tensor padded = torch::cat({g, torch::full({B, 1}, -1e9)}, 1)
                                     .index_select(1, gather_)
                                     .view({B, nb, widest_});
    const torch::Tensor p = hard ? torch::one_hot(padded.argmax(2), widest_).to(torch::kFloat)
                                 : torch::softmax(padded / o_.tau(), 2);
    const torch::Tensor cat = p.reshape({B, nb * widest_}).index_select(1, scatter_);
    return nnum > 0 ? torch::cat({raw.narrow(1, 0, nnum), cat}, 1) : cat;
  }

  /// The index maps of activate(): flat categorical column -> padded slot and back.
  void index_blocks() {
    widest_ = 0;
    for (const auto& b : layout_.blocks)
      widest_ = std::max<int64_t>(widest_, static_cast<int64_t>(b.cols.size()) + 1);
    std::vector<int64_t> gather, scatter;
    int64_t flat = 0, ncat = 0;
    for (const auto& b : layout_.blocks) ncat += static_cast<int64_t>(b.cols.size()) + 1;
    for (std::size_t bi = 0; bi < layout_.blocks.size(); ++bi) {
      const auto k = static_cast<int64_t>(layout_.blocks[bi].cols.size()) + 1;
      for (int64_t j = 0; j < widest_; ++j) {
        gather.push_back(j < k ? flat + j : ncat);  // ncat: the -1e9 pad column
        if (j < k) scatter.push_back(static_cast<int64_t>(bi) * widest_ + j);
      }
      flat += k;
    }
    gather_ = torch::tensor(gather, torch::kLong);
    scatter_ = torch::tensor(scatter, torch::kLong);
  }

  void fit_impl(const Eigen::MatrixXd& x, const std::vector<int>& y, bool conditional) {
    FG_REQUIRE(static_cast<std::size_t>(x.rows()) == y.size(), "gan: {} rows, {} labels", x.rows(),
               y.size());
    at::set_num_threads(o_.threads());
    layout_ = make_layout(groups_, x);
    index_blocks();
    const int64_t w = layout_.width();
    cond_dim_ = conditional ? 2 : 0;
    std::vector<int64_t> by_class[2];
    for (std::size_t i = 0; i < y.size(); ++i) by_class[y[i] ? 1 : 0].push_back(int64_t(i));
    FG_CHECK(Input, !conditional || (by_class[0].size() >= 2 && by_class[1].size() >= 2),
             "gan: fewer than 2 rows of a class to learn from");
    FG_CHECK(Input, x.rows() >= 2, "gan: fewer than 2 rows to learn from");
    const torch::Tensor X = encode(layout_, x);
    const torch::Tensor rows[2] = {torch::tensor(by_class[0], torch::kLong),
                                   torch::tensor(by_class[1], torch::kLong)};
    {
      // Seeded and drawn under one lock, as in detectors.cpp.
      std::lock_guard<std::mutex> lock(global_generator_mutex());
      torch::manual_seed(seed_);
      g_ = dense(o_.noise() + cond_dim_, o_.hidden(), w, /*leaky=*/false);
      d_ = dense(w + cond_dim_, o_.hidden(), 1, /*leaky=*/true);
    }
    const auto adam = torch::optim::AdamOptions(o_.lr()).betas({0.5, 0.9});
    torch::optim::Adam opt_g(g_->parameters(), adam), opt_d(d_->parameters(), adam);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed_);
    const int64_t B = o_.batch_size();
    // A batch: rows drawn uniformly (unconditional) or class first, each class half the time.
    auto batch = [&](torch::Tensor& xb, torch::Tensor& cb) {
      if (!conditional) {
        xb = X.index_select(0, torch::randint(0, X.size(0), {B}, gen, torch::kLong));
        return;
      }
      const torch::Tensor cls = torch::randint(0, 2, {B}, gen, torch::kLong);
      const torch::Tensor p0 =
          rows[0].index_select(0, torch::randint(0, rows[0].size(0), {B}, gen, torch::kLong));
      const torch::Tensor p1 =
          rows[1].index_select(0, torch::randint(0, rows[1].size(0), {B}, gen, torch::kLong));
      xb = X.index_select(0, torch::where(cls == 1, p1, p0));
      cb = torch::one_hot(cls, 2).to(torch::kFloat);
    };
    const bool wgan = o_.loss() == "wgan-gp";
    // Reference rows: numeric columns Gaussian with twice the data's sd, categorical levels
    // uniform. A critic that must also reject them keeps a meaningful score away from the data,
    // where a plain GAN's discriminator is arbitrary (the artificial reference distribution of
    // Hempstalk, Frank & Witten 2008, "One-class classification by combining density and class
    // probability estimation").
    const int64_t n_ref = static_cast<int64_t>(std::floor(o_.reference() * double(B)));
    const auto nnum = static_cast<int64_t>(layout_.numeric.size());
    const torch::Tensor num_mean = X.narrow(1, 0, nnum).mean(0),
                        num_sd = X.narrow(1, 0, nnum).std(0).clamp_min(1e-6);
    auto reference = [&](int64_t n) {
      torch::Tensor out = num_mean + 2 * num_sd * torch::randn({n, nnum}, gen);
      if (layout_.blocks.empty()) return out;
      return activate(torch::cat({out, torch::zeros({n, w - nnum})}, 1), gen, /*hard=*/true);
    };
    for (int64_t step = 0; step < o_.steps(); ++step) {
      torch::Tensor xb, cb;
      for (int64_t k = 0; k < o_.critic_steps(); ++k) {
        batch(xb, cb);
        torch::Tensor fake =
            activate(g_->forward(join(torch::randn({B, o_.noise()}, gen), cb)), gen, false)
                .detach();
        if (n_ref > 0) fake = torch::cat({fake.narrow(0, 0, B - n_ref), reference(n_ref)}, 0);
        torch::Tensor loss =
            discriminator_loss(o_.loss(), d_->forward(join(xb, cb)), d_->forward(join(fake, cb)));
        if (wgan && o_.gp() > 0) {
          const torch::Tensor eps = torch::rand({B, 1}, gen);
          const torch::Tensor mix = (eps * xb + (1 - eps) * fake).requires_grad_(true);
          const torch::Tensor out = d_->forward(join(mix, cb));
          const torch::Tensor grad = torch::autograd::grad({out.sum()}, {mix}, {}, true, true)[0];
          loss = loss + o_.gp() * (grad.norm(2, 1) - 1).pow(2).mean();
        }
        opt_d.zero_grad();
        loss.backward();
        opt_d.step();
      }
      batch(xb, cb);  // conditions for the generator's step, drawn as for real rows
      const torch::Tensor fake =
          activate(g_->forward(join(torch::randn({B, o_.noise()}, gen), cb)), gen, false);
      const torch::Tensor gl = generator_loss(o_.loss(), d_->forward(join(fake, cb)));
      opt_g.zero_grad();
      gl.backward();
      opt_g.step();
      FG_CHECK(Numeric, std::isfinite(gl.item<double>()),
               "gan: training diverged at step {} (try a smaller lr)", step + 1);
    }
    g_->eval();
    d_->eval();
  }

  TabularGanOptions o_;
  std::vector<int> groups_;
  std::uint64_t seed_;
  Layout layout_;
  int64_t cond_dim_ = 0;
  int64_t widest_ = 0;
  torch::Tensor gather_, scatter_;
  torch::nn::Sequential g_{nullptr};
  mutable torch::nn::Sequential d_{nullptr};  // forward() is not const in LibTorch
};

class GanDetector final : public credit::Detector {
 public:
  GanDetector(TabularGanOptions o, std::uint64_t seed)
      : seed_(seed), gan_(std::move(o), {}, seed) {}
  std::string kind() const override { return "gan"; }
  bool supervised() const override { return false; }
  void set_groups(const std::vector<int>& groups) override {
    gan_ = TabularGan(gan_.options(), groups, seed_);
  }
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) override {
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!y[i]) rows.push_back(static_cast<Eigen::Index>(i));
    Eigen::MatrixXd normal(static_cast<Eigen::Index>(rows.size()), x.cols());
    for (std::size_t i = 0; i < rows.size(); ++i)
      normal.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
    gan_.fit(normal, std::vector<int>(rows.size(), 0), /*conditional=*/false);
  }
  void save(scenario::ModelFile& f, const std::string& dir) const override {
    gan_.save_critic(f, dir);
  }
  void load(const scenario::ModelFile& f) override { gan_.load_critic(f); }
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const override {
    const Eigen::VectorXd d = gan_.critic(x);
    return gan_.options().loss() == "ns" ? Eigen::VectorXd(1.0 - d.array()) : Eigen::VectorXd(-d);
  }

 private:
  std::uint64_t seed_;
  TabularGan gan_;
};

}  // namespace

void register_tabular_gan() {
  credit::register_oversampler(
      {"gan",
       "conditional WGAN-GP on (row, class), categorical columns as Gumbel-softmax blocks; "
       "generates rows of the positive class",
       {FINGEN_GAN_OVERSAMPLER_OPTIONS(FG_OPTION_INFO)},
       [](const json& options, const std::vector<int>& groups) -> credit::Oversampler {
         const TabularGanOptions o = options_from_json(options, "gan oversampler options", false);
         return [o, groups](const Eigen::MatrixXd& x, const std::vector<int>& y, std::size_t count,
                            std::uint64_t seed) {
           TabularGan gan(o, groups, seed);
           gan.fit(x, y, /*conditional=*/true);
           return gan.sample(count, 1, seed + 1);
         };
       }});
  credit::register_detector(
      {"gan",
       "discriminator of a GAN trained on the negative rows; score = 1 - D(x) (wgan-gp: minus "
       "the critic's score)",
       {FINGEN_GAN_DETECTOR_OPTIONS(FG_OPTION_INFO)},
       [](const json& o, std::uint64_t seed) {
         return std::make_unique<GanDetector>(options_from_json(o, "gan options", true), seed);
       }});
}

}  // namespace fingen::ml
