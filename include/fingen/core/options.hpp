/// @file options.hpp
/// @brief Options declared once: chainable setters (LibTorch's TORCH_ARG style) and, for the
/// options of a pluggable component, a single X-macro list that also gives their JSON form, their
/// descriptions and `key=value` parsing.
///
///   struct ScalerOptions { FG_ARG(double, clip) = 0.0; };
///   auto o = ScalerOptions().clip(5.0);  // o.clip() == 5.0
///
/// A component whose options are set from the command line (`--set key=value`), a config file or
/// Python lists them once:
///
///   #define MY_OPTIONS(X) X(int64_t, steps, 1500, "training steps") X(double, lr, 2e-4, "...")
///   struct MyOptions { MY_OPTIONS(FG_OPTION_FIELD) };
///
/// and its .cpp derives everything else from the same list with FG_OPTION_INFO, FG_OPTION_TO_JSON
/// and FG_OPTION_FROM_JSON (see gan.cpp). Unknown keys and values of the wrong type are errors.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

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

namespace fingen {

/// One declared option: its key, value type ("int", "uint", "number", "bool", "string"), default
/// and one-line description.
struct OptionInfo {
  std::string name;
  std::string type;
  nlohmann::json default_value;
  std::string help;
};

namespace detail {
template <class T>
const char* option_type_name() {
  if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    return "int";
  else if constexpr (std::is_integral_v<T>)
    return "uint";
  else if constexpr (std::is_floating_point_v<T>)
    return "number";
  else
    return "string";
}
/// The value of `key` in `j` as the option's type; Error(Usage) naming `where.key` when the JSON
/// value has another type (2.5 for an integer, -1 for an unsigned one, "3" for a number).
nlohmann::json checked_option_value(const nlohmann::json& j, const std::string& key,
                                    const std::string& type, const std::string& where);
}  // namespace detail

/// Rejects keys of `j` (an object) that are not declared: Error(Usage) naming `where`, the key and
/// the allowed keys.
void check_option_keys(const nlohmann::json& j, const std::vector<OptionInfo>& options,
                       const std::string& where);

/// Turns `key=value` assignments into a JSON object of typed values (`steps=3000` -> 3000,
/// `regime=true` -> true); unknown keys and unparseable values are Error(Usage) naming `where`.
nlohmann::json parse_option_assignments(const std::vector<std::string>& assignments,
                                        const std::vector<OptionInfo>& options,
                                        const std::string& where);

/// "  key (type, default D): help" lines for --help texts and `fingen info`.
std::string describe_options(const std::vector<OptionInfo>& options);

}  // namespace fingen

/// Declares one option as a chainable field with its default.
#define FG_OPTION_FIELD(T, name, def, help) FG_ARG(T, name) = def;
/// One OptionInfo per option (inside a braced list).
#define FG_OPTION_INFO(T, name, def, help)                                                     \
  ::fingen::OptionInfo{#name, ::fingen::detail::option_type_name<T>(), nlohmann::json(T(def)), \
                       help},
/// Writes option `name` of the options object `o` into the JSON object `j`.
#define FG_OPTION_TO_JSON(T, name, def, help) j[#name] = o.name();
/// Reads option `name` from the JSON object `j` into `o` if present (type-checked; `where` names
/// the place for errors).
#define FG_OPTION_FROM_JSON(T, name, def, help)                                                   \
  if (j.contains(#name))                                                                          \
    o.name(::fingen::detail::checked_option_value(j, #name,                                       \
                                                  ::fingen::detail::option_type_name<T>(), where) \
               .template get<T>());
