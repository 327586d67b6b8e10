#include "run_support.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/version.hpp"

namespace fingen::cli {

nlohmann::json describe_data(const ReturnsSource& source, const Panel& returns) {
  return {{"file", source.file},
          {"sha256", sha256_file(source.file)},
          {"values", source.returns ? "returns" : "prices"},
          {"return_kind", source.return_kind},
          {"rows", returns.rows()},
          {"first", format_index(returns.kind, returns.index.front())},
          {"last", format_index(returns.kind, returns.index.back())},
          {"series", returns.names}};
}

void write_manifest(const std::string& path, const std::string& command,
                    const nlohmann::json& sections) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  nlohmann::json j{
      {"fingen_version", FINGEN_VERSION_STRING}, {"command", command}, {"created_utc", stamp}};
  j.update(sections);
  write_file_atomic(path, j.dump(2) + "\n");
}

std::string manifest_path_for(const std::string& output) {
  const std::size_t slash = output.find_last_of('/');
  const std::size_t dot = output.find_last_of('.');
  const std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                               ? output.substr(0, dot)
                               : output;
  return stem + ".manifest.json";
}

}  // namespace fingen::cli
