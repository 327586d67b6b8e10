#include "fingen/trading/backtest.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/vmath.hpp"
#include "fingen/data/clean.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"

namespace fingen::trading {

namespace {
std::string stem_of(const std::string& file) {
  std::string stem = file.substr(file.find_last_of('/') + 1);
  return stem.substr(0, stem.find_last_of('.'));
}
}  // namespace

Market read_market(const data::ReturnsSource& source) {
  FG_REQUIRE(!source.returns, "a market needs prices, not returns ({})", source.file);
  const data::CsvDocument doc = data::CsvDocument::open(source.file);
  const data::FileFormat format = data::detect_format(doc);
  FG_REQUIRE(format != data::FileFormat::Labelled,
             "{} is a labelled table (features and a class label), not a price series",
             source.file);
  Market m;
  Panel p;
  std::size_t assets = 0;
  if (format == data::FileFormat::Ohlcv) {
    const Panel raw = data::read_ohlcv(doc, data::ReadOptions().values(ValueKind::Prices));
    const bool adjusted =
        std::find(raw.names.begin(), raw.names.end(), "adjusted") != raw.names.end();
    const std::size_t c = raw.column("close");
    p = raw.select(
        {adjusted ? raw.column("adjusted") : c, raw.column("open"), raw.column("volume")});
    if (adjusted)  // opens on the adjusted scale: open * (adjusted / close)
      p.values.col(1) = p.values.col(1).cwiseProduct(
          p.values.col(0).cwiseQuotient(raw.values.col(static_cast<Eigen::Index>(c))));
    m.names = {source.series.empty() ? stem_of(source.file) : source.series.front()};
    assets = 1;
  } else {
    p = data::read_panel(doc, data::ReadOptions().values(ValueKind::Prices).columns(source.series));
    m.names = p.names;
    assets = p.cols();
  }
  p = data::trim_to_dates(p, source);
  data::clean_missing(p, data::MissingPolicy::Drop);
  FG_CHECK(Input, p.rows() >= 2, "{}: fewer than 2 bars with prices", source.file);
  m.kind = p.kind;
  m.index = p.index;
  const auto a = static_cast<Eigen::Index>(assets);
  m.close = p.values.leftCols(a);
  if (format == data::FileFormat::Ohlcv) {
    m.open = p.values.col(1);
    m.volume = p.values.col(2);
  }
  return m;
}

Market read_market(const data::ReturnsSource& first, const std::vector<data::ReturnsSource>& more) {
  std::vector<Market> parts{read_market(first)};
  for (const auto& s : more) parts.push_back(read_market(s));
  if (parts.size() == 1) return parts.front();
  std::vector<std::string> files{first.file};
  for (const auto& s : more) files.push_back(s.file);
  // The common bars: walk all indices together (each is sorted and unique).
  std::vector<std::size_t> at(parts.size(), 0);
  std::vector<std::vector<std::size_t>> rows(parts.size());
  std::vector<std::int64_t> index;
  for (std::size_t k = 1; k < parts.size(); ++k)
    FG_CHECK(Input, parts[k].kind == parts[0].kind,
             "{} and {} have different kinds of index ({} and {})", files[0], files[k],
             to_string(parts[0].kind), to_string(parts[k].kind));
  while (true) {
    bool end = false;
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (at[k] >= parts[k].bars())
        end = true;
      else
        hi = std::max(hi, parts[k].index[at[k]]);
    }
    if (end) break;
    bool all = true;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      while (at[k] < parts[k].bars() && parts[k].index[at[k]] < hi) ++at[k];
      if (at[k] >= parts[k].bars() || parts[k].index[at[k]] != hi) all = false;
    }
    if (!all) continue;
    index.push_back(hi);
    for (std::size_t k = 0; k < parts.size(); ++k) rows[k].push_back(at[k]++);
  }
  FG_CHECK(Input, index.size() >= 2, "{} share {} bars: the series do not overlap",
           fmt::join(files, " and "), index.size());
  Market m;
  m.kind = parts[0].kind;
  m.index = index;
  bool opens = true, volumes = true;
  std::size_t assets = 0;
  for (const auto& p : parts) {
    opens = opens && p.open.size() > 0;
    volumes = volumes && p.volume.size() > 0;
    assets += p.assets();
    for (const auto& n : p.names) {
      FG_REQUIRE(std::find(m.names.begin(), m.names.end(), n) == m.names.end(),
                 "two files give a series named '{}'", n);
      m.names.push_back(n);
    }
  }
  const auto T = static_cast<Eigen::Index>(index.size()), N = static_cast<Eigen::Index>(assets);
  m.close.resize(T, N);
  if (opens) m.open.resize(T, N);
  if (volumes) m.volume.resize(T, N);
  Eigen::Index col = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    for (Eigen::Index a = 0; a < static_cast<Eigen::Index>(parts[k].assets()); ++a, ++col)
      for (Eigen::Index t = 0; t < T; ++t) {
        const auto r = static_cast<Eigen::Index>(rows[k][static_cast<std::size_t>(t)]);
        m.close(t, col) = parts[k].close(r, a);
        if (opens) m.open(t, col) = parts[k].open(r, a);
        if (volumes) m.volume(t, col) = parts[k].volume(r, a);
      }
  }
  return m;
}

void assign_log_returns(Market& m, const double* path, std::size_t horizon, std::size_t assets,
                        const std::vector<std::string>& names, double start_price) {
  const auto T = static_cast<Eigen::Index>(horizon + 1), N = static_cast<Eigen::Index>(assets);
  if (m.kind != IndexKind::Observation || m.index.size() != horizon + 1) {
    m.kind = IndexKind::Observation;
    m.index.resize(horizon + 1);
    for (std::size_t t = 0; t <= horizon; ++t) m.index[t] = static_cast<std::int64_t>(t);
  }
  if (m.names != names) m.names = names;
  m.close.resize(T, N);  // no reallocation when the shape is unchanged
  m.open.resize(0, 0);
  m.volume.resize(0, 0);
  for (Eigen::Index i = 0; i < N; ++i) {
    double* c = m.close.col(i).data();
    // The growth factors exp(r_t) first, vectorised (core/vmath.hpp), then the running
    // product: the exponentials no longer sit in the loop that carries the price.
    double* growth = c + 1;
    if (N == 1) {
      exp_into(path, growth, horizon);
    } else {
      for (std::size_t t = 0; t < horizon; ++t)
        growth[t] = path[t * assets + static_cast<std::size_t>(i)];
      exp_into(growth, growth, horizon);
    }
    // The running product four bars at a time: the products of each four factors do not
    // depend on the price, so the loop carries one multiplication per four bars.
    double price = c[0] = start_price;
    Eigen::Index t = 1;
    for (; t + 4 <= T; t += 4) {
      const double g1 = c[t], g2 = g1 * c[t + 1], g3 = g2 * c[t + 2], g4 = g3 * c[t + 3];
      c[t] = price * g1;
      c[t + 1] = price * g2;
      c[t + 2] = price * g3;
      c[t + 3] = price *= g4;
    }
    for (; t < T; ++t) c[t] = price *= c[t];
  }
}

Market market_from_log_returns(const double* path, std::size_t horizon, std::size_t assets,
                               const std::vector<std::string>& names, double start_price) {
  Market m;
  assign_log_returns(m, path, horizon, assets, names, start_price);
  return m;
}

// --- options ---

CostOptions CostOptions::none() {
  return CostOptions()
      .commission_bps(0)
      .commission_fixed(0)
      .spread_bps(0)
      .slippage_bps(0)
      .impact_coefficient(0)
      .borrow_bps(0);
}

std::vector<OptionInfo> CostOptions::info() {
  return {FINGEN_COST_OPTIONS(FG_OPTION_INFO)};
}

std::vector<OptionInfo> BacktestOptions::info() {
  std::vector<OptionInfo> all = {FINGEN_BACKTEST_OPTIONS(FG_OPTION_INFO)};
  for (auto& c : CostOptions::info()) all.push_back(std::move(c));
  return all;
}

namespace {
void costs_from_json(const nlohmann::json& j, const std::string& where, CostOptions& o) {
  FINGEN_COST_OPTIONS(FG_OPTION_FROM_JSON)
}
void costs_to_json(const CostOptions& o, nlohmann::json& j) {
  FINGEN_COST_OPTIONS(FG_OPTION_TO_JSON)
}
}  // namespace

BacktestOptions BacktestOptions::from_json(const nlohmann::json& j, const std::string& where) {
  FG_REQUIRE(j.is_object(), "{} must be a JSON object", where);
  check_option_keys(j, info(), where);
  BacktestOptions o;
  FINGEN_BACKTEST_OPTIONS(FG_OPTION_FROM_JSON)
  costs_from_json(j, where, o.costs());
  o.validate();
  return o;
}

nlohmann::json BacktestOptions::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  const BacktestOptions& o = *this;
  FINGEN_BACKTEST_OPTIONS(FG_OPTION_TO_JSON)
  costs_to_json(costs(), j);
  return j;
}

void BacktestOptions::validate() const {
  FG_REQUIRE(std::isfinite(initial_capital()) && initial_capital() > 0,
             "initial_capital must be positive, got {}", initial_capital());
  FG_REQUIRE(fill() == "next_open" || fill() == "next_close",
             "fill must be next_open or next_close, got '{}'", fill());
  FG_REQUIRE(rebalance() == "on_change" || rebalance() == "every_bar",
             "rebalance must be on_change or every_bar, got '{}'", rebalance());
  FG_REQUIRE(std::isfinite(max_leverage()) && max_leverage() > 0 && max_leverage() <= 100,
             "max_leverage must be in (0, 100], got {}", max_leverage());
  FG_REQUIRE(std::isfinite(periods_per_year()) && periods_per_year() > 0,
             "periods_per_year must be positive, got {}", periods_per_year());
  const CostOptions& c = costs();
  for (const auto& [name, v] :
       {std::pair<const char*, double>{"commission_bps", c.commission_bps()},
        {"commission_fixed", c.commission_fixed()},
        {"spread_bps", c.spread_bps()},
        {"slippage_bps", c.slippage_bps()},
        {"impact_coefficient", c.impact_coefficient()},
        {"borrow_bps", c.borrow_bps()}})
    FG_REQUIRE(std::isfinite(v) && v >= 0 && v <= 1e4, "{} must be in [0, 10000], got {}", name, v);
}

// --- the engine ---

namespace {
constexpr std::size_t kVolWindow = 20;  // returns behind the impact model's volatility

// The engine is compiled twice: for any x86-64 CPU and, where the CPU has AVX2, with its
// three-operand (VEX) encoding of the same SSE2 operations (~7% faster; core/vmath.hpp's
// avx2_kernels() chooses). No FMA is enabled, so both compute the same IEEE operations and give
// the same bits (tested).
#if defined(__x86_64__) && defined(__GNUC__)
#define FINGEN_AVX2_KERNEL 1
#define FINGEN_INLINE inline __attribute__((always_inline))
#else
#define FINGEN_INLINE inline
#endif

// Standard deviation (ddof 1) of the log returns over bars [max(1, t - 20), t - 1] of the closes
// c (one asset's column).
double recent_volatility(const double* c, std::size_t t) {
  const std::size_t first = t > kVolWindow ? t - kVolWindow : 1;
  if (t < first + 2) return 0;
  const std::size_t n = t - first;
  double mean = 0;
  for (std::size_t k = first; k < t; ++k) mean += std::log(c[k] / c[k - 1]);
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t k = first; k < t; ++k) {
    const double r = std::log(c[k] / c[k - 1]) - mean;
    ss += r * r;
  }
  return std::sqrt(ss / static_cast<double>(n - 1));
}

// Storage for N per-asset values: a std::array when N is known at compile time (NC > 0, the
// single-asset case), so that it lives in registers, else a vector sized at run time.
template <int NC, class V>
struct PerAsset {
  std::array<V, NC> v{};
  void init(Eigen::Index, V x) { v.fill(x); }
  V& operator[](Eigen::Index i) { return v[static_cast<std::size_t>(i)]; }
  const V& operator[](Eigen::Index i) const { return v[static_cast<std::size_t>(i)]; }
  std::array<V, NC> view() const { return v; }  // a copy: no aliasing, and in registers
};
template <class V>
struct PerAsset<Eigen::Dynamic, V> {
  std::vector<V> v;
  void init(Eigen::Index n, V x) { v.assign(static_cast<std::size_t>(n), x); }
  V& operator[](Eigen::Index i) { return v[static_cast<std::size_t>(i)]; }
  const V& operator[](Eigen::Index i) const { return v[static_cast<std::size_t>(i)]; }
  const V* view() const { return v.data(); }
};

// Both accounts, gross (lane 0) and net (lane 1), side by side in the lanes of Lanes2: marking
// them costs what marking one costs. Trades are rare and done lane by lane.
template <int NC>
struct Books {
  static constexpr int kGross = 0, kNet = 1;
  Lanes2 rate{};    // commission + half spread + slippage per unit of notional
  Lanes2 fixed{};   // commission per order
  Lanes2 impact{};  // square-root impact coefficient (0: none)
  Lanes2 borrow{};  // per bar, per unit of short value
  Lanes2 cash{}, costs{}, notional{};
  std::array<std::size_t, 2> fills{};
  PerAsset<NC, Lanes2> q;  // holdings
  BasicMetricsAccumulator<Lanes2> acc{Lanes2{} + 1.0};
  Eigen::Index bad = 0;  // the first bar whose equity is not finite (0: none)
  std::array<double*, 2> equity{}, exposure{};  // curves (keep_curves), one value per bar
};

// Column-major T x N data as a plain pointer: element (t, i) at p[t + i T].
struct Columns {
  const double* p;
  Eigen::Index T;
  double operator()(Eigen::Index t, Eigen::Index i) const { return p[t + i * T]; }
};

// Step 4 on bars [from, to), which trade nothing: borrow on short positions, equity and exposure
// at the close, both books at once.
template <int NC>
FINGEN_INLINE void mark(Books<NC>& k, Columns C, Eigen::Index N, Eigen::Index from,
                        Eigen::Index to) {
  if (from >= to) return;
  bool flat = true, shorts = false;
  for (Eigen::Index i = 0; i < N; ++i) {
    flat = flat && !lanes::any(k.q[i] != Lanes2{});
    shorts = shorts || lanes::any(k.q[i] < Lanes2{});
  }
  if (flat) {
    // Nothing held (out of the market, as trend followers are much of the time): the equity is
    // the cash on every bar, so the whole stretch is one update.
    const Lanes2 e = k.cash;
    if (lanes::any((e - e) != Lanes2{}) && k.bad == 0) k.bad = from;
    k.acc.add_flat(e, static_cast<std::size_t>(to - from));
    for (int j = 0; j < 2; ++j)
      if (k.equity[j]) std::fill(k.equity[j] + from, k.equity[j] + to, e[j]);  // exposure 0
    return;
  }
  // Holdings are fixed over the stretch and prices positive, so only short holdings pay borrow.
  const bool borrows = shorts && lanes::any(k.borrow > Lanes2{});
  // The bars, on local copies of what the loop reads or changes (locals whose address never
  // escapes stay in registers; fields reached through a reference are reloaded after every
  // store). Without `find_bad` no bar is tested for a non-finite equity: the accumulator's sums
  // tell afterwards, and only then are the bars run again, from the state in `k`, to name the
  // first.
  const auto run = [&](auto find_bad) {
    const auto q = k.q.view();
    const Lanes2 borrow_rate = k.borrow;
    Lanes2 cash = k.cash, costs = k.costs;
    BasicMetricsAccumulator<Lanes2> acc = k.acc;
    const auto curves = k.equity;
    const auto exposures = k.exposure;
    for (Eigen::Index t = from; t < to; ++t) {
      Lanes2 value{}, gross_value{};
      for (Eigen::Index i = 0; i < N; ++i) {
        const Lanes2 v = q[i] * C(t, i);
        value += v;
        gross_value += lanes::abs(v);
      }
      if (borrows) {
        Lanes2 short_value{};
        for (Eigen::Index i = 0; i < N; ++i) {
          const Lanes2 v = q[i] * C(t, i);
          short_value -= lanes::select(v < Lanes2{}, v, Lanes2{});
        }
        const auto pays = (short_value > Lanes2{}) & (borrow_rate > Lanes2{});
        const Lanes2 fee = lanes::select(pays, short_value * borrow_rate, Lanes2{});
        cash -= fee;
        costs += fee;
      }
      const Lanes2 e = cash + value;
      if (decltype(find_bad)::value && lanes::any((e - e) != Lanes2{})) {
        k.bad = t;  // e - e: 0 unless e is inf or NaN
        return true;
      }
      const Lanes2 x = acc.add_value(e, gross_value);
      if (curves[0]) {
        for (int j = 0; j < 2; ++j) {
          curves[j][t] = e[j];
          exposures[j][t] = x[j];
        }
      }
    }
    if (!decltype(find_bad)::value && !acc.finite()) return false;
    k.cash = cash;
    k.costs = costs;
    k.acc = acc;
    return true;
  };
  if (!run(std::false_type{})) run(std::true_type{});
}

template <int NC>
FINGEN_INLINE void simulate(const Market& mk, const Eigen::MatrixXd& W, const BacktestOptions& o,
                            bool keep_fills, bool keep_curves, const std::vector<char>& forced,
                            Run& gross, Run& net) {
  const auto T = static_cast<Eigen::Index>(mk.bars());
  const Eigen::Index N = NC == Eigen::Dynamic ? static_cast<Eigen::Index>(mk.assets()) : NC;
  const bool at_open = o.fill() == "next_open" && mk.open.size() > 0;
  const bool has_volume = mk.volume.size() > 0;
  const bool every_bar = o.rebalance() == "every_bar";
  const bool whole = o.whole_shares();
  const double lmax = o.max_leverage();
  const CostOptions& c = o.costs();
  using B = Books<NC>;
  B k;
  Run* runs[2] = {&gross, &net};
  k.cash = Lanes2{} + o.initial_capital();
  k.acc = BasicMetricsAccumulator<Lanes2>(k.cash);
  k.q.init(N, Lanes2{});
  if (keep_curves) {
    for (int j = 0; j < 2; ++j) {
      runs[j]->equity.assign(static_cast<std::size_t>(T), o.initial_capital());
      runs[j]->gross_exposure.assign(static_cast<std::size_t>(T), 0.0);
      k.equity[j] = runs[j]->equity.data();
      k.exposure[j] = runs[j]->gross_exposure.data();
    }
  }
  k.rate[B::kNet] = (c.commission_bps() + c.spread_bps() / 2 + c.slippage_bps()) * 1e-4;
  k.fixed[B::kNet] = c.commission_fixed();
  k.impact[B::kNet] = has_volume ? c.impact_coefficient() : 0.0;
  k.borrow[B::kNet] = c.borrow_bps() * 1e-4 / o.periods_per_year();
  const Columns X{(at_open ? mk.open : mk.close).data(), T}, C{mk.close.data(), T}, Wc{W.data(), T},
      V{has_volume ? mk.volume.data() : nullptr, T};
  PerAsset<NC, double> w;
  PerAsset<NC, char> changed;
  w.init(N, 0.0);
  changed.init(N, 0);
  // Whether bar t trades: every asset on every-bar or forced rebalancing, else those whose
  // target changed (the decision of t - 1 against that of t - 2; W[-1] = 0).
  const auto all_trade = [&](Eigen::Index t) {
    return every_bar || (!forced.empty() && forced[static_cast<std::size_t>(t - 1)]);
  };
  const auto changes = [&](Eigen::Index t, Eigen::Index i) {
    return t == 1 ? Wc(0, i) != 0 : Wc(t - 1, i) != Wc(t - 2, i);
  };
  const auto trades = [&](Eigen::Index t) {
    if (all_trade(t)) return true;
    for (Eigen::Index i = 0; i < N; ++i)
      if (changes(t, i)) return true;
    return false;
  };
  // Steps 2 and 3 for one book (lane j) on a bar with a change.
  const auto trade = [&](int j, Eigen::Index t) {
    Run& run = *runs[j];
    // 2. Equity at the fill prices, before this bar's trades.
    double ex = k.cash[j];
    for (Eigen::Index i = 0; i < N; ++i) ex += k.q[i][j] * X(t, i);
    for (Eigen::Index i = 0; i < N; ++i) {
      if (!changed[i]) continue;
      const double price = X(t, i);
      double target = w[i] * ex / price;
      if (whole) target = std::trunc(target);
      const double d = target - k.q[i][j];
      if (d == 0) continue;
      // 3. Costs of the fill.
      const double notional = std::abs(d) * price;
      double cost = k.rate[j] * notional + k.fixed[j];
      if (k.impact[j] > 0) {
        const double v = V(t - 1, i);
        if (v > 0)
          cost += k.impact[j] * recent_volatility(C.p + i * T, static_cast<std::size_t>(t)) *
                  std::sqrt(std::abs(d) / v) * notional;
      }
      k.cash[j] -= d * price + cost;
      k.q[i][j] += d;  // as the rules say: q_i += d_i
      k.costs[j] += cost;
      k.notional[j] += notional;
      ++k.fills[static_cast<std::size_t>(j)];
      if (keep_fills)
        run.fills.push_back(
            {static_cast<std::size_t>(t), static_cast<std::size_t>(i), d, price, cost});
    }
  };
  for (Eigen::Index t = 1; t < T;) {
    if (trades(t)) {
      // 1. Targets decided at the close of t - 1, scaled to the leverage limit.
      const bool all = all_trade(t);
      for (Eigen::Index i = 0; i < N; ++i) changed[i] = all || changes(t, i);
      double g = 0;
      for (Eigen::Index i = 0; i < N; ++i) g += std::abs(Wc(t - 1, i));
      FG_REQUIRE(std::isfinite(g), "the strategy gave non-finite weights");
      const double scale = g > lmax ? lmax / g : 1.0;
      for (Eigen::Index i = 0; i < N; ++i) w[i] = Wc(t - 1, i) * scale;
      trade(B::kGross, t);
      trade(B::kNet, t);
    }
    // This bar and the bars after it that trade nothing (most bars of a trend-following
    // strategy) hold the same positions: one stretch to mark.
    Eigen::Index end = t + 1;
    if (N == 1 && !every_bar && forced.empty()) {
      // One asset traded on changes: the next bar whose decision differs from the one before.
      const double* d = Wc.p + end - 2;  // d[0] is W[end - 2], d[1] W[end - 1]
      while (end < T && d[1] == d[0]) ++end, ++d;
    } else {
      while (end < T && !trades(end)) ++end;
    }
    mark(k, C, N, t, end);
    t = end;
  }
  FG_CHECK(Runtime, k.bad == 0, "the equity became non-finite at bar {}", k.bad);
  for (int j = 0; j < 2; ++j) {
    Run& run = *runs[j];
    run.costs = k.costs[j];
    run.traded_notional = k.notional[j];
    run.metrics = k.acc.lane(j).finish(k.notional[j], k.fills[static_cast<std::size_t>(j)],
                                       o.periods_per_year());
  }
}
#if defined(FINGEN_AVX2_KERNEL)
template <int NC>
__attribute__((target("avx2"))) void run_engine_avx2(const Market& mk, const Eigen::MatrixXd& W,
                                                     const BacktestOptions& o, bool keep_fills,
                                                     bool keep_curves,
                                                     const std::vector<char>& forced, Run& gross,
                                                     Run& net) {
  simulate<NC>(mk, W, o, keep_fills, keep_curves, forced, gross, net);
}
#endif

template <int NC>
void engine(const Market& mk, const Eigen::MatrixXd& W, const BacktestOptions& o, bool keep_fills,
            bool keep_curves, const std::vector<char>& forced, Run& gross, Run& net) {
#if defined(FINGEN_AVX2_KERNEL)
  if (avx2_kernels())
    return run_engine_avx2<NC>(mk, W, o, keep_fills, keep_curves, forced, gross, net);
#endif
  simulate<NC>(mk, W, o, keep_fills, keep_curves, forced, gross, net);
}
}  // namespace

BacktestResult backtest(const Market& market, const Eigen::MatrixXd& weights,
                        const BacktestOptions& options, bool keep_fills, bool keep_curves,
                        const std::vector<char>& rebalance_at) {
  options.validate();
  FG_REQUIRE(market.bars() >= 2, "a backtest needs at least 2 bars, got {}", market.bars());
  FG_REQUIRE(static_cast<std::size_t>(weights.rows()) == market.bars() &&
                 static_cast<std::size_t>(weights.cols()) == market.assets(),
             "weights are {} x {}, the market {} bars x {} assets", weights.rows(), weights.cols(),
             market.bars(), market.assets());
  // Weights are checked where a trade reads them (every other row repeats one that was), and
  // the last row, which is never filled.
  FG_REQUIRE(weights.row(weights.rows() - 1).allFinite(), "the strategy gave non-finite weights");
  BacktestResult r;
  FG_REQUIRE(rebalance_at.empty() || rebalance_at.size() == market.bars(),
             "{} rebalancing flags for {} bars", rebalance_at.size(), market.bars());
  // One engine, compiled for one asset (the per-asset loops vanish and the holdings are
  // scalars) and for any number.
  if (market.assets() == 1)
    engine<1>(market, weights, options, keep_fills, keep_curves, rebalance_at, r.gross, r.net);
  else
    engine<Eigen::Dynamic>(market, weights, options, keep_fills, keep_curves, rebalance_at, r.gross,
                           r.net);
  return r;
}

}  // namespace fingen::trading
