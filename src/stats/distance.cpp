#include "fingen/stats/distance.hpp"

#include <algorithm>
#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen::stats {
namespace {
void prepare(std::vector<double>& x, const char* what) {
  FG_REQUIRE(!x.empty(), "{}: empty sample", what);
  for (double v : x) FG_CHECK(Numeric, std::isfinite(v), "{}: sample has a non-finite value", what);
  std::sort(x.begin(), x.end());
}

// Sweeps the merged sorted samples, calling f(F, G, x_i, x_{i+1}) on every interval.
template <class F>
void sweep(const std::vector<double>& x, const std::vector<double>& y, F&& f) {
  const double nx = static_cast<double>(x.size()), ny = static_cast<double>(y.size());
  std::size_t i = 0, j = 0;
  double prev = std::min(x.front(), y.front());
  while (i < x.size() || j < y.size()) {
    const double next = j >= y.size() || (i < x.size() && x[i] <= y[j]) ? x[i] : y[j];
    f(static_cast<double>(i) / nx, static_cast<double>(j) / ny, prev, next);
    while (i < x.size() && x[i] == next) ++i;
    while (j < y.size() && y[j] == next) ++j;
    prev = next;
  }
  f(1.0, 1.0, prev, prev);
}
}  // namespace

double wasserstein1(std::vector<double> x, std::vector<double> y) {
  prepare(x, "wasserstein1");
  prepare(y, "wasserstein1");
  long double total = 0;
  sweep(x, y,
        [&](double fx, double fy, double a, double b) { total += std::abs(fx - fy) * (b - a); });
  return static_cast<double>(total);
}

double ks_statistic(std::vector<double> x, std::vector<double> y) {
  prepare(x, "ks_statistic");
  prepare(y, "ks_statistic");
  double d = 0;
  // Sup over points: evaluate right after each jump as well.
  sweep(x, y, [&](double fx, double fy, double, double) { d = std::max(d, std::abs(fx - fy)); });
  return d;
}

}  // namespace fingen::stats
