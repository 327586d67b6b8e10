// Shared by the subcommands that read market data and write results: loading returns from a data
// file, and manifest.json files that make every output reproducible.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/panel.hpp"
#include "fingen/data/load.hpp"

namespace fingen::cli {

using data::load_returns;
using data::ReturnsSource;

/// {"file", "sha256", "rows", "first", "last", "series"} of what load_returns produced.
nlohmann::json describe_data(const ReturnsSource& source, const Panel& returns);

/// Writes a manifest: command, fingen version, UTC time, and the given sections.
void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections);

/// "runs/x/scen.npy" -> "runs/x/scen.manifest.json".
std::string manifest_path_for(const std::string& output);

}  // namespace fingen::cli
