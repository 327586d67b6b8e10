#include "fingen/trading/robustness.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <omp.h>

#include "fingen/core/error.hpp"

namespace fingen::trading {

namespace {
// Quantile of sorted values, linear interpolation between order statistics (R type 7, NumPy's
// default): h = (n - 1) p.
double quantile_sorted(const std::vector<double>& x, double p) {
  if (x.empty()) return Metrics::kNaN;
  const double h = (static_cast<double>(x.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

MetricDistribution distribution(const std::vector<Metrics>& paths, const std::string& metric,
                                const Metrics* historical) {
  MetricDistribution d;
  d.metric = metric;
  std::vector<double> x;
  for (const auto& m : paths) {
    const double v = metric_value(m, metric);
    if (std::isfinite(v)) x.push_back(v);
  }
  d.finite = x.size();
  if (historical) d.historical = metric_value(*historical, metric);
  if (x.empty()) {
    d.mean = d.sd = d.q05 = d.q25 = d.median = d.q75 = d.q95 = Metrics::kNaN;
    return d;
  }
  std::sort(x.begin(), x.end());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  d.mean = mean;
  d.sd = x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : Metrics::kNaN;
  d.q05 = quantile_sorted(x, 0.05);
  d.q25 = quantile_sorted(x, 0.25);
  d.median = quantile_sorted(x, 0.5);
  d.q75 = quantile_sorted(x, 0.75);
  d.q95 = quantile_sorted(x, 0.95);
  if (std::isfinite(d.historical))
    d.historical_percentile =
        static_cast<double>(std::upper_bound(x.begin(), x.end(), d.historical) - x.begin()) /
        static_cast<double>(x.size());
  return d;
}
}  // namespace

Market closes_only(const Market& market) {
  Market m = market;
  m.open.resize(0, 0);
  m.volume.resize(0, 0);
  return m;
}

RobustnessResult run_over_paths(const Scenarios& s, const Strategy& strategy,
                                const BacktestOptions& options, const Metrics* historical) {
  options.validate();
  FG_REQUIRE(s.paths > 0 && s.horizon > 0, "no scenario paths to trade");
  RobustnessResult r;
  r.paths = s.paths;
  r.horizon = s.horizon;
  r.net.resize(s.paths);
  r.gross.resize(s.paths);
  const auto P = static_cast<std::int64_t>(s.paths);
  const std::size_t per_path = s.horizon * s.assets;
  // Errors cannot leave an OpenMP region: the first one (by path) is kept and thrown after it.
  std::vector<std::string> errors(s.paths);
#pragma omp parallel
  {
    Market m;  // one per thread, refilled for each path
#pragma omp for schedule(dynamic, 16)
    for (std::int64_t p = 0; p < P; ++p) {
      const auto u = static_cast<std::size_t>(p);
      try {
        assign_log_returns(m, s.data.data() + u * per_path, s.horizon, s.assets, s.names);
        const BacktestResult b = backtest(m, strategy.weights(m), options, false, false);
        r.net[u] = b.net.metrics;
        r.gross[u] = b.gross.metrics;
      } catch (const std::exception& e) {
        errors[u] = e.what();
      }
    }
  }
  for (std::size_t p = 0; p < s.paths; ++p)
    FG_CHECK(Runtime, errors[p].empty(), "scenario path {}: {}", p, errors[p]);
  return summarize_paths(std::move(r.net), std::move(r.gross), s.horizon, historical);
}

RobustnessResult summarize_paths(std::vector<Metrics> net, std::vector<Metrics> gross,
                                 std::size_t horizon, const Metrics* historical) {
  FG_REQUIRE(!net.empty() && net.size() == gross.size(),
             "per-path metrics: {} net and {} gross results", net.size(), gross.size());
  RobustnessResult r;
  r.paths = net.size();
  r.horizon = horizon;
  r.net = std::move(net);
  r.gross = std::move(gross);
  std::size_t losses = 0, gross_losses = 0;
  for (std::size_t p = 0; p < r.paths; ++p) {
    losses += r.net[p].total_return < 0;
    gross_losses += r.gross[p].total_return < 0;
  }
  r.probability_of_loss = static_cast<double>(losses) / static_cast<double>(r.paths);
  r.gross_probability_of_loss = static_cast<double>(gross_losses) / static_cast<double>(r.paths);
  for (const char* metric :
       {"sharpe", "total_return", "annual_return", "annual_volatility", "max_drawdown", "turnover"})
    r.summary.push_back(distribution(r.net, metric, historical));
  return r;
}

nlohmann::json to_json(const RobustnessResult& r) {
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& d : r.summary)
    metrics[d.metric] = {{"finite", d.finite},
                         {"mean", num(d.mean)},
                         {"sd", num(d.sd)},
                         {"q05", num(d.q05)},
                         {"q25", num(d.q25)},
                         {"median", num(d.median)},
                         {"q75", num(d.q75)},
                         {"q95", num(d.q95)},
                         {"historical", num(d.historical)},
                         {"historical_percentile", num(d.historical_percentile)}};
  return {{"paths", r.paths},
          {"horizon", r.horizon},
          {"probability_of_loss", r.probability_of_loss},
          {"gross_probability_of_loss", r.gross_probability_of_loss},
          {"metrics", metrics}};
}

std::string robustness_sentence(const RobustnessResult& r, const std::string& source) {
  const auto it = std::find_if(r.summary.begin(), r.summary.end(),
                               [](const MetricDistribution& d) { return d.metric == "sharpe"; });
  FG_REQUIRE(it != r.summary.end(), "no Sharpe distribution");
  const MetricDistribution& d = *it;
  const std::string head =
      std::isfinite(d.historical)
          ? fmt::format("of the historical Sharpe {:.2f}, the median over {} {} markets is {:.2f}",
                        d.historical, r.paths, source, d.median)
          : fmt::format("the median Sharpe over {} {} markets is {:.2f}", r.paths, source,
                        d.median);
  std::string tail = fmt::format(" (90% between {:.2f} and {:.2f})", d.q05, d.q95);
  if (std::isfinite(d.historical_percentile))
    tail +=
        fmt::format("; the historical value beats {:.0f}% of them", 100 * d.historical_percentile);
  return head + tail +
         fmt::format(", and {:.1f}% of them lose money after costs", 100 * r.probability_of_loss);
}

}  // namespace fingen::trading
