#include "fingen/eval/selection.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fingen/core/error.hpp"
#include "fingen/eval/fidelity.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::eval {

namespace {
constexpr double kQuantiles[] = {0.01, 0.05, 0.95, 0.99};

// windows[w][t] of one asset -> its summary.
StylizedSummary::Asset summarize_windows(const std::vector<std::vector<double>>& windows,
                                         const SelectionOptions& o) {
  StylizedSummary::Asset a;
  std::vector<double> pooled;
  for (const auto& w : windows) pooled.insert(pooled.end(), w.begin(), w.end());
  const stats::Moments m = stats::moments(pooled);
  a.sd = m.sd;
  a.excess_kurtosis = m.excess_kurtosis;
  std::sort(pooled.begin(), pooled.end());
  for (double q : kQuantiles)
    a.quantiles.push_back(stats::quantile_sorted(pooled.data(), pooled.size(), q));
  a.acf_abs.assign(o.acf_lags, 0.0);
  a.leverage.assign(o.leverage_lags, 0.0);
  for (const auto& w : windows) {
    std::vector<double> abs_w(w.size());
    std::transform(w.begin(), w.end(), abs_w.begin(), [](double v) { return std::abs(v); });
    const std::vector<double> acf = acf_curve(abs_w, o.acf_lags);
    const std::vector<double> lev = leverage_curve(w, o.leverage_lags);
    for (std::size_t k = 0; k < o.acf_lags; ++k) a.acf_abs[k] += acf[k];
    for (std::size_t k = 0; k < o.leverage_lags; ++k) a.leverage[k] += lev[k];
  }
  const auto n = static_cast<double>(windows.size());
  for (auto& v : a.acf_abs) v /= n;
  for (auto& v : a.leverage) v /= n;
  return a;
}

Eigen::MatrixXd correlation_of(const Eigen::MatrixXd& x) {  // rows = observations
  const Eigen::MatrixXd c = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd cov = c.transpose() * c;
  const Eigen::VectorXd d = cov.diagonal().cwiseSqrt();
  return cov.array() / (d * d.transpose()).array();
}
}  // namespace

StylizedSummary summarize_history(const Eigen::MatrixXd& r, std::size_t window,
                                  const SelectionOptions& o) {
  FG_REQUIRE(window >= std::max(o.acf_lags, o.leverage_lags) + 2,
             "windows of {} steps are too short for lags up to {}", window,
             std::max(o.acf_lags, o.leverage_lags));
  const auto rows = static_cast<std::size_t>(r.rows());
  const std::size_t count = rows / window;
  FG_REQUIRE(count >= 1, "{} rows make no window of {} steps", rows, window);
  StylizedSummary s;
  for (Eigen::Index a = 0; a < r.cols(); ++a) {
    std::vector<std::vector<double>> windows(count, std::vector<double>(window));
    for (std::size_t w = 0; w < count; ++w)
      for (std::size_t t = 0; t < window; ++t)
        windows[w][t] = r(static_cast<Eigen::Index>(w * window + t), a);
    s.assets.push_back(summarize_windows(windows, o));
  }
  s.correlation = correlation_of(r.topRows(static_cast<Eigen::Index>(count * window)));
  return s;
}

StylizedSummary summarize_paths(const Scenarios& p, const SelectionOptions& o) {
  FG_REQUIRE(p.horizon >= std::max(o.acf_lags, o.leverage_lags) + 2,
             "paths of {} steps are too short for lags up to {}", p.horizon,
             std::max(o.acf_lags, o.leverage_lags));
  StylizedSummary s;
  for (std::size_t a = 0; a < p.assets; ++a)
    s.assets.push_back(summarize_windows(asset_paths(p, a), o));
  Eigen::MatrixXd all(static_cast<Eigen::Index>(p.paths * p.horizon),
                      static_cast<Eigen::Index>(p.assets));
  for (std::size_t i = 0; i < p.paths * p.horizon; ++i)
    for (std::size_t a = 0; a < p.assets; ++a)
      all(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(a)) = p.data[i * p.assets + a];
  s.correlation = correlation_of(all);
  return s;
}

double stylized_distance(const StylizedSummary& real, const StylizedSummary& syn) {
  FG_REQUIRE(real.assets.size() == syn.assets.size() && !real.assets.empty(),
             "summaries of {} and {} assets", real.assets.size(), syn.assets.size());
  auto mean_abs_diff = [](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
    return s / static_cast<double>(a.size());
  };
  double total = 0;
  for (std::size_t i = 0; i < real.assets.size(); ++i) {
    const auto& r = real.assets[i];
    const auto& g = syn.assets[i];
    if (!(g.sd > 0) || !std::isfinite(g.sd)) return std::numeric_limits<double>::infinity();
    double d = std::abs(std::log(g.sd / r.sd));
    d += 0.25 * std::abs(g.excess_kurtosis - r.excess_kurtosis) / (3 + std::abs(r.excess_kurtosis));
    d += mean_abs_diff(g.quantiles, r.quantiles) / r.sd;
    d += 2 * mean_abs_diff(g.acf_abs, r.acf_abs);
    d += 2 * mean_abs_diff(g.leverage, r.leverage);
    total += d;
  }
  total /= static_cast<double>(real.assets.size());
  const Eigen::Index A = real.correlation.rows();
  if (A > 1) {
    double c = 0;
    for (Eigen::Index i = 0; i < A; ++i)
      for (Eigen::Index j = i + 1; j < A; ++j)
        c += std::abs(real.correlation(i, j) - syn.correlation(i, j));
    total += c / static_cast<double>(A * (A - 1) / 2);
  }
  return std::isfinite(total) ? total : std::numeric_limits<double>::infinity();
}

}  // namespace fingen::eval
