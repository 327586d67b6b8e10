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

/// A manifest's text: command, fingen version, UTC time, and the given sections.
std::string manifest_text(const std::string& command, const nlohmann::json& sections);
/// Writes manifest_text() to `path` atomically.
void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections);

/// An output directory a command creates: made (with its parents) on construction, and removed
/// again on destruction unless keep() was called, provided this object created it and it still
/// holds no files (only empty directories). So a failed `fingen fit` leaves no empty model
/// directory behind, while one with checkpoints to --resume from stays.
class OutputDir {
 public:
  explicit OutputDir(const std::string& path);
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();
  void keep() noexcept { keep_ = true; }

 private:
  std::string created_;  ///< the topmost directory this object created (empty: none)
  bool keep_ = false;
};

/// "runs/x/scen.npy" -> "runs/x/scen.manifest.json".
std::string manifest_path_for(const std::string& output);

}  // namespace fingen::cli
