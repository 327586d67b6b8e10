#include "fingen/core/options.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "fingen/core/error.hpp"

namespace fingen {

namespace {
const OptionInfo* find(const std::vector<OptionInfo>& options, const std::string& key) {
  const auto it = std::find_if(options.begin(), options.end(),
                               [&](const OptionInfo& o) { return o.name == key; });
  return it == options.end() ? nullptr : &*it;
}
std::string known(const std::vector<OptionInfo>& options) {
  std::vector<std::string> names;
  for (const auto& o : options) names.push_back(o.name);
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}
std::string at(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}
}  // namespace

namespace detail {
nlohmann::json checked_option_value(const nlohmann::json& j, const std::string& key,
                                    const std::string& type, const std::string& where) {
  const nlohmann::json& v = j.at(key);
  bool ok = false;
  if (type == "bool")
    ok = v.is_boolean();
  else if (type == "int")
    ok = v.is_number_integer();
  else if (type == "uint")
    ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  else if (type == "number")
    ok = v.is_number() && std::isfinite(v.get<double>());
  else
    ok = v.is_string();
  const char* expected = type == "bool"     ? "true or false"
                         : type == "int"    ? "an integer"
                         : type == "uint"   ? "a non-negative integer"
                         : type == "number" ? "a finite number"
                                            : "a string";
  FG_REQUIRE(ok, "{}: expected {}, got {}", at(where, key), expected, v.dump());
  return v;
}
}  // namespace detail

void check_option_keys(const nlohmann::json& j, const std::vector<OptionInfo>& options,
                       const std::string& where) {
  FG_REQUIRE(j.is_object() || j.is_null(), "{}: expected an object of options, got {}",
             where.empty() ? std::string("options") : where, j.dump());
  if (j.is_null()) return;
  for (const auto& [key, value] : j.items())
    FG_REQUIRE(find(options, key) != nullptr, "{}: unknown option '{}' (options: {})",
               where.empty() ? std::string("options") : where, key, known(options));
}

nlohmann::json parse_option_assignments(const std::vector<std::string>& assignments,
                                        const std::vector<OptionInfo>& options,
                                        const std::string& where) {
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& a : assignments) {
    const auto eq = a.find('=');
    FG_REQUIRE(eq != std::string::npos && eq > 0, "{}: '{}' is not of the form key=value", where,
               a);
    const std::string key = a.substr(0, eq), text = a.substr(eq + 1);
    const OptionInfo* info = find(options, key);
    FG_REQUIRE(info != nullptr, "{}: unknown option '{}' (options: {})", where, key,
               known(options));
    const std::string& t = info->type;
    auto bad = [&](const char* expected) {
      FG_FAIL(Usage, "{}: option '{}' expects {}, got '{}'", where, key, expected, text);
    };
    if (t == "string") {
      out[key] = text;
    } else if (t == "bool") {
      if (text == "true" || text == "1" || text == "yes" || text == "on")
        out[key] = true;
      else if (text == "false" || text == "0" || text == "no" || text == "off")
        out[key] = false;
      else
        bad("true or false");
    } else if (t == "int" || t == "uint") {
      if (text.empty() || (t == "uint" && text[0] == '-'))
        bad(t == "int" ? "an integer" : "a non-negative integer");
      errno = 0;
      char* end = nullptr;
      if (t == "int") {
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (errno != 0 || *end != '\0') bad("an integer");
        out[key] = static_cast<int64_t>(v);
      } else {
        const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
        if (errno != 0 || *end != '\0') bad("a non-negative integer");
        out[key] = static_cast<uint64_t>(v);
      }
    } else {
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || errno != 0 || *end != '\0' || !std::isfinite(v)) bad("a finite number");
      out[key] = v;
    }
  }
  return out;
}

std::string describe_options(const std::vector<OptionInfo>& options) {
  std::string out;
  for (const auto& o : options)
    out +=
        fmt::format("  {} ({}, default {}): {}\n", o.name, o.type, o.default_value.dump(), o.help);
  return out;
}

}  // namespace fingen
