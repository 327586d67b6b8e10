#include "fingen/risk/measures.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"

namespace fingen::risk {
namespace {
void check_level(double level) {
  FG_REQUIRE(level > 0.5 && level < 1.0, "risk level must be in (0.5, 1), e.g. 0.99; got {}",
             level);
}
}  // namespace

VarEs empirical_var_es(std::vector<double>& losses, double level) {
  check_level(level);
  const std::size_t n = losses.size();
  FG_REQUIRE(n >= 1, "VaR/ES of an empty sample");
  for (double v : losses) FG_CHECK(Numeric, std::isfinite(v), "VaR/ES: a loss is not finite");
  // m = n (1 - a) losses make up the tail. n (1 - a) carries rounding error (1 - 0.99 is
  // 0.010000000000000009), so a value within 1e-9 (relative) of an integer is that integer.
  double m = static_cast<double>(n) * (1.0 - level);
  if (std::abs(m - std::round(m)) <= 1e-9 * std::max(1.0, m)) m = std::round(m);
  const auto k = static_cast<std::size_t>(std::floor(m));  // worst losses counted in full; k < n
  // VaR = L_(n-k), 1-based ascending = L_(ceil(n a)); it is also the loss counted with weight
  // m - k in the ES (Acerbi & Tasche 2002).
  const std::size_t idx = n - k - 1;
  std::nth_element(losses.begin(), losses.begin() + static_cast<std::ptrdiff_t>(idx), losses.end());
  VarEs out;
  out.level = level;
  out.n = n;
  out.var = losses[idx];
  long double tail = 0;
  for (std::size_t i = idx + 1; i < n; ++i) tail += losses[i];  // the k worst losses
  tail += static_cast<long double>(m - static_cast<double>(k)) * losses[idx];
  out.es = static_cast<double>(tail / static_cast<long double>(m));
  return out;
}

VarEsInterval empirical_var_es_interval(std::vector<double> losses, double level, double confidence,
                                        std::size_t bootstrap, std::uint64_t seed) {
  FG_REQUIRE(confidence > 0 && confidence < 1, "confidence must be in (0, 1), got {}", confidence);
  // Fewer resamples give a percentile interval made of a handful of values (0 gave [0, 0]).
  FG_REQUIRE(bootstrap >= kMinEsBootstrap,
             "bootstrap resamples must be >= {} for an ES interval, got {} (use empirical_var_es "
             "for the estimate alone)",
             kMinEsBootstrap, bootstrap);
  VarEsInterval out;
  std::vector<double> work = losses;
  out.estimate = empirical_var_es(work, level);
  out.confidence = confidence;
  std::sort(losses.begin(), losses.end());
  const double n = static_cast<double>(losses.size());
  const double z =
      boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + confidence / 2);
  const double half = z * std::sqrt(n * level * (1 - level));
  auto at = [&](double pos1) {  // 1-based position, clamped
    const auto i = static_cast<std::size_t>(std::clamp(pos1, 1.0, n));
    return losses[i - 1];
  };
  out.var_lo = at(std::floor(n * level - half));
  out.var_hi = at(std::ceil(n * level + half));
  // ES: percentile bootstrap (Efron & Tibshirani 1993, 13.3).
  std::vector<double> es(bootstrap);
  {
    Rng rng(seed);
    std::vector<double> sample(losses.size());
    for (std::size_t b = 0; b < bootstrap; ++b) {
      for (double& v : sample) v = losses[rng.below(losses.size())];
      es[b] = empirical_var_es(sample, level).es;
    }
    std::sort(es.begin(), es.end());
    const double nb = static_cast<double>(bootstrap);
    out.es_lo = es[static_cast<std::size_t>(
        std::clamp(std::floor(nb * (1 - confidence) / 2), 0.0, nb - 1))];
    out.es_hi = es[static_cast<std::size_t>(
        std::clamp(std::ceil(nb * (1 + confidence) / 2) - 1, 0.0, nb - 1))];
  }
  return out;
}

namespace {
// m = n (1 - a) of empirical_var_es, and the number k = floor(m) of losses counted in full.
std::pair<double, std::size_t> tail_count(std::size_t n, double level) {
  double m = static_cast<double>(n) * (1.0 - level);
  if (std::abs(m - std::round(m)) <= 1e-9 * std::max(1.0, m)) m = std::round(m);
  return {m, static_cast<std::size_t>(std::floor(m))};
}
// The 1-based ascending positions of empirical_var_es_interval's VaR interval.
std::pair<std::size_t, std::size_t> interval_positions(std::size_t n, double level,
                                                       double confidence) {
  const double nn = static_cast<double>(n);
  const double z =
      boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + confidence / 2);
  const double half = z * std::sqrt(nn * level * (1 - level));
  const auto clamp = [&](double pos1) {
    return static_cast<std::size_t>(std::clamp(pos1, 1.0, nn));
  };
  return {clamp(std::floor(nn * level - half)), clamp(std::ceil(nn * level + half))};
}
}  // namespace

LossTail::LossTail(std::size_t n, const std::vector<double>& levels, double confidence)
    : n_(n), keep_(1), confidence_(confidence), levels_(levels) {
  FG_REQUIRE(n >= 1, "VaR/ES of an empty sample");
  FG_REQUIRE(!levels.empty(), "no VaR level given");
  FG_REQUIRE(confidence >= 0 && confidence < 1, "confidence must be in [0, 1), got {}", confidence);
  for (double level : levels) {
    check_level(level);
    keep_ = std::max(keep_, tail_count(n, level).second + 1);
    if (confidence > 0)
      keep_ = std::max(keep_, n - interval_positions(n, level, confidence).first + 1);
  }
  keep_ = std::min(keep_, n);
}

void LossTail::add(const double* losses, std::size_t count) {
  FG_REQUIRE(count <= n_ - seen_, "more than the {} losses announced", n_);
  for (std::size_t i = 0; i < count; ++i) {
    FG_CHECK(Numeric, std::isfinite(losses[i]), "VaR/ES: a loss is not finite");
    buf_.push_back(losses[i]);
    if (buf_.size() >= 2 * keep_ + 4096) trim();
  }
  seen_ += count;
  sorted_ = false;
}

void LossTail::merge(const std::vector<double>& worst, std::size_t count) {
  FG_REQUIRE(worst.size() <= count && count <= n_ - seen_,
             "a piece of {} losses with {} worst does not fit a sample of {} with {} seen", count,
             worst.size(), n_, seen_);
  add(worst.data(), worst.size());
  seen_ += count - worst.size();
}

void LossTail::trim() {
  if (buf_.size() > keep_) {
    std::nth_element(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(keep_ - 1),
                     buf_.end(), std::greater<>());
    buf_.resize(keep_);
  }
}

const std::vector<double>& LossTail::worst() {
  if (!sorted_) {
    trim();
    std::sort(buf_.begin(), buf_.end(), std::greater<>());
    sorted_ = true;
  }
  return buf_;
}

VarEs LossTail::var_es(double level) {
  FG_REQUIRE(seen_ == n_, "VaR/ES after {} of {} losses", seen_, n_);
  FG_REQUIRE(std::find(levels_.begin(), levels_.end(), level) != levels_.end(),
             "the tail was kept for other levels than {}", level);
  const std::vector<double>& w = worst();
  const auto [m, k] = tail_count(n_, level);
  VarEs out;
  out.level = level;
  out.n = n_;
  out.var = w[k];  // L_(n-k), the k+1-th largest
  long double tail = 0;
  for (std::size_t i = 0; i < k; ++i) tail += w[i];
  tail += static_cast<long double>(m - static_cast<double>(k)) * w[k];
  out.es = static_cast<double>(tail / static_cast<long double>(m));
  return out;
}

std::pair<double, double> LossTail::var_interval(double level) {
  FG_REQUIRE(confidence_ > 0, "the tail was kept without a VaR interval");
  var_es(level);  // the same checks
  const auto [lo, hi] = interval_positions(n_, level, confidence_);
  const std::vector<double>& w = worst();
  return {w[n_ - lo], w[n_ - hi]};  // 1-based ascending position p is w[n - p]
}

VarEs normal_var_es(double mu, double sigma, double level, double horizon) {
  check_level(level);
  FG_REQUIRE(sigma > 0 && horizon > 0, "sigma and horizon must be positive");
  const boost::math::normal_distribution<double> nd;
  const double z = boost::math::quantile(nd, level);
  const double s = sigma * std::sqrt(horizon);
  return {level, -mu * horizon + s * z, -mu * horizon + s * boost::math::pdf(nd, z) / (1 - level),
          0};
}

VarEs student_t_var_es(double mu, double sigma, double nu, double level, double horizon) {
  check_level(level);
  FG_REQUIRE(sigma > 0 && horizon > 0, "sigma and horizon must be positive");
  FG_REQUIRE(nu > 2, "Student-t VaR needs more than 2 degrees of freedom, got {}", nu);
  const boost::math::students_t_distribution<double> td(nu);
  const double q = boost::math::quantile(td, level);
  const double s = sigma * std::sqrt(horizon) * std::sqrt((nu - 2) / nu);
  const double es_std = boost::math::pdf(td, q) / (1 - level) * (nu + q * q) / (nu - 1);
  return {level, -mu * horizon + s * q, -mu * horizon + s * es_std, 0};
}

std::vector<double> scenario_losses(const Scenarios& s, const std::vector<double>& weights,
                                    std::size_t horizon, bool log_returns) {
  FG_REQUIRE(weights.size() == s.assets, "{} weights given for {} assets", weights.size(),
             s.assets);
  FG_REQUIRE(horizon >= 1 && horizon <= s.horizon, "horizon {} outside the scenarios' 1..{} steps",
             horizon, s.horizon);
  std::vector<double> losses(s.paths);
  std::vector<double> acc(s.assets);
  for (std::size_t p = 0; p < s.paths; ++p) {
    const double* path = s.path(p);
    std::fill(acc.begin(), acc.end(), log_returns ? 0.0 : 1.0);
    for (std::size_t t = 0; t < horizon; ++t)
      for (std::size_t a = 0; a < s.assets; ++a) {
        const double r = path[t * s.assets + a];
        if (log_returns)
          acc[a] += r;
        else
          acc[a] *= 1.0 + r;
      }
    double ret = 0;
    for (std::size_t a = 0; a < s.assets; ++a)
      ret += weights[a] * ((log_returns ? std::exp(acc[a]) : acc[a]) - 1.0);
    losses[p] = -ret;
  }
  return losses;
}

std::vector<double> historical_losses(const Panel& returns, const std::vector<double>& weights,
                                      std::size_t horizon, bool log_returns) {
  returns.validate();
  FG_REQUIRE(weights.size() == returns.cols(), "{} weights given for {} series", weights.size(),
             returns.cols());
  FG_REQUIRE(horizon >= 1 && horizon <= returns.rows(),
             "horizon {} needs at least as many rows ({})", horizon, returns.rows());
  Scenarios s(returns.rows() - horizon + 1, horizon, returns.cols());
  for (std::size_t p = 0; p < s.paths; ++p)
    for (std::size_t t = 0; t < horizon; ++t)
      for (std::size_t a = 0; a < s.assets; ++a)
        s.at(p, t, a) =
            returns.values(static_cast<Eigen::Index>(p + t), static_cast<Eigen::Index>(a));
  return scenario_losses(s, weights, horizon, log_returns);
}

std::vector<double> portfolio_weights(const std::vector<double>& weights, std::size_t assets) {
  FG_REQUIRE(assets > 0, "no series to weight");
  if (weights.empty()) return std::vector<double>(assets, 1.0 / static_cast<double>(assets));
  FG_REQUIRE(weights.size() == assets, "{} weights given for {} series", weights.size(), assets);
  for (double v : weights) FG_REQUIRE(std::isfinite(v), "weights must be finite numbers");
  return weights;
}

}  // namespace fingen::risk
