/// @file writers.hpp
/// @brief Writing panels back to CSV (shortest round-trip number format, atomic file replace).
#pragma once

#include <string>

#include "fingen/core/panel.hpp"

namespace fingen::data {

/// CSV text of a panel: header "date|datetime|obs,NAME,...", one row per index value, numbers in
/// the shortest form that reads back to the same double, missing values empty.
std::string to_csv(const Panel& panel);

/// Writes to_csv(panel) to `path` atomically.
void write_csv(const std::string& path, const Panel& panel);

}  // namespace fingen::data
