/// @file json_numbers.hpp
/// @brief Numbers in the JSON files fingen writes: NaN and infinities (a missing value, a metric
///        that does not exist) become null, and null reads back as NaN.
#pragma once

#include <cmath>
#include <limits>
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

}  // namespace fingen
