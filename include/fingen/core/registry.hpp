/// @file registry.hpp
/// @brief A named set of kinds (detectors, oversamplers, ...), filled by static registration in
///        the library that implements them and looked up by name, thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fingen/core/error.hpp"

namespace fingen {

/// Kind must have a std::string member `name`. Entries never move once added (std::map nodes),
/// so references returned by get() stay valid.
template <class Kind>
class Registry {
 public:
  /// `what` names an entry in errors: "unknown <what> 'x': expected a, b".
  explicit Registry(std::string what) : what_(std::move(what)) {}

  void add(Kind kind) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string name = kind.name;
    map_[std::move(name)] = std::move(kind);
  }
  /// Error(Usage) naming the known entries for an unknown name.
  const Kind& get(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = map_.find(name);
    if (it == map_.end()) {
      std::string known;
      for (const auto& [k, v] : map_) known += (known.empty() ? "" : ", ") + k;
      FG_FAIL(Usage, "unknown {} '{}': expected {}", what_, name, known);
    }
    return it->second;
  }
  bool contains(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return map_.count(name) > 0;
  }
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [k, v] : map_) out.push_back(k);
    return out;
  }

 private:
  std::string what_;
  mutable std::mutex mutex_;
  std::map<std::string, Kind> map_;
};

}  // namespace fingen
