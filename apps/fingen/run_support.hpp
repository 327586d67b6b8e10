// Shared by the subcommands that read market data and write results: loading returns from a data
// file, and manifest.json files that make every output reproducible.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/panel.hpp"

namespace fingen::cli {

struct ReturnsSource {
  std::string file;
  std::vector<std::string> series;  ///< empty: OHLCV adjusted (or close), panel all columns
  bool returns = false;             ///< the file holds returns already
  std::string return_kind = "log";
  std::string start;  ///< first index value to use (inclusive), empty = from the start
  std::string end;    ///< last index value to use (inclusive), empty = to the end
};

/// Reads, selects, converts to returns and trims to [start, end]; rows with a missing return are
/// dropped. Throws fingen::Error naming the file for anything wrong.
Panel load_returns(const ReturnsSource& source);

/// {"file", "sha256", "rows", "first", "last", "series"} of what load_returns produced.
nlohmann::json describe_data(const ReturnsSource& source, const Panel& returns);

/// Writes a manifest: command, fingen version, UTC time, and the given sections.
void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections);

/// "runs/x/scen.npy" -> "runs/x/scen.manifest.json".
std::string manifest_path_for(const std::string& output);

}  // namespace fingen::cli
