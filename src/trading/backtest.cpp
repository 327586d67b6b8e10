#include "fingen/trading/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
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

Market market_from_log_returns(const double* path, std::size_t horizon, std::size_t assets,
                               const std::vector<std::string>& names, double start_price) {
  Market m;
  m.kind = IndexKind::Observation;
  m.names = names;
  const auto T = static_cast<Eigen::Index>(horizon + 1), N = static_cast<Eigen::Index>(assets);
  m.close.resize(T, N);
  m.index.resize(horizon + 1);
  for (Eigen::Index i = 0; i < N; ++i) m.close(0, i) = start_price;
  for (Eigen::Index t = 1; t < T; ++t) {
    m.index[static_cast<std::size_t>(t)] = t;
    for (Eigen::Index i = 0; i < N; ++i)
      m.close(t, i) = m.close(t - 1, i) * std::exp(path[(t - 1) * N + i]);
  }
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

// Standard deviation (ddof 1) of the log returns of asset i over bars [max(1, t - 20), t - 1].
double recent_volatility(const Eigen::MatrixXd& close, std::size_t t, Eigen::Index i) {
  const std::size_t first = t > kVolWindow ? t - kVolWindow : 1;
  if (t < first + 2) return 0;
  const std::size_t n = t - first;
  double mean = 0;
  for (std::size_t k = first; k < t; ++k)
    mean += std::log(close(static_cast<Eigen::Index>(k), i) /
                     close(static_cast<Eigen::Index>(k - 1), i));
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t k = first; k < t; ++k) {
    const double r = std::log(close(static_cast<Eigen::Index>(k), i) /
                              close(static_cast<Eigen::Index>(k - 1), i)) -
                     mean;
    ss += r * r;
  }
  return std::sqrt(ss / static_cast<double>(n - 1));
}

Run simulate(const Market& mk, const Eigen::MatrixXd& W, const BacktestOptions& o,
             const CostOptions& c, bool keep_fills, bool keep_curves) {
  const auto T = static_cast<Eigen::Index>(mk.bars()), N = static_cast<Eigen::Index>(mk.assets());
  const bool at_open = o.fill() == "next_open" && mk.open.size() > 0;
  const bool has_volume = mk.volume.size() > 0;
  const bool every_bar = o.rebalance() == "every_bar";
  std::vector<double> q(static_cast<std::size_t>(N), 0.0);
  double cash = o.initial_capital();
  Run run;
  std::size_t fills = 0;
  MetricsAccumulator acc(cash);
  if (keep_curves) {
    run.equity.reserve(static_cast<std::size_t>(T));
    run.gross_exposure.reserve(static_cast<std::size_t>(T));
    run.equity.push_back(cash);
    run.gross_exposure.push_back(0);
  }
  Eigen::VectorXd w(N);
  const auto& X = at_open ? mk.open : mk.close;
  const double borrow_rate = c.borrow_bps() * 1e-4 / o.periods_per_year();
  for (Eigen::Index t = 1; t < T; ++t) {
    // Which targets changed (the decision of t - 1 against that of t - 2; W[-1] = 0). A bar
    // without a change and without every-bar rebalancing has no trade: steps 1-3 are skipped.
    bool any = every_bar;
    for (Eigen::Index i = 0; i < N && !any; ++i)
      any = t == 1 ? W(0, i) != 0 : W(t - 1, i) != W(t - 2, i);
    if (any) {
      // 1. Targets decided at the close of t - 1, scaled to the leverage limit.
      w = W.row(t - 1).transpose();
      const double gross = w.cwiseAbs().sum();
      if (gross > o.max_leverage()) w *= o.max_leverage() / gross;
      // 2. Equity at the fill prices, before this bar's trades.
      double ex = cash;
      for (Eigen::Index i = 0; i < N; ++i) ex += q[static_cast<std::size_t>(i)] * X(t, i);
      for (Eigen::Index i = 0; i < N; ++i) {
        const bool changed = t == 1 ? W(0, i) != 0 : W(t - 1, i) != W(t - 2, i);
        if (!every_bar && !changed) continue;
        const double price = X(t, i);
        double target = w(i) * ex / price;
        if (o.whole_shares()) target = std::trunc(target);
        double& held = q[static_cast<std::size_t>(i)];
        const double d = target - held;
        if (d == 0) continue;
        // 3. Costs of the fill.
        const double notional = std::abs(d) * price;
        double cost = c.commission_bps() * 1e-4 * notional + c.commission_fixed() +
                      c.spread_bps() / 2 * 1e-4 * notional + c.slippage_bps() * 1e-4 * notional;
        if (has_volume && c.impact_coefficient() > 0) {
          const double v = mk.volume(t - 1, i);
          if (v > 0)
            cost += c.impact_coefficient() *
                    recent_volatility(mk.close, static_cast<std::size_t>(t), i) *
                    std::sqrt(std::abs(d) / v) * notional;
        }
        cash -= d * price + cost;
        held += d;  // as the rules say: q_i += d_i
        run.costs += cost;
        run.traded_notional += notional;
        ++fills;
        if (keep_fills)
          run.fills.push_back(
              {static_cast<std::size_t>(t), static_cast<std::size_t>(i), d, price, cost});
      }
    }
    // 4. Borrow on short positions, equity and exposure at the close.
    double value = 0, gross_value = 0, short_value = 0;
    for (Eigen::Index i = 0; i < N; ++i) {
      const double v = q[static_cast<std::size_t>(i)] * mk.close(t, i);
      value += v;
      gross_value += std::abs(v);
      if (v < 0) short_value -= v;
    }
    if (short_value > 0) {
      const double borrow = short_value * borrow_rate;
      cash -= borrow;
      run.costs += borrow;
    }
    const double e = cash + value;
    FG_CHECK(Runtime, std::isfinite(e), "the equity became non-finite at bar {}", t);
    const double x = gross_value == 0 ? 0.0
                     : e > 0          ? gross_value / e
                                      : std::numeric_limits<double>::infinity();
    acc.add(e, x);
    if (keep_curves) {
      run.equity.push_back(e);
      run.gross_exposure.push_back(x);
    }
  }
  run.metrics = acc.finish(run.traded_notional, fills, o.periods_per_year());
  return run;
}
}  // namespace

BacktestResult backtest(const Market& market, const Eigen::MatrixXd& weights,
                        const BacktestOptions& options, bool keep_fills, bool keep_curves) {
  options.validate();
  FG_REQUIRE(market.bars() >= 2, "a backtest needs at least 2 bars, got {}", market.bars());
  FG_REQUIRE(static_cast<std::size_t>(weights.rows()) == market.bars() &&
                 static_cast<std::size_t>(weights.cols()) == market.assets(),
             "weights are {} x {}, the market {} bars x {} assets", weights.rows(), weights.cols(),
             market.bars(), market.assets());
  FG_REQUIRE(weights.allFinite(), "the strategy gave non-finite weights");
  BacktestResult r;
  r.gross = simulate(market, weights, options, CostOptions::none(), keep_fills, keep_curves);
  r.net = simulate(market, weights, options, options.costs(), keep_fills, keep_curves);
  return r;
}

}  // namespace fingen::trading
