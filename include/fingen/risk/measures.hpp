/// @file measures.hpp
/// @brief Value-at-Risk and Expected Shortfall from scenarios, history or a parametric model.
///
/// Sign convention, used everywhere in fingen: a loss is a positive number, L = -R, where R is the
/// portfolio's simple return over the horizon. VaR_a is the a-quantile of L (a = 0.99 means "a loss
/// exceeded on 1% of days"), ES_a = E[L | L >= VaR_a]. Both are reported as positive fractions of
/// the portfolio value.
/// Empirical estimates from n losses L_(1) <= ... <= L_(n): VaR = L_(k), the k-th smallest loss
/// with k = ceil(n a) (R's quantile type 1); ES is the Acerbi & Tasche (2002) estimator, the mean
/// of exactly m = n (1 - a) worst losses, the next one counted with the fractional weight:
///   ES = (L_(n) + ... + L_(n-f+1) + (m - f) L_(n-f)) / m,  f = floor(m),
/// (n (1 - a) within 1e-9 of an integer is taken as that integer; L_(n-f) is the VaR). Acerbi, C.
/// and Tasche, D. (2002), "On the coherence of expected shortfall", J. Banking & Finance 26,
/// 1487-1503, Prop. 4.1 / eq. (4.3). With 500 losses at 99% it is the mean of the worst 5. The
/// VaR confidence
/// interval is distribution-free from order statistics: the count of losses below the true VaR is
/// Binomial(n, a), so [L_(j), L_(m)] with j, m = n a -/+ z sqrt(n a (1 - a)) covers it with the
/// stated probability (normal approximation; David & Nagaraja 2003, 7.1).
/// Parametric (Jorion 2007; McNeil, Frey & Embrechts 2015, 2.2): over h days with daily mean mu and
/// volatility sigma, normal VaR = -mu h + sigma sqrt(h) z_a, ES = -mu h + sigma sqrt(h)
/// phi(z_a)/(1-a); Student-t scaled to unit variance with nu degrees of freedom, s =
/// sqrt((nu-2)/nu), q = t_nu^{-1}(a): VaR = -mu h + sigma sqrt(h) s q, ES = -mu h + sigma sqrt(h) s
/// g_nu(q)/(1-a) (nu + q^2)/(nu - 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::risk {

struct VarEs {
  double level = 0;
  double var = 0;
  double es = 0;
  std::size_t n = 0;  ///< number of losses behind an empirical estimate (0 for parametric)
};

struct VarEsInterval {
  VarEs estimate;
  double confidence = 0;          ///< e.g. 0.95
  double var_lo = 0, var_hi = 0;  ///< order-statistic interval for VaR
  double es_lo = 0, es_hi = 0;    ///< bootstrap percentile interval for ES
};

/// Empirical VaR and ES of a sample of losses (reordered in place; linear time: selection, not a
/// full sort).
VarEs empirical_var_es(std::vector<double>& losses, double level);

/// Fewest bootstrap resamples empirical_var_es_interval accepts.
inline constexpr std::size_t kMinEsBootstrap = 100;

/// Empirical VaR/ES with a `confidence` interval: order statistics for VaR, `bootstrap` resamples
/// (seeded; at least kMinEsBootstrap, else Error(Usage)) for ES, each resample's ES computed by
/// empirical_var_es as the estimate is.
VarEsInterval empirical_var_es_interval(std::vector<double> losses, double level,
                                        double confidence = 0.95, std::size_t bootstrap = 500,
                                        std::uint64_t seed = 1);

/// The worst losses of a sample too large to hold, seen in pieces (blocks of generated paths, the
/// shares of several processes): empirical VaR/ES and the order-statistic VaR interval need only
/// the largest n (1 - a) + 1 losses (more for the interval), and the count. VaR and its interval
/// are exactly those of empirical_var_es(_interval) on the whole sample; the ES too, up to the
/// order of its sum (it adds the tail from the worst loss down; measured: equal within 1e-15).
class LossTail {
 public:
  /// For a sample of `n` losses, estimates at `levels` and VaR intervals at `confidence` (0: none).
  LossTail(std::size_t n, const std::vector<double>& levels, double confidence = 0);
  /// More losses (any order); Error(Numeric) for one that is not finite, Error(Usage) past n.
  void add(const double* losses, std::size_t count);
  /// Another tail's worst losses (another piece of the same sample, its `count` losses in all).
  void merge(const std::vector<double>& worst, std::size_t count);
  /// The worst losses kept, largest first (at most keep()).
  const std::vector<double>& worst();
  std::size_t keep() const noexcept { return keep_; }
  std::size_t seen() const noexcept { return seen_; }
  /// Estimates once all n losses were seen (Error(Usage) before, or for a level not given).
  VarEs var_es(double level);
  /// The VaR interval of empirical_var_es_interval at `level`: {lo, hi}.
  std::pair<double, double> var_interval(double level);

 private:
  void trim();  // keeps the keep_ largest of buf_
  std::size_t n_, keep_, seen_ = 0;
  double confidence_;
  std::vector<double> levels_, buf_;
  bool sorted_ = false;
};

VarEs normal_var_es(double mu, double sigma, double level, double horizon = 1);
VarEs student_t_var_es(double mu, double sigma, double nu, double level, double horizon = 1);

/// Portfolio weights over `assets` series: equal weights when `weights` is empty, else `weights`
/// themselves, which must be one finite number per series (Error(Usage) otherwise). Weights need
/// not sum to one (a leveraged or a long-short book).
std::vector<double> portfolio_weights(const std::vector<double>& weights, std::size_t assets);

/// Portfolio losses over `horizon` steps from scenarios of per-step log returns (or simple returns
/// with log_returns = false): asset i's horizon return R_i = exp(sum r) - 1, the portfolio's
/// R = sum_i w_i R_i (weights on values, need not sum to 1), loss = -R. Uses the first `horizon`
/// steps of each path.
std::vector<double> scenario_losses(const Scenarios& scenarios, const std::vector<double>& weights,
                                    std::size_t horizon, bool log_returns = true);

/// Historical portfolio losses over `horizon` days (overlapping windows) from a returns panel.
std::vector<double> historical_losses(const Panel& returns, const std::vector<double>& weights,
                                      std::size_t horizon, bool log_returns = true);

}  // namespace fingen::risk
