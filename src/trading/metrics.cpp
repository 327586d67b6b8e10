#include "fingen/trading/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen::trading {

template <>
Metrics MetricsAccumulator::finish(double traded_notional, std::size_t trades, double P) const {
  const auto n = static_cast<double>(n_);
  FG_REQUIRE(n_ >= 1, "metrics need at least 2 bars");
  Metrics m;
  m.trades = trades;
  const double mean = shift_ + sum_ / n;
  const double ss = std::max(sum_sq_ - sum_ * sum_ / n, 0.0);
  const double sd = n_ > 1 ? std::sqrt(ss / (n - 1)) : Metrics::kNaN;
  const double growth = prev_ / first_;
  m.total_return = growth - 1;
  m.annual_return = std::pow(growth, P / n) - 1;
  m.annual_volatility = sd * std::sqrt(P);
  m.sharpe = sd > 0 ? mean / sd * std::sqrt(P) : Metrics::kNaN;
  const double downside = std::sqrt(down_ / n);
  m.sortino = downside > 0 ? mean / downside * std::sqrt(P) : Metrics::kNaN;
  m.max_drawdown = mdd_;
  m.max_drawdown_duration = static_cast<std::size_t>(longest_);
  m.calmar = mdd_ > 0 ? m.annual_return / mdd_ : Metrics::kNaN;
  m.turnover = traded_notional / (equity_sum_ / (n + 1)) * P / n;
  m.hit_rate = held_ > 0 ? static_cast<double>(up_) / static_cast<double>(held_) : Metrics::kNaN;
  m.exposure = exposure_sum_ / (n + 1);
  return m;
}

Metrics compute_metrics(const std::vector<double>& equity,
                        const std::vector<double>& gross_exposure, double traded_notional,
                        std::size_t trades, double periods_per_year) {
  FG_REQUIRE(equity.size() >= 2, "metrics need at least 2 bars, got {}", equity.size());
  FG_REQUIRE(gross_exposure.size() == equity.size(), "{} exposures for {} bars",
             gross_exposure.size(), equity.size());
  MetricsAccumulator acc(equity.front());
  for (std::size_t t = 1; t < equity.size(); ++t) acc.add(equity[t], gross_exposure[t]);
  return acc.finish(traded_notional, trades, periods_per_year);
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"total_return",
                                                 "annual_return",
                                                 "annual_volatility",
                                                 "sharpe",
                                                 "sortino",
                                                 "max_drawdown",
                                                 "max_drawdown_duration",
                                                 "calmar",
                                                 "turnover",
                                                 "hit_rate",
                                                 "exposure",
                                                 "trades"};
  return names;
}

double metric_value(const Metrics& m, const std::string& name) {
  if (name == "total_return") return m.total_return;
  if (name == "annual_return") return m.annual_return;
  if (name == "annual_volatility") return m.annual_volatility;
  if (name == "sharpe") return m.sharpe;
  if (name == "sortino") return m.sortino;
  if (name == "max_drawdown") return m.max_drawdown;
  if (name == "max_drawdown_duration") return static_cast<double>(m.max_drawdown_duration);
  if (name == "calmar") return m.calmar;
  if (name == "turnover") return m.turnover;
  if (name == "hit_rate") return m.hit_rate;
  if (name == "exposure") return m.exposure;
  if (name == "trades") return static_cast<double>(m.trades);
  FG_FAIL(Usage, "unknown metric '{}'", name);
}

nlohmann::json to_json(const Metrics& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& name : metric_names()) {
    const double v = metric_value(m, name);
    if (name == "max_drawdown_duration" || name == "trades")
      j[name] = static_cast<std::size_t>(v);
    else
      j[name] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  }
  return j;
}

Metrics metrics_from_json(const nlohmann::json& j) {
  auto num = [&](const char* k) {
    const nlohmann::json& v = j.at(k);
    return v.is_null() ? Metrics::kNaN : v.get<double>();
  };
  Metrics m;
  m.total_return = num("total_return");
  m.annual_return = num("annual_return");
  m.annual_volatility = num("annual_volatility");
  m.sharpe = num("sharpe");
  m.sortino = num("sortino");
  m.max_drawdown = num("max_drawdown");
  m.max_drawdown_duration = j.at("max_drawdown_duration").get<std::size_t>();
  m.calmar = num("calmar");
  m.turnover = num("turnover");
  m.hit_rate = num("hit_rate");
  m.exposure = num("exposure");
  m.trades = j.at("trades").get<std::size_t>();
  return m;
}

}  // namespace fingen::trading
