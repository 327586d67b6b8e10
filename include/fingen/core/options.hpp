/// @file options.hpp
/// @brief FG_ARG: chainable option setters, in the style of LibTorch's TORCH_ARG.
///
///   struct ScalerOptions { FG_ARG(double, clip) = 0.0; };
///   auto o = ScalerOptions().clip(5.0);  // o.clip() == 5.0
#pragma once

#include <utility>

#define FG_ARG(T, name)                                    \
 public:                                                   \
  inline auto name(const T& new_##name)->decltype(*this) { \
    this->name##_ = new_##name;                            \
    return *this;                                          \
  }                                                        \
  inline auto name(T&& new_##name)->decltype(*this) {      \
    this->name##_ = std::move(new_##name);                 \
    return *this;                                          \
  }                                                        \
  inline const T& name() const noexcept {                  \
    return this->name##_;                                  \
  }                                                        \
  inline T& name() noexcept {                              \
    return this->name##_;                                  \
  }                                                        \
                                                           \
 private:                                                  \
  T name##_
