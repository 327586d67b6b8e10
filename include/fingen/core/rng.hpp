/// @file rng.hpp
/// @brief Seeded random numbers that are the same on every platform and for every thread count.
///
/// The engine is std::mt19937_64 (its output sequence is fixed by the C++ standard). Normal,
/// gamma and Student-t variates are drawn by fingen's own code (Marsaglia polar method; Marsaglia &
/// Tsang 2000 for gamma) instead of std:: distributions, whose algorithms differ between standard
/// libraries. Independent streams for parallel work come from Rng::stream(seed, k): each path of a
/// simulation uses its own stream, so results do not depend on how paths are spread over threads.
#pragma once

#include <cstdint>
#include <random>

namespace fingen {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// Stream k of a seed: a generator seeded by splitmix64 of (seed, k).
  static Rng stream(std::uint64_t seed, std::uint64_t k);

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n), n > 0 (Lemire's nearly-divisionless method would be faster;
  /// rejection keeps it exact and simple).
  std::uint64_t below(std::uint64_t n);
  /// Standard normal.
  double normal();
  /// Gamma(shape, 1), shape > 0.
  double gamma(double shape);
  /// Student-t with nu > 0 degrees of freedom (variance nu / (nu - 2) when nu > 2).
  double student_t(double nu);
  /// Student-t scaled to unit variance (nu > 2), as used for GARCH innovations.
  double standardized_t(double nu);

  std::mt19937_64& engine() noexcept { return engine_; }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// splitmix64 finaliser (Steele, Lea & Flood 2014), used to derive seeds.
std::uint64_t splitmix64(std::uint64_t x) noexcept;

}  // namespace fingen
