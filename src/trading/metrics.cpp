#include "fingen/trading/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen::trading {

Metrics compute_metrics(const std::vector<double>& equity,
                        const std::vector<double>& gross_exposure, double traded_notional,
                        std::size_t trades, double periods_per_year) {
  FG_REQUIRE(equity.size() >= 2, "metrics need at least 2 bars, got {}", equity.size());
  FG_REQUIRE(gross_exposure.size() == equity.size(), "{} exposures for {} bars",
             gross_exposure.size(), equity.size());
  const std::size_t n = equity.size() - 1;
  const double P = periods_per_year;
  Metrics m;
  m.trades = trades;
  // One pass for the returns' sum, the drawdowns, the hit rate and the exposure; a second over
  // the returns for their (two-pass) variance.
  std::vector<double> r(n);
  double sum = 0, peak = equity.front(), mdd = 0, mean_equity = equity.front(),
         exposure = gross_exposure.front();
  std::size_t run = 0, longest = 0, held = 0, up = 0;
  for (std::size_t t = 1; t <= n; ++t) {
    const double e = equity[t];
    const double rt = e / equity[t - 1] - 1;
    r[t - 1] = rt;
    sum += rt;
    mean_equity += e;
    if (gross_exposure[t] != 0) {
      exposure += gross_exposure[t];
      ++held;
      up += rt > 1e-12;  // rounding-level returns are no hits
    }
    if (e >= peak) {
      peak = e;
      run = 0;
    } else {
      // A new maximum drawdown needs e / peak < 1 - mdd: divide only then.
      if (e < peak * (1 - mdd)) mdd = std::max(mdd, 1 - e / peak);
      longest = std::max(longest, ++run);
    }
  }
  const double mean = sum / static_cast<double>(n);
  double ss = 0, down = 0;
  for (double x : r) {
    ss += (x - mean) * (x - mean);
    if (x < 0) down += x * x;
  }
  const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : Metrics::kNaN;
  const double growth = equity.back() / equity.front();
  m.total_return = growth - 1;
  m.annual_return = std::pow(growth, P / static_cast<double>(n)) - 1;
  m.annual_volatility = sd * std::sqrt(P);
  m.sharpe = sd > 0 ? mean / sd * std::sqrt(P) : Metrics::kNaN;
  const double downside = std::sqrt(down / static_cast<double>(n));
  m.sortino = downside > 0 ? mean / downside * std::sqrt(P) : Metrics::kNaN;
  m.max_drawdown = mdd;
  m.max_drawdown_duration = longest;
  m.calmar = mdd > 0 ? m.annual_return / mdd : Metrics::kNaN;
  mean_equity /= static_cast<double>(equity.size());
  m.turnover = traded_notional / mean_equity * P / static_cast<double>(n);
  m.hit_rate = held > 0 ? static_cast<double>(up) / static_cast<double>(held) : Metrics::kNaN;
  m.exposure = exposure / static_cast<double>(equity.size());
  return m;
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
