#include "fingen/core/rng.hpp"

#include <cmath>

#include "fingen/core/error.hpp"

namespace fingen {

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Rng Rng::stream(std::uint64_t seed, std::uint64_t k) {
  return Rng(splitmix64(splitmix64(seed) ^ splitmix64(k + 1)));
}

std::uint64_t Rng::below(std::uint64_t n) {
  FG_REQUIRE(n > 0, "Rng::below needs n > 0");
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return x % n;
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

double Rng::gamma(double shape) {
  FG_REQUIRE(shape > 0 && std::isfinite(shape), "gamma shape must be positive, got {}", shape);
  if (shape < 1.0) {
    // Boost to shape + 1 and scale by U^(1/shape) (Marsaglia & Tsang 2000, section 6).
    const double g = gamma(shape + 1.0);
    double u = uniform();
    while (u == 0.0) u = uniform();
    return g * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Rng::student_t(double nu) {
  FG_REQUIRE(nu > 0 && std::isfinite(nu), "Student-t degrees of freedom must be positive, got {}",
             nu);
  const double z = normal();
  const double chi2 = 2.0 * gamma(0.5 * nu);
  return z / std::sqrt(chi2 / nu);
}

double Rng::standardized_t(double nu) {
  FG_REQUIRE(nu > 2, "a unit-variance Student-t needs more than 2 degrees of freedom, got {}", nu);
  return student_t(nu) * std::sqrt((nu - 2.0) / nu);
}

}  // namespace fingen
