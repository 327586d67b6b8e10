#include "fingen/trading/search.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>

#include "fingen/core/error.hpp"
#include "fingen/trading/strategy.hpp"

namespace fingen::trading {

namespace {
constexpr double kEulerGamma = 0.5772156649015329;

// Sharpe (mean / sd, ddof 1) of r[first, end); NaN when undefined.
double sharpe(const std::vector<double>& r, std::size_t first, std::size_t end) {
  if (end < first + 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0;
  for (std::size_t t = first; t < end; ++t) mean += r[t];
  mean /= static_cast<double>(end - first);
  double ss = 0;
  for (std::size_t t = first; t < end; ++t) ss += (r[t] - mean) * (r[t] - mean);
  const double sd = std::sqrt(ss / static_cast<double>(end - first - 1));
  return sd > 0 ? mean / sd : std::numeric_limits<double>::quiet_NaN();
}

// NaN ranks lowest.
bool higher(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a > b;
}

std::size_t argmax(const std::vector<double>& v) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < v.size(); ++k)
    if (higher(v[k], v[best])) best = k;
  return best;
}

// The grid's combinations: names sorted, the last varying fastest.
std::vector<nlohmann::json> combinations(const nlohmann::json& grid) {
  FG_REQUIRE(grid.is_object() && !grid.empty(),
             "the grid needs at least one option with a list of values");
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> axes;
  for (const auto& [name, values] : grid.items()) {  // nlohmann objects iterate sorted
    FG_REQUIRE(values.is_array() && !values.empty(), "grid option '{}' needs a list of values",
               name);
    axes.emplace_back(name, std::vector<nlohmann::json>(values.begin(), values.end()));
  }
  std::vector<nlohmann::json> out;
  std::vector<std::size_t> at(axes.size(), 0);
  constexpr std::size_t kMaxCombinations = 10000;
  while (true) {
    nlohmann::json c = nlohmann::json::object();
    for (std::size_t a = 0; a < axes.size(); ++a) c[axes[a].first] = axes[a].second[at[a]];
    out.push_back(std::move(c));
    FG_REQUIRE(out.size() <= kMaxCombinations, "the grid has more than {} combinations",
               kMaxCombinations);
    std::size_t a = axes.size();
    while (a > 0 && ++at[a - 1] == axes[a - 1].second.size()) at[--a] = 0;
    if (a == 0) break;
  }
  return out;
}

double deflated_sharpe(const std::vector<Combination>& combos, std::size_t best,
                       const std::vector<double>& r) {
  const std::size_t N = combos.size();
  if (N < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0;
  std::size_t finite = 0;
  for (const auto& c : combos)
    if (std::isfinite(c.bar_sharpe)) {
      mean += c.bar_sharpe;
      ++finite;
    }
  if (finite < 2) return std::numeric_limits<double>::quiet_NaN();
  mean /= static_cast<double>(finite);
  double V = 0;
  for (const auto& c : combos)
    if (std::isfinite(c.bar_sharpe)) V += (c.bar_sharpe - mean) * (c.bar_sharpe - mean);
  V /= static_cast<double>(finite - 1);
  const boost::math::normal z;
  const double n_trials = static_cast<double>(N);
  const double sr0 = std::sqrt(V) * ((1 - kEulerGamma) * quantile(z, 1 - 1 / n_trials) +
                                     kEulerGamma * quantile(z, 1 - 1 / (n_trials * M_E)));
  const double sr = combos[best].bar_sharpe;
  const auto n = static_cast<double>(r.size());
  double m = 0;
  for (double x : r) m += x;
  m /= n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : r) {
    const double d = x - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const double g3 = m3 / std::pow(m2, 1.5), g4 = m4 / (m2 * m2);
  const double denom = 1 - g3 * sr + (g4 - 1) / 4 * sr * sr;
  if (!(denom > 0) || !std::isfinite(sr)) return std::numeric_limits<double>::quiet_NaN();
  return cdf(z, (sr - sr0) * std::sqrt(n - 1) / std::sqrt(denom));
}

// CSCV over S blocks of the returns (the first n mod S dropped).
double pbo(const std::vector<std::vector<double>>& returns, std::size_t S, std::size_t& splits) {
  const std::size_t N = returns.size();
  splits = 0;
  if (N < 2) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = returns[0].size(), len = n / S, skip = n % S;
  FG_REQUIRE(len >= 2, "{} returns are too few for {} CSCV blocks", n, S);
  // Per block and combination: sum and sum of squares, so each split's Sharpe is a few adds.
  std::vector<std::vector<double>> sum(N, std::vector<double>(S)), sq(N, std::vector<double>(S));
  for (std::size_t c = 0; c < N; ++c)
    for (std::size_t b = 0; b < S; ++b)
      for (std::size_t t = skip + b * len; t < skip + (b + 1) * len; ++t) {
        sum[c][b] += returns[c][t];
        sq[c][b] += returns[c][t] * returns[c][t];
      }
  // Sharpe from block sums (mean / sd ddof 1) over the blocks in `in`.
  auto split_sharpe = [&](std::size_t c, const std::vector<bool>& in, bool inside) {
    double s = 0, q = 0;
    std::size_t m = 0;
    for (std::size_t b = 0; b < S; ++b)
      if (in[b] == inside) {
        s += sum[c][b];
        q += sq[c][b];
        m += len;
      }
    const double mean = s / static_cast<double>(m);
    const double var = (q - static_cast<double>(m) * mean * mean) / static_cast<double>(m - 1);
    return var > 0 ? mean / std::sqrt(var) : std::numeric_limits<double>::quiet_NaN();
  };
  std::vector<bool> in(S, false);
  std::fill(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(S / 2), true);
  std::size_t overfit = 0;
  // prev_permutation over a true-first mask enumerates the block sets in lexicographic order.
  do {
    std::vector<double> is(N), oos(N);
    for (std::size_t c = 0; c < N; ++c) {
      is[c] = split_sharpe(c, in, true);
      oos[c] = split_sharpe(c, in, false);
    }
    const std::size_t chosen = argmax(is);
    std::size_t rank = 1;
    for (std::size_t c = 0; c < N; ++c)
      if (higher(oos[chosen], oos[c])) ++rank;
    const double w = static_cast<double>(rank) / static_cast<double>(N + 1);
    if (std::log(w / (1 - w)) <= 0) ++overfit;
    ++splits;
  } while (std::prev_permutation(in.begin(), in.end()));
  return static_cast<double>(overfit) / static_cast<double>(splits);
}
}  // namespace

SearchResult grid_search(const Market& market, const std::string& strategy,
                         const nlohmann::json& grid, const BacktestOptions& options,
                         const SearchOptions& search) {
  FG_REQUIRE(search.blocks >= 2 && search.blocks % 2 == 0,
             "the number of CSCV blocks must be even and at least 2, got {}", search.blocks);
  FG_REQUIRE(search.train >= 2 && search.test >= 2, "train and test windows need 2 bars or more");
  FG_REQUIRE(1 + search.train + search.test <= market.bars(),
             "{} bars are too few for one fold of {} train and {} test bars", market.bars(),
             search.train, search.test);
  strategy_kind(strategy);  // unknown kinds fail before the grid is read
  SearchResult res;
  res.strategy = strategy;
  std::vector<std::vector<double>> returns;  // per combination, r_t at index t - 1
  for (const auto& opts : combinations(grid)) {
    std::unique_ptr<Strategy> s;
    try {
      s = make_strategy(strategy, opts, "");
    } catch (const Error& e) {
      if (e.category() != ErrorCategory::Usage) throw;
      // An option the strategy does not have is a mistake, not a skipped combination.
      FG_REQUIRE(std::string(e.what()).find("unknown") == std::string::npos, "grid: {}", e.what());
      ++res.skipped;
      continue;
    }
    const BacktestResult b = backtest(market, s->weights(market), options, false, true);
    std::vector<double> r(market.bars() - 1);
    for (std::size_t t = 1; t < market.bars(); ++t)
      r[t - 1] = b.net.equity[t] / b.net.equity[t - 1] - 1;
    Combination c;
    c.options = opts;
    c.full = b.net.metrics;
    c.bar_sharpe = sharpe(r, 0, r.size());
    res.combinations.push_back(std::move(c));
    returns.push_back(std::move(r));
  }
  FG_REQUIRE(!res.combinations.empty(), "no valid combination in the grid ({} refused)",
             res.skipped);
  std::vector<double> full(res.combinations.size());
  for (std::size_t k = 0; k < full.size(); ++k) full[k] = res.combinations[k].bar_sharpe;
  res.best = argmax(full);

  // Walk-forward over bars (returns index = bar - 1).
  const double ann = std::sqrt(options.periods_per_year());
  std::vector<double> oos;
  double train_sum = 0;
  for (std::size_t a = 1; a + search.train + search.test <= market.bars(); a += search.test) {
    Fold f;
    f.train_first = a;
    f.test_first = a + search.train;
    f.test_end = f.test_first + search.test;
    std::vector<double> is(returns.size());
    for (std::size_t k = 0; k < returns.size(); ++k)
      is[k] = sharpe(returns[k], f.train_first - 1, f.test_first - 1);
    f.chosen = argmax(is);
    f.train_sharpe = is[f.chosen] * ann;
    f.test_sharpe = sharpe(returns[f.chosen], f.test_first - 1, f.test_end - 1) * ann;
    for (std::size_t t = f.test_first; t < f.test_end; ++t) oos.push_back(returns[f.chosen][t - 1]);
    train_sum += f.train_sharpe;
    res.folds.push_back(f);
  }
  res.mean_train_sharpe = train_sum / static_cast<double>(res.folds.size());
  res.oos_sharpe = sharpe(oos, 0, oos.size()) * ann;
  double growth = 1;
  for (double x : oos) growth *= 1 + x;
  res.oos_total_return = growth - 1;
  res.deflated_sharpe = deflated_sharpe(res.combinations, res.best, returns[res.best]);
  res.pbo = pbo(returns, search.blocks, res.cscv_splits);
  return res;
}

nlohmann::json to_json(const SearchResult& r) {
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json combos = nlohmann::json::array(), folds = nlohmann::json::array();
  for (const auto& c : r.combinations)
    combos.push_back(
        {{"options", c.options}, {"metrics", to_json(c.full)}, {"bar_sharpe", num(c.bar_sharpe)}});
  for (const auto& f : r.folds)
    folds.push_back({{"train_first", f.train_first},
                     {"test_first", f.test_first},
                     {"test_end", f.test_end},
                     {"chosen", f.chosen},
                     {"train_sharpe", num(f.train_sharpe)},
                     {"test_sharpe", num(f.test_sharpe)}});
  return {{"strategy", r.strategy},
          {"combinations", combos},
          {"skipped", r.skipped},
          {"best", r.best},
          {"folds", folds},
          {"oos_sharpe", num(r.oos_sharpe)},
          {"oos_total_return", num(r.oos_total_return)},
          {"mean_train_sharpe", num(r.mean_train_sharpe)},
          {"deflated_sharpe", num(r.deflated_sharpe)},
          {"pbo", num(r.pbo)},
          {"cscv_splits", r.cscv_splits}};
}

}  // namespace fingen::trading
