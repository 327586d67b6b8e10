#include "fingen/core/outputs.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/version.hpp"

namespace fingen {

std::string manifest_text(const std::string& command, const nlohmann::json& sections) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  nlohmann::json j{
      {"fingen_version", FINGEN_VERSION_STRING}, {"command", command}, {"created_utc", stamp}};
  j.update(sections);
  return j.dump(2) + "\n";
}

void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections) {
  write_file_atomic(path, manifest_text(command, sections));
}

std::string manifest_path_for(const std::string& output) {
  const std::size_t slash = output.find_last_of('/');
  const std::size_t dot = output.find_last_of('.');
  const std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                               ? output.substr(0, dot)
                               : output;
  return stem + ".manifest.json";
}

namespace {
// True when `dir` holds nothing but (nested) empty directories.
bool holds_no_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec))
    if (!it->is_directory(ec)) return false;
  return !ec;
}
}  // namespace

OutputDir::OutputDir(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path top;  // the topmost missing ancestor: what create_directories will make
  for (fs::path p = fs::path(path).lexically_normal(); !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p, ec) || ec) break;
    top = p;
    if (p == p.parent_path()) break;
  }
  std::error_code ec;
  fs::create_directories(path, ec);
  FG_CHECK(Io, !ec, "{}: cannot create the output directory: {}", path, ec.message());
  created_ = top.string();
}

OutputDir::~OutputDir() {
  if (keep_ || created_.empty()) return;
  std::error_code ec;
  if (holds_no_files(created_)) std::filesystem::remove_all(created_, ec);
}

}  // namespace fingen
