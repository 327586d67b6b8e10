/// @file vmath.hpp
/// @brief Elementwise math over arrays with the C library's vector routines where it has them.
#pragma once
#include <cstddef>

namespace fingen {

/// y[k] = exp(x[k]) for k < n (x and y may be the same array). On x86-64 with glibc this calls
/// libmvec, glibc's vectorised math library (4 values per call on CPUs with AVX2, else 2), within
/// 4 ulp of std::exp; elsewhere std::exp. The choice is made once per process from the CPU, so
/// one machine always gives the same bits.
void exp_into(const double* x, double* y, std::size_t n);

}  // namespace fingen
