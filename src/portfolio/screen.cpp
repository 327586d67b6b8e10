#include "fingen/portfolio/screen.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/risk/measures.hpp"

namespace fingen::portfolio {

namespace {
void evaluate(Candidate& c, const std::vector<double>& growth, const Scenarios& s,
              const ScreenOptions& o) {
  const std::size_t P = s.paths, H = s.horizon, N = s.assets;
  std::vector<double> final_loss(P);
  double sum = 0, sum_sq = 0, shift = 0;
  std::size_t steps = 0, deep = 0;
  for (std::size_t p = 0; p < P; ++p) {
    const double* g = growth.data() + p * H * N;
    double prev = 1, peak = 1, mdd = 0;
    for (std::size_t t = 0; t < H; ++t) {
      double v = 0;
      for (std::size_t i = 0; i < N; ++i) v += c.weights[i] * g[t * N + i];
      const double r = v / prev - 1;
      if (steps == 0) shift = r;
      sum += r - shift;
      sum_sq += (r - shift) * (r - shift);
      ++steps;
      peak = std::max(peak, v);
      mdd = std::max(mdd, 1 - v / peak);
      prev = v;
    }
    final_loss[p] = 1 - prev;
    deep += mdd > o.drawdown;
  }
  double mean_loss = 0;
  for (double l : final_loss) mean_loss += l;
  c.expected_return = -mean_loss / static_cast<double>(P);
  const auto n = static_cast<double>(steps);
  const double mean = shift + sum / n;
  const double sd = std::sqrt(std::max(sum_sq - sum * sum / n, 0.0) / (n - 1));
  c.sharpe = sd > 0 ? mean / sd * std::sqrt(o.periods_per_year) : 0.0;
  c.drawdown_probability = static_cast<double>(deep) / static_cast<double>(P);
  c.cvar = risk::empirical_var_es(final_loss, 1 - o.alpha).es;
  c.passed = true;
  auto check = [&](bool set, bool ok, std::string text) {
    if (!set) return;
    c.checks.push_back(std::move(text));
    c.passed = c.passed && ok;
  };
  check(!std::isnan(o.min_return), c.expected_return >= o.min_return,
        fmt::format("expected return {:.4f} {} {:.4f}", c.expected_return,
                    c.expected_return >= o.min_return ? ">=" : "<", o.min_return));
  check(
      !std::isnan(o.max_cvar), c.cvar <= o.max_cvar,
      fmt::format("CVaR {:.4f} {} {:.4f}", c.cvar, c.cvar <= o.max_cvar ? "<=" : ">", o.max_cvar));
  check(!std::isnan(o.min_sharpe), c.sharpe >= o.min_sharpe,
        fmt::format("Sharpe {:.3f} {} {:.3f}", c.sharpe, c.sharpe >= o.min_sharpe ? ">=" : "<",
                    o.min_sharpe));
  check(!std::isnan(o.max_drawdown_probability),
        c.drawdown_probability <= o.max_drawdown_probability,
        fmt::format("P(drawdown > {:.0f}%) {:.3f} {} {:.3f}", 100 * o.drawdown,
                    c.drawdown_probability,
                    c.drawdown_probability <= o.max_drawdown_probability ? "<=" : ">",
                    o.max_drawdown_probability));
}
}  // namespace

ScreenResult screen(const Scenarios& s, const std::vector<Portfolio>& given,
                    const ScreenOptions& o) {
  FG_REQUIRE(s.paths >= 2 && s.horizon >= 2 && s.assets >= 1,
             "screening needs at least 2 paths of 2 steps, got {} x {}", s.paths, s.horizon);
  FG_REQUIRE(o.alpha > 0 && o.alpha < 1, "alpha must be in (0, 1), got {}", o.alpha);
  FG_REQUIRE(static_cast<double>(s.paths) * o.alpha >= 1,
             "{} paths leave no tail at alpha {}: use more paths", s.paths, o.alpha);
  FG_REQUIRE(o.drawdown > 0 && o.drawdown < 1, "the drawdown threshold must be in (0, 1), got {}",
             o.drawdown);
  FG_REQUIRE(o.rank_by == "sharpe" || o.rank_by == "expected_return" || o.rank_by == "cvar",
             "rank by sharpe, expected_return or cvar, got '{}'", o.rank_by);
  FG_REQUIRE(o.random <= 1000000, "at most 1,000,000 random candidates, got {}", o.random);
  const std::size_t N = s.assets;
  std::vector<Candidate> cands;
  for (const Portfolio& p : given) {
    FG_REQUIRE(p.weights.size() == N, "portfolio '{}' has {} weights for {} assets", p.method,
               p.weights.size(), N);
    cands.push_back({p.method, p.weights, 0, 0, 0, 0, false, {}});
  }
  if (o.single_assets)
    for (std::size_t i = 0; i < N; ++i) {
      std::vector<double> w(N, 0.0);
      w[i] = 1;
      cands.push_back({"asset " + (i < s.names.size() ? s.names[i] : std::to_string(i + 1)),
                       w,
                       0,
                       0,
                       0,
                       0,
                       false,
                       {}});
    }
  // Uniform on the simplex: normalised standard exponentials (a flat Dirichlet).
  Rng rng(o.seed);
  for (std::size_t k = 0; k < o.random; ++k) {
    std::vector<double> w(N);
    double total = 0;
    for (double& v : w) {
      v = -std::log1p(-rng.uniform());
      total += v;
    }
    for (double& v : w) v /= total;
    cands.push_back({fmt::format("random {}", k + 1), w, 0, 0, 0, 0, false, {}});
  }
  FG_REQUIRE(!cands.empty(), "no candidates to screen");
  // Each asset's growth along each path, exp of the cumulative log return.
  std::vector<double> growth(s.data.size());
  for (std::size_t p = 0; p < s.paths; ++p)
    for (std::size_t i = 0; i < N; ++i) {
      double cum = 0;
      for (std::size_t t = 0; t < s.horizon; ++t) {
        const std::size_t at = (p * s.horizon + t) * N + i;
        cum += s.data[at];
        growth[at] = std::exp(cum);
      }
    }
  const auto C = static_cast<std::int64_t>(cands.size());
#pragma omp parallel for schedule(dynamic, 8)
  for (std::int64_t k = 0; k < C; ++k) evaluate(cands[static_cast<std::size_t>(k)], growth, s, o);
  ScreenResult r;
  r.evaluated = cands.size();
  for (auto& c : cands)
    if (c.passed) r.passed.push_back(std::move(c));
  auto key = [&](const Candidate& c) {
    return o.rank_by == "sharpe"            ? -c.sharpe
           : o.rank_by == "expected_return" ? -c.expected_return
                                            : c.cvar;
  };
  std::stable_sort(r.passed.begin(), r.passed.end(),
                   [&](const Candidate& a, const Candidate& b) { return key(a) < key(b); });
  return r;
}

nlohmann::json to_json(const ScreenResult& r, const std::vector<std::string>& names) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : r.passed) {
    nlohmann::json w = nlohmann::json::object();
    for (std::size_t i = 0; i < c.weights.size(); ++i)
      w[i < names.size() ? names[i] : fmt::format("asset{}", i + 1)] = c.weights[i];
    list.push_back({{"label", c.label},
                    {"weights", w},
                    {"expected_return", c.expected_return},
                    {"cvar", c.cvar},
                    {"sharpe", c.sharpe},
                    {"drawdown_probability", c.drawdown_probability},
                    {"checks", c.checks}});
  }
  return {{"evaluated", r.evaluated}, {"passed", list}};
}

}  // namespace fingen::portfolio
