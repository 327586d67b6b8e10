// Binary classification scores. Definitions: AUROC as the Mann–Whitney U statistic over n+ n-
// (Hanley & McNeil 1982); average precision as scikit-learn's average_precision_score defines
// it (the step-wise area, no interpolation); Brier (1950).
#include "fingen/eval/classification.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "fingen/core/error.hpp"

namespace fingen::eval {

namespace {
void check(const std::vector<double>& s, const std::vector<int>& y, const char* what) {
  FG_REQUIRE(s.size() == y.size(), "{}: {} scores for {} labels", what, s.size(), y.size());
  FG_REQUIRE(!s.empty(), "{}: no scores", what);
  for (double v : s) FG_REQUIRE(std::isfinite(v), "{}: a score is not finite", what);
  for (int v : y) FG_REQUIRE(v == 0 || v == 1, "{}: labels must be 0 or 1, got {}", what, v);
}

/// Row numbers by decreasing score (stable: ties in row order).
std::vector<std::size_t> by_score(const std::vector<double>& s) {
  std::vector<std::size_t> o(s.size());
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
  return o;
}

std::size_t positives(const std::vector<int>& y) {
  return static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
}
}  // namespace

double auroc(const std::vector<double>& s, const std::vector<int>& y) {
  check(s, y, "auroc");
  const std::size_t np = positives(y), nn = y.size() - np;
  FG_REQUIRE(np > 0 && nn > 0, "auroc: needs both classes ({} positives, {} negatives)", np, nn);
  // Average ranks (ties share their mean rank), then U = sum of positive ranks - np (np + 1) / 2.
  std::vector<std::size_t> o(s.size());
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
  double rank_sum = 0;
  for (std::size_t i = 0; i < o.size();) {
    std::size_t j = i;
    while (j < o.size() && s[o[j]] == s[o[i]]) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (y[o[k]]) rank_sum += rank;
    i = j;
  }
  const double dp = static_cast<double>(np), dn = static_cast<double>(nn);
  return (rank_sum - dp * (dp + 1) / 2) / (dp * dn);
}

std::vector<CurvePoint> curve(const std::vector<double>& s, const std::vector<int>& y) {
  check(s, y, "curve");
  const std::size_t np = positives(y), nn = y.size() - np;
  FG_REQUIRE(np > 0 && nn > 0, "curve: needs both classes ({} positives, {} negatives)", np, nn);
  const auto o = by_score(s);
  std::vector<CurvePoint> out{{0, 0, 1}};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < o.size();) {
    std::size_t j = i;
    for (; j < o.size() && s[o[j]] == s[o[i]]; ++j) (y[o[j]] ? tp : fp) += 1;
    out.push_back({fp / static_cast<double>(nn), tp / static_cast<double>(np), tp / (tp + fp)});
    i = j;
  }
  return out;
}

double average_precision(const std::vector<double>& s, const std::vector<int>& y) {
  check(s, y, "average_precision");
  const std::size_t np = positives(y);
  FG_REQUIRE(np > 0, "average_precision: no positives");
  const auto o = by_score(s);
  double ap = 0, tp = 0, fp = 0, last_recall = 0;
  for (std::size_t i = 0; i < o.size();) {
    std::size_t j = i;
    for (; j < o.size() && s[o[j]] == s[o[i]]; ++j) (y[o[j]] ? tp : fp) += 1;
    const double recall = tp / static_cast<double>(np), precision = tp / (tp + fp);
    ap += (recall - last_recall) * precision;
    last_recall = recall;
    i = j;
  }
  return ap;
}

double precision_at_k(const std::vector<double>& s, const std::vector<int>& y, std::size_t k) {
  check(s, y, "precision_at_k");
  FG_REQUIRE(k >= 1 && k <= s.size(), "precision_at_k: k must be in 1..{}, got {}", s.size(), k);
  const auto o = by_score(s);
  double tp = 0;
  for (std::size_t i = 0; i < k; ++i) tp += y[o[i]];
  return tp / static_cast<double>(k);
}

double recall_at_fpr(const std::vector<double>& s, const std::vector<int>& y, double fpr) {
  check(s, y, "recall_at_fpr");
  FG_REQUIRE(fpr >= 0 && fpr <= 1, "recall_at_fpr: fpr must be in [0, 1], got {}", fpr);
  const std::size_t np = positives(y), nn = y.size() - np;
  FG_REQUIRE(np > 0 && nn > 0, "recall_at_fpr: needs both classes");
  const auto o = by_score(s);
  double tp = 0, fp = 0, best = 0;
  for (std::size_t i = 0; i < o.size();) {
    std::size_t j = i;
    for (; j < o.size() && s[o[j]] == s[o[i]]; ++j) (y[o[j]] ? tp : fp) += 1;
    if (fp / static_cast<double>(nn) > fpr) break;
    best = tp / static_cast<double>(np);
    i = j;
  }
  return best;
}

double brier(const std::vector<double>& p, const std::vector<int>& y) {
  check(p, y, "brier");
  double s = 0;
  for (std::size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return s / static_cast<double>(p.size());
}

std::vector<CalibrationBin> calibration(const std::vector<double>& p, const std::vector<int>& y,
                                        std::size_t bins) {
  check(p, y, "calibration");
  FG_REQUIRE(bins >= 1 && bins <= 1000, "calibration: bins must be in 1..1000");
  for (double v : p) FG_REQUIRE(v >= 0 && v <= 1, "calibration: probabilities must be in [0, 1]");
  std::vector<CalibrationBin> out(bins);
  std::vector<double> sp(bins, 0), sy(bins, 0);
  for (std::size_t b = 0; b < bins; ++b) {
    out[b].lower = static_cast<double>(b) / static_cast<double>(bins);
    out[b].upper = static_cast<double>(b + 1) / static_cast<double>(bins);
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto b = std::min(bins - 1, static_cast<std::size_t>(p[i] * static_cast<double>(bins)));
    ++out[b].n;
    sp[b] += p[i];
    sy[b] += y[i];
  }
  for (std::size_t b = 0; b < bins; ++b) {
    const double n = static_cast<double>(out[b].n);
    out[b].mean_predicted = out[b].n ? sp[b] / n : std::numeric_limits<double>::quiet_NaN();
    out[b].observed = out[b].n ? sy[b] / n : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

}  // namespace fingen::eval
