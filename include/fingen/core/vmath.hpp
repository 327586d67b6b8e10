/// @file vmath.hpp
/// @brief Elementwise math over arrays with the C library's vector routines where it has them.
#pragma once
#include <cstddef>

namespace fingen {

/// Whether fingen's kernels with AVX2 versions (exp_into, the trading engine) use them: the CPU
/// has AVX2 and the environment variable FINGEN_SIMD is not "sse2" (read once, at first use).
bool avx2_kernels();
/// Turns the AVX2 versions off (false) or back on where the CPU has AVX2 (true); for tests.
void set_avx2_kernels(bool on);

/// y[k] = exp(x[k]) for k < n (x and y may be the same array). On x86-64 with glibc this calls
/// libmvec, glibc's vectorised math library (4 values per call on CPUs with AVX2, else 2), within
/// 4 ulp of std::exp; elsewhere std::exp. One machine always gives the same bits (for one
/// avx2_kernels() setting).
void exp_into(const double* x, double* y, std::size_t n);

}  // namespace fingen
