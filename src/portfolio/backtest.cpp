#include "fingen/portfolio/backtest.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/time.hpp"
#include "fingen/risk/measures.hpp"
#include "fingen/trading/metrics.hpp"

namespace fingen::portfolio {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> m = {"equal-weight", "min-variance", "mean-variance",
                                             "max-sharpe",   "mean-cvar",    "risk-parity"};
  return m;
}

namespace {
double default_target(const Eigen::VectorXd& mean, const Constraints& c, double target) {
  if (!std::isnan(target)) return target;
  const auto [lo, hi] = return_range(mean, c);
  return std::min(std::max(mean.mean(), lo), hi);
}
}  // namespace

Portfolio optimise(const std::string& method, const Eigen::MatrixXd& R, const Constraints& c,
                   double alpha, double rf, double target) {
  FG_REQUIRE(
      std::find(method_names().begin(), method_names().end(), method) != method_names().end(),
      "unknown portfolio method '{}' (known: {})", method, fmt::join(method_names(), ", "));
  const Moments m = Moments::of(R);
  if (method == "equal-weight") return equal_weight(m);
  if (method == "min-variance") return min_variance(m, c);
  if (method == "mean-variance") return mean_variance(m, c, default_target(m.mean, c, target));
  if (method == "max-sharpe") return max_sharpe(m, c, rf);
  if (method == "mean-cvar") return mean_cvar(R, alpha, c, default_target(m.mean, c, target));
  return risk_parity(m);
}

std::vector<RollingResult> rolling_backtest(const trading::Market& mk,
                                            const std::vector<std::string>& methods,
                                            const RollingOptions& o) {
  FG_REQUIRE(!methods.empty(), "no portfolio methods to backtest");
  FG_REQUIRE(o.window >= 20, "the estimation window must be at least 20 bars, got {}", o.window);
  FG_REQUIRE(o.every >= 1, "the rebalancing interval must be at least 1 bar");
  const std::size_t T = mk.bars(), N = mk.assets();
  FG_REQUIRE(T >= o.window + 3,
             "{} bars leave nothing to evaluate after an estimation window of {} bars", T,
             o.window);
  o.trading.validate();
  // Log returns: row t - 1 is bar t's return.
  Eigen::MatrixXd lr(static_cast<Eigen::Index>(T - 1), static_cast<Eigen::Index>(N));
  for (Eigen::Index t = 1; t < static_cast<Eigen::Index>(T); ++t)
    lr.row(t - 1) = (mk.close.row(t).array() / mk.close.row(t - 1).array()).log();
  // The evaluation market: bars window .. T - 1 (bar `window` is the first decision's close).
  const auto first = static_cast<Eigen::Index>(o.window);
  const Eigen::Index E = static_cast<Eigen::Index>(T) - first;
  trading::Market ev;
  ev.kind = mk.kind;
  ev.names = mk.names;
  ev.index.assign(mk.index.begin() + first, mk.index.end());
  ev.close = mk.close.bottomRows(E);
  std::vector<RollingResult> out;
  for (const std::string& method : methods) {
    RollingResult r;
    r.method = method;
    r.index = ev.index;
    Eigen::MatrixXd W = Eigen::MatrixXd::Zero(E, static_cast<Eigen::Index>(N));
    std::vector<char> at(static_cast<std::size_t>(E), 0);
    Eigen::RowVectorXd w = Eigen::RowVectorXd::Zero(static_cast<Eigen::Index>(N));
    for (Eigen::Index e = 0; e < E; ++e) {
      if (e % static_cast<Eigen::Index>(o.every) == 0 && e + 1 < E) {
        // Returns of bars (window + e) - window + 1 .. window + e: rows e .. e + window - 1.
        const Eigen::MatrixXd est = lr.middleRows(e, first);
        Portfolio p;
        try {
          p = optimise(method, est, o.constraints, o.alpha, o.risk_free);
        } catch (const Error& err) {
          // A window in which no portfolio beats the risk-free rate has no tangency portfolio.
          if (method != "max-sharpe" || err.category() != ErrorCategory::Usage)
            throw Error(err.category(),
                        fmt::format("{} at the rebalance of {}: {}", method,
                                    format_index(ev.kind, ev.index[static_cast<std::size_t>(e)]),
                                    err.what()));
          p = optimise("min-variance", est, o.constraints, o.alpha, o.risk_free);
          ++r.fallbacks;
        }
        for (std::size_t i = 0; i < N; ++i) w(static_cast<Eigen::Index>(i)) = p.weights[i];
        at[static_cast<std::size_t>(e)] = 1;
        ++r.rebalances;
      }
      W.row(e) = w;
    }
    r.run = trading::backtest(ev, W, o.trading, false, true, at);
    std::vector<double> losses;
    const auto& eq = r.run.net.equity;
    for (std::size_t t = 1; t < eq.size(); ++t) losses.push_back(1 - eq[t] / eq[t - 1]);
    r.realised_cvar = risk::empirical_var_es(losses, 1 - o.alpha).es;
    out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json to_json(const RollingResult& r) {
  return {{"method", r.method},
          {"rebalances", r.rebalances},
          {"fallbacks", r.fallbacks},
          {"realised_cvar", r.realised_cvar},
          {"gross", trading::to_json(r.run.gross.metrics)},
          {"net", trading::to_json(r.run.net.metrics)},
          {"costs", r.run.net.costs}};
}

}  // namespace fingen::portfolio
