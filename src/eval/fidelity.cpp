#include "fingen/eval/fidelity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/stats/descriptive.hpp"
#include "fingen/stats/distance.hpp"

namespace fingen::eval {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double pearson(const double* x, const double* y, std::size_t n) {
  long double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<long double>(n);
  my /= static_cast<long double>(n);
  long double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? static_cast<double>(sxy / std::sqrt(sxx * syy)) : 0.0;
}

template <class F>
std::vector<double> transformed(const std::vector<double>& x, F f) {
  std::vector<double> out(x.size());
  std::transform(x.begin(), x.end(), out.begin(), f);
  return out;
}

// Average of a per-path curve over paths.
template <class Curve>
std::vector<double> mean_curve(const std::vector<std::vector<double>>& paths, std::size_t lags,
                               Curve curve) {
  std::vector<double> acc(lags, 0.0);
  for (const auto& p : paths) {
    const std::vector<double> c = curve(p, lags);
    for (std::size_t k = 0; k < lags; ++k) acc[k] += c[k];
  }
  for (double& v : acc) v /= static_cast<double>(paths.size());
  return acc;
}

double mean_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
  return a.empty() ? kNaN : s / static_cast<double>(a.size());
}

double realized_vol(const double* r, std::size_t n) {
  long double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += r[i] * r[i];
  return static_cast<double>(std::sqrt(s));
}

}  // namespace

double hill_left_tail(std::vector<double> r) {
  const std::size_t n = r.size();
  const std::size_t k = std::max<std::size_t>(
      10, static_cast<std::size_t>(std::floor(0.05 * static_cast<double>(n))));
  FG_REQUIRE(n > k, "Hill estimator needs more than {} values, got {}", k, n);
  for (double& v : r) v = -v;
  std::nth_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k), r.end(),
                   std::greater<>());
  const double threshold = r[k];  // x_(k+1)
  FG_CHECK(Numeric, threshold > 0, "Hill estimator: fewer than {} losses are positive", k + 1);
  long double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += std::log(r[i] / threshold);
  return static_cast<double>(static_cast<long double>(k) / s);
}

std::vector<double> acf_curve(const std::vector<double>& x, std::size_t max_lag) {
  const std::vector<double> full = stats::acf(x.data(), x.size(), max_lag);
  return std::vector<double>(full.begin() + 1, full.end());
}

std::vector<double> leverage_curve(const std::vector<double>& r, std::size_t max_lag) {
  FG_REQUIRE(max_lag < r.size(), "leverage lag {} needs more than {} values", max_lag, r.size());
  std::vector<double> sq = transformed(r, [](double v) { return v * v; });
  std::vector<double> out(max_lag);
  for (std::size_t k = 1; k <= max_lag; ++k)
    out[k - 1] = pearson(r.data(), sq.data() + k, r.size() - k);
  return out;
}

double max_drawdown(const double* r, std::size_t n, std::size_t stride) {
  double c = 0, peak = 0, dd = 0;
  for (std::size_t i = 0; i < n; ++i) {
    c += r[i * stride];
    peak = std::max(peak, c);
    dd = std::max(dd, peak - c);
  }
  return -std::expm1(-dd);
}

std::vector<std::vector<double>> asset_paths(const Scenarios& s, std::size_t asset) {
  FG_REQUIRE(asset < s.assets, "asset {} out of range ({} assets)", asset, s.assets);
  std::vector<std::vector<double>> out(s.paths, std::vector<double>(s.horizon));
  for (std::size_t p = 0; p < s.paths; ++p)
    for (std::size_t t = 0; t < s.horizon; ++t) out[p][t] = s.at(p, t, asset);
  return out;
}

Eigen::MatrixXd tail_dependence(const Eigen::MatrixXd& r, double q) {
  const Eigen::Index a = r.cols();
  std::vector<double> threshold(static_cast<std::size_t>(a));
  for (Eigen::Index i = 0; i < a; ++i)
    threshold[static_cast<std::size_t>(i)] =
        stats::quantile(std::vector<double>(r.col(i).data(), r.col(i).data() + r.rows()), q);
  Eigen::MatrixXd lambda = Eigen::MatrixXd::Identity(a, a);
  for (Eigen::Index i = 0; i < a; ++i)
    for (Eigen::Index j = 0; j < a; ++j) {
      if (i == j) continue;
      std::size_t below = 0, both = 0;
      for (Eigen::Index t = 0; t < r.rows(); ++t) {
        if (r(t, i) > threshold[static_cast<std::size_t>(i)]) continue;
        ++below;
        both += r(t, j) <= threshold[static_cast<std::size_t>(j)];
      }
      lambda(i, j) = below ? static_cast<double>(both) / static_cast<double>(below) : kNaN;
    }
  return lambda;
}

Memorisation memorisation(const Eigen::MatrixXd& train, const Scenarios& s,
                          const Eigen::MatrixXd& heldout, std::size_t length,
                          std::size_t max_windows) {
  const auto a = static_cast<std::size_t>(train.cols());
  FG_REQUIRE(a == s.assets && static_cast<std::size_t>(heldout.cols()) == a,
             "memorisation: asset counts differ");
  FG_REQUIRE(length >= 1 && s.horizon >= length &&
                 static_cast<std::size_t>(train.rows()) >= length &&
                 static_cast<std::size_t>(heldout.rows()) >= length,
             "memorisation: windows of {} steps do not fit the data", length);
  const std::size_t dim = length * a;
  // Training windows, flattened row-major [window][t][asset].
  const std::size_t nt = static_cast<std::size_t>(train.rows()) - length + 1;
  std::vector<double> tw(nt * dim);
  for (std::size_t w = 0; w < nt; ++w)
    for (std::size_t t = 0; t < length; ++t)
      for (std::size_t j = 0; j < a; ++j)
        tw[w * dim + t * a + j] =
            train(static_cast<Eigen::Index>(w + t), static_cast<Eigen::Index>(j));
  auto nearest = [&](const double* v) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t w = 0; w < nt; ++w) {
      const double* u = tw.data() + w * dim;
      double d = 0;
      for (std::size_t i = 0; i < dim && d < best; ++i) d += (u[i] - v[i]) * (u[i] - v[i]);
      best = std::min(best, d);
    }
    return std::sqrt(best);
  };
  std::vector<double> syn, held;
  std::vector<double> buf(dim);
  for (std::size_t p = 0; p < s.paths && syn.size() < max_windows; ++p)
    for (std::size_t t0 = 0; t0 + length <= s.horizon && syn.size() < max_windows; t0 += length)
      syn.push_back(nearest(s.path(p) + t0 * a));
  for (std::size_t w = 0; w + length <= static_cast<std::size_t>(heldout.rows()); ++w) {
    for (std::size_t t = 0; t < length; ++t)
      for (std::size_t j = 0; j < a; ++j)
        buf[t * a + j] = heldout(static_cast<Eigen::Index>(w + t), static_cast<Eigen::Index>(j));
    held.push_back(nearest(buf.data()));
  }
  Memorisation m;
  m.windows = syn.size();
  for (double d : syn) m.exact_copies += d < 1e-12;
  m.median_synthetic = stats::median(syn);
  m.median_heldout = stats::median(held);
  m.ratio = m.median_heldout > 0 ? m.median_synthetic / m.median_heldout : kNaN;
  m.flagged = m.exact_copies > 0 || m.ratio < 0.5;
  return m;
}

namespace {
// Appends metrics of one asset: keys get the asset's prefix ("NAME/" with several assets).
struct MetricSink {
  std::vector<Metric>& out;
  std::string prefix;
  void operator()(const std::string& key, double value, double target = kNaN) const {
    out.push_back({prefix + key, value, target});
  }
};

void check_inputs(const Panel& real, const Scenarios& syn) {
  real.validate();
  FG_REQUIRE(real.cols() == syn.assets, "the real data has {} series, the scenarios {}",
             real.cols(), syn.assets);
  FG_REQUIRE(syn.paths >= 1 && syn.horizon >= 2, "need scenarios with at least 2 steps");
  FG_REQUIRE(real.rows() >= 30, "need at least 30 real observations, got {}", real.rows());
  for (Eigen::Index i = 0; i < real.values.size(); ++i)
    FG_CHECK(Input, std::isfinite(real.values.data()[i]),
             "the real returns have missing values: clean them first");
}

// Moments, quantiles and the Hill tail index of the real returns `r` and the pooled paths.
void add_marginals(const MetricSink& add, const std::vector<double>& r,
                   const std::vector<double>& pooled) {
  const stats::Moments mr = stats::moments(r), ms = stats::moments(pooled);
  add("mean", ms.mean, mr.mean);
  add("sd", ms.sd, mr.sd);
  add("skewness", ms.skewness, mr.skewness);
  add("excess_kurtosis", ms.excess_kurtosis, mr.excess_kurtosis);
  std::vector<double> rs = r, ps = pooled;
  std::sort(rs.begin(), rs.end());
  std::sort(ps.begin(), ps.end());
  for (double q : {0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999})
    add(fmt::format("q{}", q), stats::quantile_sorted(ps.data(), ps.size(), q),
        stats::quantile_sorted(rs.data(), rs.size(), q));
  // A sample with too few losses (a collapsed generator) has no tail to measure: NaN, not an
  // error.
  auto hill_or_nan = [](const std::vector<double>& x) {
    try {
      return hill_left_tail(x);
    } catch (const Error&) {
      return kNaN;
    }
  };
  add("hill_left", hill_or_nan(pooled), hill_or_nan(r));
}

// Sums over `lag` days: overlapping in the real series, non-overlapping blocks in each path.
void add_aggregated(const MetricSink& add, const std::vector<double>& r,
                    const std::vector<std::vector<double>>& paths, std::size_t h,
                    const std::vector<std::size_t>& lags) {
  const std::size_t n = r.size();
  for (std::size_t lag : lags) {
    if (lag > h || lag > n) continue;
    std::vector<double> ra, sa;
    for (std::size_t t = 0; t + lag <= n; ++t)
      ra.push_back(std::accumulate(r.begin() + static_cast<std::ptrdiff_t>(t),
                                   r.begin() + static_cast<std::ptrdiff_t>(t + lag), 0.0));
    for (const auto& p : paths)
      for (std::size_t t = 0; t + lag <= h; t += lag)
        sa.push_back(std::accumulate(p.begin() + static_cast<std::ptrdiff_t>(t),
                                     p.begin() + static_cast<std::ptrdiff_t>(t + lag), 0.0));
    add(fmt::format("w1_lag{}", lag), stats::wasserstein1(sa, ra));
    add(fmt::format("ks_lag{}", lag), stats::ks_statistic(sa, ra));
  }
}

// ACF of r (lags 1..lag_r), |r| and r^2 (1..lag_v) and the leverage curve (1..lag_r), real and
// averaged over the paths, with their errors.
Curves add_time_dependence(const MetricSink& add, const std::vector<double>& r,
                           const std::vector<std::vector<double>>& paths, std::size_t lag_r,
                           std::size_t lag_v) {
  Curves c;
  auto abs_of = [](const std::vector<double>& x) {
    return transformed(x, [](double v) { return std::abs(v); });
  };
  auto sq_of = [](const std::vector<double>& x) {
    return transformed(x, [](double v) { return v * v; });
  };
  c.acf_r_real = acf_curve(r, lag_r);
  c.acf_r_synthetic = mean_curve(
      paths, lag_r, [](const std::vector<double>& p, std::size_t l) { return acf_curve(p, l); });
  c.acf_abs_real = acf_curve(abs_of(r), lag_v);
  c.acf_abs_synthetic = mean_curve(paths, lag_v, [&](const std::vector<double>& p, std::size_t l) {
    return acf_curve(abs_of(p), l);
  });
  c.acf_sq_real = acf_curve(sq_of(r), lag_v);
  c.acf_sq_synthetic = mean_curve(paths, lag_v, [&](const std::vector<double>& p, std::size_t l) {
    return acf_curve(sq_of(p), l);
  });
  c.leverage_real = leverage_curve(r, lag_r);
  c.leverage_synthetic = mean_curve(paths, lag_r, [](const std::vector<double>& p, std::size_t l) {
    return leverage_curve(p, l);
  });
  add("acf_r_error", mean_abs_diff(c.acf_r_synthetic, c.acf_r_real));
  add("acf_abs_error", mean_abs_diff(c.acf_abs_synthetic, c.acf_abs_real));
  add("acf_sq_error", mean_abs_diff(c.acf_sq_synthetic, c.acf_sq_real));
  add("leverage_error", mean_abs_diff(c.leverage_synthetic, c.leverage_real));
  return c;
}

// Maximum drawdown and realised volatility of each path vs every real window of its length h
// (nothing when the real series is shorter than h).
void add_path_features(const MetricSink& add, const std::vector<double>& r,
                       const std::vector<std::vector<double>>& paths, std::size_t h) {
  const std::size_t n = r.size();
  if (n < h) return;
  std::vector<double> mdd_r, mdd_s, vol_r, vol_s;
  for (std::size_t t = 0; t + h <= n; ++t) {
    mdd_r.push_back(max_drawdown(r.data() + t, h));
    vol_r.push_back(realized_vol(r.data() + t, h));
  }
  for (const auto& p : paths) {
    mdd_s.push_back(max_drawdown(p.data(), h));
    vol_s.push_back(realized_vol(p.data(), h));
  }
  add("max_drawdown_mean", stats::mean(mdd_s.data(), mdd_s.size()),
      stats::mean(mdd_r.data(), mdd_r.size()));
  add("max_drawdown_w1", stats::wasserstein1(mdd_s, mdd_r));
  add("realized_vol_mean", stats::mean(vol_s.data(), vol_s.size()),
      stats::mean(vol_r.data(), vol_r.size()));
  add("realized_vol_w1", stats::wasserstein1(vol_s, vol_r));
}

// Every metric of asset `a`, and its curves.
void add_asset(FidelityReport& rep, const Panel& real, const Scenarios& syn, std::size_t a,
               const FidelityOptions& o) {
  const std::size_t n = real.rows(), h = syn.horizon;
  const MetricSink add{rep.metrics, real.cols() > 1 ? real.names[a] + "/" : std::string()};
  const Eigen::VectorXd col = real.values.col(static_cast<Eigen::Index>(a));
  const std::vector<double> r(col.data(), col.data() + col.size());
  const std::vector<std::vector<double>> paths = asset_paths(syn, a);
  std::vector<double> pooled;
  pooled.reserve(syn.paths * h);
  for (const auto& p : paths) pooled.insert(pooled.end(), p.begin(), p.end());
  add_marginals(add, r, pooled);
  add_aggregated(add, r, paths, h, o.aggregation_lags());
  const std::size_t lag_r = std::min<std::size_t>({20, h - 1, n - 1});
  const std::size_t lag_v = std::min<std::size_t>({100, h - 1, n - 1});
  Curves c = add_time_dependence(add, r, paths, lag_r, lag_v);
  c.asset = real.names[a];
  rep.curves.push_back(std::move(c));
  add_path_features(add, r, paths, h);
}

// Correlation and lower tail dependence errors, averaged over the pairs of assets.
void add_cross_asset(FidelityReport& rep, const Panel& real, const Scenarios& syn) {
  const std::size_t n = real.rows(), h = syn.horizon;
  Eigen::MatrixXd pooled(static_cast<Eigen::Index>(syn.paths * h),
                         static_cast<Eigen::Index>(syn.assets));
  for (std::size_t i = 0; i < syn.paths * h; ++i)
    for (std::size_t a = 0; a < syn.assets; ++a)
      pooled(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(a)) =
          syn.data[i * syn.assets + a];
  double corr_err = 0, tail_err = 0;
  std::size_t pairs = 0;
  const Eigen::MatrixXd tr = tail_dependence(real.values), ts = tail_dependence(pooled);
  for (Eigen::Index i = 0; i < pooled.cols(); ++i)
    for (Eigen::Index j = i + 1; j < pooled.cols(); ++j) {
      corr_err += std::abs(pearson(real.values.col(i).data(), real.values.col(j).data(), n) -
                           pearson(pooled.col(i).data(), pooled.col(j).data(),
                                   static_cast<std::size_t>(pooled.rows())));
      tail_err += std::abs(tr(i, j) - ts(i, j)) + std::abs(tr(j, i) - ts(j, i));
      ++pairs;
    }
  rep.metrics.push_back({"correlation_error", corr_err / static_cast<double>(pairs), kNaN});
  rep.metrics.push_back({"tail_dependence_error", tail_err / static_cast<double>(2 * pairs), kNaN});
}

void add_memorisation(FidelityReport& rep, const Panel& real, const Scenarios& syn,
                      const Panel& train, const FidelityOptions& o) {
  FG_REQUIRE(train.cols() == real.cols(), "the training data has {} series, the real data {}",
             train.cols(), real.cols());
  const std::size_t len =
      std::min({o.memorisation_length(), syn.horizon, real.rows(), train.rows()});
  const Memorisation m = memorisation(train.values, syn, real.values, len);
  rep.metrics.push_back({"memorisation_ratio", m.ratio, 1.0});
  rep.metrics.push_back({"memorisation_exact_copies", static_cast<double>(m.exact_copies), kNaN});
}
}  // namespace

FidelityReport evaluate_fidelity(const Panel& real, const Scenarios& syn, const Panel& train,
                                 const FidelityOptions& o) {
  check_inputs(real, syn);
  FidelityReport rep;
  for (std::size_t a = 0; a < real.cols(); ++a) add_asset(rep, real, syn, a, o);
  if (real.cols() > 1) add_cross_asset(rep, real, syn);
  if (train.rows() > 0) add_memorisation(rep, real, syn, train, o);
  return rep;
}

}  // namespace fingen::eval
