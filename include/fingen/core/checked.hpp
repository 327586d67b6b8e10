/// @file checked.hpp
/// @brief Size arithmetic that throws instead of wrapping around.
///
/// Sizes read from files or given on the command line (paths x horizon x assets, the dimensions in
/// a .npy header) are multiplied before anything is allocated. An unsigned product that wraps can
/// match a small real size and turn a crafted file into a huge allocation or an out-of-bounds
/// access (CWE-190, CWE-680), so every such product goes through checked_mul, which uses the
/// compiler's overflow-detecting builtins (GCC/Clang __builtin_mul_overflow,
/// __builtin_add_overflow) and throws a fingen::Error naming what was being computed.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "fingen/core/error.hpp"

namespace fingen {

/// a * b, or throws Error(category) "WHAT: A x B overflows" when the product does not fit in T.
template <class T>
T checked_mul(T a, T b, std::string_view what, ErrorCategory category = ErrorCategory::Usage) {
  static_assert(std::is_integral_v<T>, "checked_mul is for integers");
  T out{};
  if (__builtin_mul_overflow(a, b, &out))
    detail::throw_error(category, fmt::format("{}: {} x {} overflows", what, a, b));
  return out;
}

/// a + b, or throws Error(category) "WHAT: A + B overflows" when the sum does not fit in T.
template <class T>
T checked_add(T a, T b, std::string_view what, ErrorCategory category = ErrorCategory::Usage) {
  static_assert(std::is_integral_v<T>, "checked_add is for integers");
  T out{};
  if (__builtin_add_overflow(a, b, &out))
    detail::throw_error(category, fmt::format("{}: {} + {} overflows", what, a, b));
  return out;
}

}  // namespace fingen
