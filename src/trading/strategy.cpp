#include "fingen/trading/strategy.hpp"

#include <cmath>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::trading {

namespace {
struct SmaOptions {
  FINGEN_SMA_OPTIONS(FG_OPTION_FIELD)
};
struct MomentumOptions {
  FINGEN_MOMENTUM_OPTIONS(FG_OPTION_FIELD)
};
struct ZscoreOptions {
  FINGEN_ZSCORE_OPTIONS(FG_OPTION_FIELD)
};

// Per-asset signals in {-1, 0, 1}, scaled to weights s / N.
class SignalStrategy : public Strategy {
 public:
  Eigen::MatrixXd weights(const Market& m) const final {
    const auto T = static_cast<Eigen::Index>(m.bars()), N = static_cast<Eigen::Index>(m.assets());
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(T, N);  // column-major: signals written in place
    for (Eigen::Index i = 0; i < N; ++i) signal(m.close.col(i).data(), m.bars(), w.col(i).data());
    if (N > 1) w /= static_cast<double>(N);
    return w;
  }

 protected:
  /// s[t] from c[0..t], for one asset's closes.
  virtual void signal(const double* c, std::size_t T, double* s) const = 0;
};

class BuyAndHold final : public SignalStrategy {
 public:
  std::string kind() const override { return "buy_and_hold"; }
  nlohmann::json options() const override { return nlohmann::json::object(); }
  std::size_t warmup() const override { return 0; }

 private:
  void signal(const double*, std::size_t T, double* s) const override { std::fill(s, s + T, 1.0); }
};

class Sma final : public SignalStrategy {
 public:
  explicit Sma(SmaOptions o) : o_(o) {}
  std::string kind() const override { return "sma"; }
  nlohmann::json options() const override {
    nlohmann::json j;
    const SmaOptions& o = o_;
    FINGEN_SMA_OPTIONS(FG_OPTION_TO_JSON)
    return j;
  }
  std::size_t warmup() const override { return static_cast<std::size_t>(o_.slow() - 1); }

 private:
  void signal(const double* c, std::size_t T, double* s) const override {
    const auto fast = static_cast<std::size_t>(o_.fast()),
               slow = static_cast<std::size_t>(o_.slow());
    const double below = o_.allow_short() ? -1.0 : 0.0;
    const auto nf = static_cast<double>(fast), ns = static_cast<double>(slow);
    // Running window sums, summed afresh at the start of every block of 1,024 bars so rounding
    // cannot accumulate. The blocks are independent, so two are run side by side: their sums
    // are two dependency chains the CPU overlaps (the same numbers as one block after another).
    // Bars t < slow (only in the first block when slow <= 1,024) test for a short window; the
    // others run without a test.
    constexpr std::size_t kBlock = 1024;
    const auto start = [&](std::size_t t, double& sf, double& ss) {
      sf = ss = 0;
      for (std::size_t k = t + 1 >= fast ? t + 1 - fast : 0; k <= t; ++k) sf += c[k];
      for (std::size_t k = t + 1 >= slow ? t + 1 - slow : 0; k <= t; ++k) ss += c[k];
    };
    const auto step_early = [&](std::size_t t, double& sf, double& ss) {
      sf += c[t] - (t >= fast ? c[t - fast] : 0.0);
      ss += c[t] - (t >= slow ? c[t - slow] : 0.0);
    };
    const auto step = [&](std::size_t t, double& sf, double& ss) {  // t >= slow > fast
      sf += c[t] - c[t - fast];
      ss += c[t] - c[t - slow];
    };
    // fast mean > slow mean, as sf * slow > ss * fast: no division per bar.
    const auto emit_early = [&](std::size_t t, double sf, double ss) {
      s[t] = t + 1 < slow ? 0.0 : (sf * ns > ss * nf ? 1.0 : below);
    };
    const auto emit = [&](std::size_t t, double sf, double ss) {
      s[t] = sf * ns > ss * nf ? 1.0 : below;
    };
    if (slow > kBlock) {  // long windows: one block after another, every bar tested
      double sf = 0, ss = 0;
      for (std::size_t t = 0; t < T; ++t) {
        if (t % kBlock == 0)
          start(t, sf, ss);
        else
          step_early(t, sf, ss);
        emit_early(t, sf, ss);
      }
      return;
    }
    for (std::size_t a = 0; a < T; a += 2 * kBlock) {
      const std::size_t b = a + kBlock;
      const std::size_t na = std::min(kBlock, T - a), nb = b < T ? std::min(kBlock, T - b) : 0;
      double fa = 0, sa = 0, fb = 0, sb = 0;
      start(a, fa, sa);
      emit_early(a, fa, sa);
      if (nb > 0) {
        start(b, fb, sb);
        emit(b, fb, sb);
      }
      std::size_t u = 1;
      if (a == 0) {  // the first block's bars t < slow; the second block's are all >= slow
        for (; u < std::min(slow, na); ++u) {
          step_early(u, fa, sa);
          emit_early(u, fa, sa);
          if (u < nb) {
            step(b + u, fb, sb);
            emit(b + u, fb, sb);
          }
        }
      }
      for (; u < nb; ++u) {
        step(a + u, fa, sa);
        step(b + u, fb, sb);
        emit(a + u, fa, sa);
        emit(b + u, fb, sb);
      }
      for (; u < na; ++u) {
        step(a + u, fa, sa);
        emit(a + u, fa, sa);
      }
    }
  }
  SmaOptions o_;
};

class Momentum final : public SignalStrategy {
 public:
  explicit Momentum(MomentumOptions o) : o_(o) {}
  std::string kind() const override { return "momentum"; }
  nlohmann::json options() const override {
    nlohmann::json j;
    const MomentumOptions& o = o_;
    FINGEN_MOMENTUM_OPTIONS(FG_OPTION_TO_JSON)
    return j;
  }
  std::size_t warmup() const override { return static_cast<std::size_t>(o_.lookback()); }

 private:
  void signal(const double* c, std::size_t T, double* s) const override {
    const auto L = static_cast<std::size_t>(o_.lookback());
    const double below = o_.allow_short() ? -1.0 : 0.0;
    for (std::size_t t = 0; t < T; ++t) s[t] = t < L ? 0.0 : (c[t] > c[t - L] ? 1.0 : below);
  }
  MomentumOptions o_;
};

class Zscore final : public SignalStrategy {
 public:
  explicit Zscore(ZscoreOptions o) : o_(o) {}
  std::string kind() const override { return "zscore"; }
  nlohmann::json options() const override {
    nlohmann::json j;
    const ZscoreOptions& o = o_;
    FINGEN_ZSCORE_OPTIONS(FG_OPTION_TO_JSON)
    return j;
  }
  std::size_t warmup() const override { return static_cast<std::size_t>(o_.lookback() - 1); }

 private:
  void signal(const double* c, std::size_t T, double* s) const override {
    const auto L = static_cast<std::size_t>(o_.lookback());
    double pos = 0;
    for (std::size_t t = 0; t < T; ++t) {
      if (t + 1 < L) {
        s[t] = 0;
        continue;
      }
      // Two-pass mean and sd (ddof 0) of the window: exact enough for any price level.
      double mean = 0;
      for (std::size_t k = t + 1 - L; k <= t; ++k) mean += c[k];
      mean /= static_cast<double>(L);
      double ss = 0;
      for (std::size_t k = t + 1 - L; k <= t; ++k) ss += (c[k] - mean) * (c[k] - mean);
      const double sd = std::sqrt(ss / static_cast<double>(L));
      if (sd > 0) {
        const double z = (c[t] - mean) / sd;
        if (pos == 0) {
          if (z > o_.entry() && o_.allow_short())
            pos = -1;
          else if (z < -o_.entry())
            pos = 1;
        } else if (pos > 0 && z >= -o_.exit()) {
          pos = 0;
        } else if (pos < 0 && z <= o_.exit()) {
          pos = 0;
        }
      }
      s[t] = pos;
    }
  }
  ZscoreOptions o_;
};

struct ModelSignalOptions {
  FINGEN_MODEL_SIGNAL_OPTIONS(FG_OPTION_FIELD)
};

class ModelSignal final : public Strategy {
 public:
  ModelSignal(ModelSignalOptions o, std::shared_ptr<scenario::ScenarioGenerator> g)
      : o_(std::move(o)), g_(std::move(g)) {}
  std::string kind() const override { return "model"; }
  nlohmann::json options() const override {
    nlohmann::json j;
    const ModelSignalOptions& o = o_;
    FINGEN_MODEL_SIGNAL_OPTIONS(FG_OPTION_TO_JSON)
    return j;
  }
  std::size_t warmup() const override { return static_cast<std::size_t>(o_.context()); }

  Eigen::MatrixXd weights(const Market& m) const override {
    const auto N = static_cast<Eigen::Index>(m.assets());
    FG_REQUIRE(g_->names().size() == m.assets(), "the model has {} series, the data {}",
               g_->names().size(), m.assets());
    const auto T = static_cast<Eigen::Index>(m.bars());
    const auto L = static_cast<Eigen::Index>(o_.context());
    const auto paths = static_cast<std::size_t>(o_.paths());
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(T, N);
    Eigen::MatrixXd ctx(L, N);
    std::lock_guard<std::mutex> lock(mutex_);  // generators are not promised to be reentrant
    for (Eigen::Index t = L; t < T; ++t) {
      for (Eigen::Index k = 0; k < L; ++k)
        for (Eigen::Index i = 0; i < N; ++i)
          ctx(k, i) = std::log(m.close(t - L + 1 + k, i) / m.close(t - L + k, i));
      const Scenarios s =
          g_->generate_from(ctx, paths, 1, o_.seed() + static_cast<std::uint64_t>(t));
      for (Eigen::Index i = 0; i < N; ++i) {
        std::size_t up = 0;
        for (std::size_t p = 0; p < paths; ++p)
          up += s.data[p * s.assets + static_cast<std::size_t>(i)] > 0;
        const double prob = static_cast<double>(up) / static_cast<double>(paths);
        const double sig = prob > o_.threshold()                           ? 1.0
                           : o_.allow_short() && prob < 1 - o_.threshold() ? -1.0
                                                                           : 0.0;
        w(t, i) = sig / static_cast<double>(N);
      }
    }
    return w;
  }

 private:
  ModelSignalOptions o_;
  std::shared_ptr<scenario::ScenarioGenerator> g_;
  mutable std::mutex mutex_;
};

void model_signal_from_json(const nlohmann::json& j, const std::string& where,
                            ModelSignalOptions& o) {
  FINGEN_MODEL_SIGNAL_OPTIONS(FG_OPTION_FROM_JSON)
}

struct PairsOptions {
  FINGEN_PAIRS_OPTIONS(FG_OPTION_FIELD)
};

class Pairs final : public Strategy {
 public:
  explicit Pairs(PairsOptions o) : o_(o) {}
  std::string kind() const override { return "pairs"; }
  nlohmann::json options() const override {
    nlohmann::json j;
    const PairsOptions& o = o_;
    FINGEN_PAIRS_OPTIONS(FG_OPTION_TO_JSON)
    return j;
  }
  std::size_t warmup() const override { return static_cast<std::size_t>(o_.window() - 1); }

  Eigen::MatrixXd weights(const Market& m) const override {
    FG_REQUIRE(m.assets() == 2, "the pairs strategy trades two series, the data has {} ({})",
               m.assets(), fmt::join(m.names, ", "));
    const auto T = static_cast<Eigen::Index>(m.bars());
    const auto L = static_cast<std::size_t>(o_.window());
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(T, 2);
    std::vector<double> ly(m.bars()), lx(m.bars());
    for (std::size_t t = 0; t < m.bars(); ++t) {
      ly[t] = std::log(m.close(static_cast<Eigen::Index>(t), 0));
      lx[t] = std::log(m.close(static_cast<Eigen::Index>(t), 1));
    }
    double state = 0, b_entry = 0;
    for (std::size_t t = 0; t < m.bars(); ++t) {
      if (t + 1 >= L) {
        // OLS of ln y on [1, ln x] over the window, by centred sums.
        const std::size_t k0 = t + 1 - L;
        double my = 0, mx = 0;
        for (std::size_t k = k0; k <= t; ++k) {
          my += ly[k];
          mx += lx[k];
        }
        my /= static_cast<double>(L);
        mx /= static_cast<double>(L);
        double sxx = 0, sxy = 0;
        for (std::size_t k = k0; k <= t; ++k) {
          sxx += (lx[k] - mx) * (lx[k] - mx);
          sxy += (lx[k] - mx) * (ly[k] - my);
        }
        if (sxx > 0) {
          const double b = sxy / sxx, a = my - b * mx;
          double ss = 0;
          for (std::size_t k = k0; k <= t; ++k) {
            const double e = ly[k] - a - b * lx[k];
            ss += e * e;
          }
          const double sd = std::sqrt(ss / static_cast<double>(L));
          if (sd > 0) {
            const double z = (ly[t] - a - b * lx[t]) / sd;
            if (state == 0) {
              if (z > o_.entry()) {
                state = -1;
                b_entry = b;
              } else if (z < -o_.entry()) {
                state = 1;
                b_entry = b;
              }
            } else if ((state > 0 && z >= -o_.exit()) || (state < 0 && z <= o_.exit())) {
              state = 0;
            }
          }
        }
      }
      if (state != 0) {
        const auto r = static_cast<Eigen::Index>(t);
        w(r, 0) = state / (1 + std::abs(b_entry));
        w(r, 1) = -state * b_entry / (1 + std::abs(b_entry));
      }
    }
    return w;
  }

 private:
  PairsOptions o_;
};

template <class O>
O read_options(const nlohmann::json& j, const std::vector<OptionInfo>& info,
               const std::string& where,
               void (*fill)(const nlohmann::json&, const std::string&, O&)) {
  FG_REQUIRE(j.is_object(), "{} must be a JSON object", where);
  check_option_keys(j, info, where);
  O o;
  fill(j, where, o);
  return o;
}

void sma_from_json(const nlohmann::json& j, const std::string& where, SmaOptions& o) {
  FINGEN_SMA_OPTIONS(FG_OPTION_FROM_JSON)
}
void momentum_from_json(const nlohmann::json& j, const std::string& where, MomentumOptions& o) {
  FINGEN_MOMENTUM_OPTIONS(FG_OPTION_FROM_JSON)
}
void zscore_from_json(const nlohmann::json& j, const std::string& where, ZscoreOptions& o) {
  FINGEN_ZSCORE_OPTIONS(FG_OPTION_FROM_JSON)
}

void pairs_from_json(const nlohmann::json& j, const std::string& where, PairsOptions& o) {
  FINGEN_PAIRS_OPTIONS(FG_OPTION_FROM_JSON)
}

constexpr std::int64_t kMaxLookback = 100000;

std::vector<StrategyKind> builtin_strategies() {
  std::vector<StrategyKind> k;
  k.push_back({"buy_and_hold",
               "hold every asset at weight 1/N (the benchmark)",
               {},
               [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
                 check_option_keys(j, {}, "buy_and_hold options");
                 return std::make_unique<BuyAndHold>();
               }});
  k.push_back({"sma",
               "moving-average crossover (trend following)",
               {FINGEN_SMA_OPTIONS(FG_OPTION_INFO)},
               [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
                 const auto o = read_options<SmaOptions>(j, {FINGEN_SMA_OPTIONS(FG_OPTION_INFO)},
                                                         "sma options", sma_from_json);
                 FG_REQUIRE(o.fast() >= 1 && o.fast() < o.slow() && o.slow() <= kMaxLookback,
                            "sma options: need 1 <= fast < slow <= {}, got fast {} slow {}",
                            kMaxLookback, o.fast(), o.slow());
                 return std::make_unique<Sma>(o);
               }});
  k.push_back({"momentum",
               "time-series momentum: the sign of the past return",
               {FINGEN_MOMENTUM_OPTIONS(FG_OPTION_INFO)},
               [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
                 const auto o =
                     read_options<MomentumOptions>(j, {FINGEN_MOMENTUM_OPTIONS(FG_OPTION_INFO)},
                                                   "momentum options", momentum_from_json);
                 FG_REQUIRE(o.lookback() >= 1 && o.lookback() <= kMaxLookback,
                            "momentum options: lookback must be in [1, {}], got {}", kMaxLookback,
                            o.lookback());
                 return std::make_unique<Momentum>(o);
               }});
  k.push_back({"zscore",
               "mean reversion on the z-score of the price (Bollinger bands)",
               {FINGEN_ZSCORE_OPTIONS(FG_OPTION_INFO)},
               [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
                 const auto o =
                     read_options<ZscoreOptions>(j, {FINGEN_ZSCORE_OPTIONS(FG_OPTION_INFO)},
                                                 "zscore options", zscore_from_json);
                 FG_REQUIRE(o.lookback() >= 2 && o.lookback() <= kMaxLookback,
                            "zscore options: lookback must be in [2, {}], got {}", kMaxLookback,
                            o.lookback());
                 FG_REQUIRE(std::isfinite(o.entry()) && std::isfinite(o.exit()) && o.exit() >= 0 &&
                                o.exit() < o.entry(),
                            "zscore options: need 0 <= exit < entry, got entry {} exit {}",
                            o.entry(), o.exit());
                 return std::make_unique<Zscore>(o);
               }});
  k.push_back(
      {"model",
       "trade the one-step forecast of a fitted conditional generator",
       {FINGEN_MODEL_SIGNAL_OPTIONS(FG_OPTION_INFO)},
       [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
         const auto o =
             read_options<ModelSignalOptions>(j, {FINGEN_MODEL_SIGNAL_OPTIONS(FG_OPTION_INFO)},
                                              "model options", model_signal_from_json);
         FG_REQUIRE(!o.model().empty(), "model options: no model directory given (model=DIR)");
         FG_REQUIRE(o.threshold() > 0.5 && o.threshold() < 1,
                    "model options: threshold must be in (0.5, 1), got {}", o.threshold());
         FG_REQUIRE(o.paths() >= 10 && o.paths() <= 1000000,
                    "model options: paths must be in [10, 1000000], got {}", o.paths());
         FG_REQUIRE(o.context() >= 2 && o.context() <= kMaxLookback,
                    "model options: context must be in [2, {}], got {}", kMaxLookback, o.context());
         std::shared_ptr<scenario::ScenarioGenerator> g = scenario::load_generator(o.model());
         FG_REQUIRE(g->conditional(),
                    "model options: the '{}' model in {} does not condition on the past "
                    "(use garch or a conditional GAN)",
                    g->kind(), o.model());
         return std::make_unique<ModelSignal>(o, std::move(g));
       }});
  k.push_back({"pairs",
               "pairs trading on the z-score of a rolling-hedge-ratio spread",
               {FINGEN_PAIRS_OPTIONS(FG_OPTION_INFO)},
               [](const nlohmann::json& j) -> std::unique_ptr<Strategy> {
                 const auto o = read_options<PairsOptions>(
                     j, {FINGEN_PAIRS_OPTIONS(FG_OPTION_INFO)}, "pairs options", pairs_from_json);
                 FG_REQUIRE(o.window() >= 10 && o.window() <= kMaxLookback,
                            "pairs options: window must be in [10, {}], got {}", kMaxLookback,
                            o.window());
                 FG_REQUIRE(std::isfinite(o.entry()) && std::isfinite(o.exit()) && o.exit() >= 0 &&
                                o.exit() < o.entry(),
                            "pairs options: need 0 <= exit < entry, got entry {} exit {}",
                            o.entry(), o.exit());
                 return std::make_unique<Pairs>(o);
               }});
  return k;
}

std::map<std::string, StrategyKind>& registry() {
  static std::map<std::string, StrategyKind> kinds = [] {
    std::map<std::string, StrategyKind> m;
    for (auto& k : builtin_strategies()) {
      const std::string name = k.name;
      m.emplace(name, std::move(k));
    }
    return m;
  }();
  return kinds;
}
}  // namespace

void register_strategy(StrategyKind kind) {
  FG_REQUIRE(!kind.name.empty() && kind.make, "a strategy kind needs a name and a maker");
  const std::string name = kind.name;
  registry()[name] = std::move(kind);
}

std::vector<std::string> strategy_kinds() {
  std::vector<std::string> names;
  for (const auto& [name, k] : registry()) names.push_back(name);
  return names;
}

const StrategyKind& strategy_kind(const std::string& name) {
  const auto& r = registry();
  const auto it = r.find(name);
  FG_REQUIRE(it != r.end(), "unknown strategy '{}': expected {}", name,
             fmt::join(strategy_kinds(), ", "));
  return it->second;
}

std::unique_ptr<Strategy> make_strategy(const std::string& kind, const nlohmann::json& options,
                                        const std::string& where) {
  const StrategyKind& k = strategy_kind(kind);
  try {
    return k.make(options.is_null() ? nlohmann::json::object() : options);
  } catch (const Error& e) {
    if (where.empty()) throw;
    throw Error(e.category(), fmt::format("{}: {}", where, e.what()));
  }
}

}  // namespace fingen::trading
