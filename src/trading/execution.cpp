#include "fingen/trading/execution.hpp"

#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "fingen/core/error.hpp"

namespace fingen::trading {

namespace {
constexpr std::size_t kVolWindow = 20;

// The slot of bar t: weekday for dates, second of the day for date-times, one slot otherwise.
std::int64_t slot_of(const Market& m, std::size_t t) {
  const std::int64_t v = m.index[t];
  switch (m.kind) {
    case IndexKind::Date:
      return ((v % 7) + 7) % 7;
    case IndexKind::DateTime:
      return ((v % 86400) + 86400) % 86400;
    case IndexKind::Observation:
      return 0;
  }
  return 0;
}

double volatility_before(const Market& m, std::size_t s, Eigen::Index i) {
  double mean = 0, ss = 0;
  for (std::size_t k = s - kVolWindow; k < s; ++k)
    mean += std::log(m.close(static_cast<Eigen::Index>(k), i) /
                     m.close(static_cast<Eigen::Index>(k - 1), i));
  mean /= kVolWindow;
  for (std::size_t k = s - kVolWindow; k < s; ++k) {
    const double r = std::log(m.close(static_cast<Eigen::Index>(k), i) /
                              m.close(static_cast<Eigen::Index>(k - 1), i)) -
                     mean;
    ss += r * r;
  }
  return std::sqrt(ss / (kVolWindow - 1));
}

std::vector<double> schedule(const Market& m, const ExecutionRequest& r) {
  const auto i = static_cast<Eigen::Index>(r.asset);
  std::vector<double> w(r.bars, 1.0);
  if (r.algo == "vwap") {
    if (!r.profile.empty()) {
      w = r.profile;
    } else {
      FG_REQUIRE(m.volume.size() > 0,
                 "VWAP needs a volume column or a given profile; the data has no volumes");
      std::map<std::int64_t, std::pair<double, std::size_t>> by_slot;
      double all = 0;
      for (std::size_t k = r.start - r.lookback; k < r.start; ++k) {
        auto& [sum, n] = by_slot[slot_of(m, k)];
        sum += m.volume(static_cast<Eigen::Index>(k), i);
        ++n;
        all += m.volume(static_cast<Eigen::Index>(k), i);
      }
      for (std::size_t k = 0; k < r.bars; ++k) {
        const auto it = by_slot.find(slot_of(m, r.start + k));
        w[k] = it != by_slot.end() ? it->second.first / static_cast<double>(it->second.second)
                                   : all / static_cast<double>(r.lookback);
      }
    }
  }
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  FG_REQUIRE(total > 0, "the volume profile sums to zero");
  std::vector<double> q(r.bars);
  for (std::size_t k = 0; k < r.bars; ++k) q[k] = r.shares * w[k] / total;
  if (r.whole_shares) {
    double placed = 0;
    for (double& x : q) {
      x = std::floor(x);
      placed += x;
    }
    // The remainder, a share at a time, to the first bars.
    for (std::size_t k = 0; placed < r.shares; k = (k + 1) % r.bars, placed += 1) q[k] += 1;
  }
  return q;
}

double fill_cost(const Market& m, const CostOptions& c, std::size_t bar, Eigen::Index i,
                 double shares, double sigma) {
  const double price = m.close(static_cast<Eigen::Index>(bar), i);
  const double n = shares * price;
  double cost = (c.spread_bps() / 2 + c.slippage_bps() + c.commission_bps()) * 1e-4 * n +
                (shares > 0 ? c.commission_fixed() : 0.0);
  if (m.volume.size() > 0 && c.impact_coefficient() > 0) {
    const double v = m.volume(static_cast<Eigen::Index>(bar), i);
    if (v > 0) cost += c.impact_coefficient() * sigma * std::sqrt(shares / v) * n;
  }
  return cost;
}

ExecutionCost summarize(const std::vector<ChildFill>& fills, double Q, double p0, bool buy) {
  ExecutionCost e;
  double value = 0;
  for (const auto& f : fills) {
    value += f.shares * f.price;
    e.costs += f.cost;
  }
  e.average_price = value / Q;
  const double side = buy ? 1.0 : -1.0;
  const double arrival_value = Q * p0;
  e.price_drift_bps = side * (value - arrival_value) / arrival_value * 1e4;
  e.cost_bps = e.costs / arrival_value * 1e4;
  e.shortfall_bps = e.price_drift_bps + e.cost_bps;
  return e;
}
}  // namespace

ExecutionResult execute(const Market& m, const ExecutionRequest& r) {
  FG_REQUIRE(r.algo == "twap" || r.algo == "vwap", "algo must be twap or vwap, got '{}'", r.algo);
  FG_REQUIRE(r.asset < m.assets(), "asset {} of {}", r.asset, m.assets());
  FG_REQUIRE(std::isfinite(r.shares) && r.shares > 0, "shares must be positive, got {}", r.shares);
  FG_REQUIRE(!r.whole_shares || r.shares == std::floor(r.shares),
             "whole shares: the order must be a whole number, got {}", r.shares);
  FG_REQUIRE(r.bars >= 1, "the schedule needs at least one bar");
  const std::size_t need = std::max(kVolWindow + 1, r.algo == "vwap" ? r.lookback : 0);
  FG_REQUIRE(r.start >= need, "the schedule starts at bar {}, but {} bars of history come first",
             r.start, need);
  FG_REQUIRE(r.start + r.bars <= m.bars(),
             "the schedule ends at bar {}, after the data's last ({})", r.start + r.bars - 1,
             m.bars() - 1);
  FG_REQUIRE(r.profile.empty() || r.profile.size() == r.bars,
             "the profile has {} weights for {} bars", r.profile.size(), r.bars);
  for (double w : r.profile)
    FG_REQUIRE(std::isfinite(w) && w >= 0, "profile weights must be >= 0, got {}", w);
  FG_REQUIRE(r.lookback >= 1, "the VWAP lookback must be at least one bar");
  const auto i = static_cast<Eigen::Index>(r.asset);
  ExecutionResult out;
  out.arrival_price = m.close(static_cast<Eigen::Index>(r.start - 1), i);
  const double sigma = volatility_before(m, r.start, i);
  const std::vector<double> q = schedule(m, r);
  for (std::size_t k = 0; k < r.bars; ++k) {
    if (q[k] == 0) continue;
    const std::size_t bar = r.start + k;
    out.children.push_back({bar, q[k], m.close(static_cast<Eigen::Index>(bar), i),
                            fill_cost(m, r.costs, bar, i, q[k], sigma)});
  }
  out.schedule = summarize(out.children, r.shares, out.arrival_price, r.buy);
  const ChildFill all{r.start, r.shares, m.close(static_cast<Eigen::Index>(r.start), i),
                      fill_cost(m, r.costs, r.start, i, r.shares, sigma)};
  out.immediate = summarize({all}, r.shares, out.arrival_price, r.buy);
  return out;
}

nlohmann::json to_json(const ExecutionResult& r, const Market& m) {
  auto cost_json = [](const ExecutionCost& e) {
    return nlohmann::json{{"average_price", e.average_price},
                          {"costs", e.costs},
                          {"shortfall_bps", e.shortfall_bps},
                          {"price_drift_bps", e.price_drift_bps},
                          {"cost_bps", e.cost_bps}};
  };
  nlohmann::json children = nlohmann::json::array();
  for (const auto& c : r.children)
    children.push_back({{"bar", c.bar},
                        {"date", format_index(m.kind, m.index[c.bar])},
                        {"shares", c.shares},
                        {"price", c.price},
                        {"cost", c.cost}});
  return {{"arrival_price", r.arrival_price},
          {"children", children},
          {"schedule", cost_json(r.schedule)},
          {"immediate", cost_json(r.immediate)}};
}

}  // namespace fingen::trading
