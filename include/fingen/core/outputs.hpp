/// @file outputs.hpp
/// @brief What every output of fingen carries: a manifest (command, version, UTC time, options,
/// input checksums) written atomically beside it, and output directories that vanish again when
/// the work that created them fails before writing anything.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fingen {

/// A manifest's text: {"fingen_version", "command", "created_utc"} and then `sections`, as
/// indented JSON with a final newline.
std::string manifest_text(const std::string& command, const nlohmann::json& sections);

/// Writes manifest_text() to `path` atomically.
void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections);

/// The manifest beside an output file: "runs/x/scen.npy" -> "runs/x/scen.manifest.json".
std::string manifest_path_for(const std::string& output);

/// An output directory: made (with its parents) on construction, and removed again on
/// destruction unless keep() was called, provided this object created it and it still holds no
/// files (only empty directories). So a failed fit leaves no empty model directory behind, while
/// one with checkpoints to resume from stays. Error(Io) naming the path if it cannot be made.
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

}  // namespace fingen
