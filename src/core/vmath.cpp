#include "fingen/core/vmath.hpp"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>

#if defined(FINGEN_HAVE_LIBMVEC)
#include <immintrin.h>
// The vector variants of exp in glibc's libmvec, named by the x86-64 vector function ABI:
// 'b' = SSE (2 doubles), 'd' = AVX2 (4 doubles).
extern "C" __m128d _ZGVbN2v_exp(__m128d);
extern "C" __attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d);
#endif

namespace fingen {

namespace {
#if defined(FINGEN_HAVE_LIBMVEC)
__attribute__((target("avx2"))) std::size_t exp_by4(const double* x, double* y, std::size_t n) {
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) _mm256_storeu_pd(y + k, _ZGVdN4v_exp(_mm256_loadu_pd(x + k)));
  return k;
}
std::size_t exp_by2(const double* x, double* y, std::size_t n) {
  std::size_t k = 0;
  for (; k + 2 <= n; k += 2) _mm_storeu_pd(y + k, _ZGVbN2v_exp(_mm_loadu_pd(x + k)));
  return k;
}
#endif
}  // namespace

namespace {
bool cpu_has_avx2() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();  // harmless after start-up; needed if called from a static constructor
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}
std::atomic<bool>& avx2_setting() {
  static std::atomic<bool> on{[] {
    const char* env = std::getenv("FINGEN_SIMD");
    return cpu_has_avx2() && !(env && std::strcmp(env, "sse2") == 0);
  }()};
  return on;
}
}  // namespace

bool avx2_kernels() {
  return avx2_setting().load(std::memory_order_relaxed);
}

void set_avx2_kernels(bool on) {
  avx2_setting().store(on && cpu_has_avx2(), std::memory_order_relaxed);
}

void exp_into(const double* x, double* y, std::size_t n) {
  std::size_t done = 0;
#if defined(FINGEN_HAVE_LIBMVEC)
  done = avx2_kernels() ? exp_by4(x, y, n) : exp_by2(x, y, n);
#endif
  for (std::size_t k = done; k < n; ++k) y[k] = std::exp(x[k]);
}

}  // namespace fingen
