/// @file json_numbers.hpp
/// @brief Numbers in the JSON files fingen writes: NaN and infinities (a missing value, a metric
///        that does not exist) become null, and null reads back as NaN; integers read back checked.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace fingen {

inline nlohmann::json json_number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json();
}
inline nlohmann::json json_numbers(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(json_number(x));
  return a;
}
inline std::vector<double> numbers_from_json(const nlohmann::json& a) {
  std::vector<double> v;
  for (const auto& x : a)
    v.push_back(x.is_null() ? std::numeric_limits<double>::quiet_NaN() : x.get<double>());
  return v;
}

/// `v` as an integer of type I. nlohmann's get<I>() converts whatever number it finds: 2.5 becomes
/// 2, -1 a huge unsigned count, and a float beyond I's range is undefined behaviour. Here anything
/// but an integer within I's range is a nlohmann::json::type_error, which readers already turn into
/// an error naming their file.
template <class I>
I json_integer(const nlohmann::json& v) {
  static_assert(std::is_integral_v<I> && !std::is_same_v<I, bool>);
  bool ok = false;
  if (v.is_number_unsigned()) {
    ok = v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<I>::max());
  } else if (v.is_number_integer()) {
    const auto x = v.get<std::int64_t>();
    ok = x >= 0
             ? static_cast<std::uint64_t>(x) <=
                   static_cast<std::uint64_t>(std::numeric_limits<I>::max())
             : std::is_signed_v<I> && x >= static_cast<std::int64_t>(std::numeric_limits<I>::min());
  }
  if (!ok)
    throw nlohmann::json::type_error::create(
        302, "expected an integer in range, got " + v.dump().substr(0, 40), nullptr);
  return static_cast<I>(v.is_number_unsigned() ? static_cast<I>(v.get<std::uint64_t>())
                                               : static_cast<I>(v.get<std::int64_t>()));
}

/// obj[key] as json_integer<I>, or `fallback` when obj has no such key.
template <class I>
I json_integer_or(const nlohmann::json& obj, const std::string& key, I fallback) {
  return obj.contains(key) ? json_integer<I>(obj.at(key)) : fallback;
}

}  // namespace fingen
