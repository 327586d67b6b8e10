#include "fingen/risk/stress.hpp"

#include <algorithm>
#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen::risk {

std::vector<StressWindow> worst_windows(const Panel& returns, const std::vector<double>& weights,
                                        std::size_t length, std::size_t count) {
  returns.validate();
  FG_REQUIRE(weights.size() == returns.cols(), "{} weights given for {} series", weights.size(),
             returns.cols());
  FG_REQUIRE(length >= 1 && length <= returns.rows(), "window length {} must be in 1..{}", length,
             returns.rows());
  FG_REQUIRE(count >= 1, "ask for at least one window");
  const std::size_t n = returns.rows();
  std::vector<double> log_growth(n);  // log(1 + R_t) of the portfolio
  for (std::size_t t = 0; t < n; ++t) {
    double r = 0;
    for (std::size_t a = 0; a < weights.size(); ++a)
      r += weights[a] *
           std::expm1(returns.values(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(a)));
    FG_CHECK(Numeric, r > -1.0 && std::isfinite(r), "the portfolio loses everything on {}",
             format_index(returns.kind, returns.index[t]));
    log_growth[t] = std::log1p(r);
  }
  std::vector<double> prefix(n + 1, 0.0);
  for (std::size_t t = 0; t < n; ++t) prefix[t + 1] = prefix[t] + log_growth[t];
  std::vector<std::pair<double, std::size_t>> windows;  // (log growth, first row)
  for (std::size_t s = 0; s + length <= n; ++s)
    windows.emplace_back(prefix[s + length] - prefix[s], s);
  std::sort(windows.begin(), windows.end());
  std::vector<StressWindow> out;
  std::vector<bool> used(n, false);
  for (const auto& [g, s] : windows) {
    if (out.size() == count) break;
    bool overlap = false;
    for (std::size_t t = s; t < s + length && !overlap; ++t) overlap = used[t];
    if (overlap) continue;
    for (std::size_t t = s; t < s + length; ++t) used[t] = true;
    StressWindow w;
    w.first_row = s;
    w.last_row = s + length - 1;
    w.first = returns.index[s];
    w.last = returns.index[s + length - 1];
    w.portfolio_return = std::expm1(g);
    double peak = 0, level = 0, dd = 0;
    for (std::size_t t = s; t < s + length; ++t) {
      level += log_growth[t];
      peak = std::max(peak, level);
      dd = std::max(dd, 1.0 - std::exp(level - peak));
    }
    w.max_drawdown = dd;
    out.push_back(w);
  }
  return out;
}

double shock_loss(const std::vector<double>& weights, const std::vector<double>& shocks) {
  FG_REQUIRE(weights.size() == shocks.size(), "{} shocks given for {} weights", shocks.size(),
             weights.size());
  double r = 0;
  for (std::size_t a = 0; a < weights.size(); ++a) {
    FG_REQUIRE(shocks[a] >= -1.0 && std::isfinite(shocks[a]),
               "a shock must be a simple return >= -1, got {}", shocks[a]);
    r += weights[a] * shocks[a];
  }
  return -r;
}

Scenarios scale_volatility(const Scenarios& s, double multiplier) {
  FG_REQUIRE(multiplier > 0 && std::isfinite(multiplier),
             "volatility multiplier must be positive, got {}", multiplier);
  std::vector<long double> mean(s.assets, 0);
  const std::size_t rows = s.paths * s.horizon;
  FG_REQUIRE(rows > 0, "no scenarios to scale");
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t a = 0; a < s.assets; ++a) mean[a] += s.data[i * s.assets + a];
  Scenarios out = s;
  for (std::size_t a = 0; a < s.assets; ++a) {
    const double m = static_cast<double>(mean[a] / static_cast<long double>(rows));
    for (std::size_t i = 0; i < rows; ++i) {
      double& v = out.data[i * s.assets + a];
      v = m + multiplier * (v - m);
    }
  }
  return out;
}

}  // namespace fingen::risk
