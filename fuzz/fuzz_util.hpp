// Helpers shared by the libFuzzer harnesses: a scratch directory per process and file writing.
//
// A harness feeds the fuzzer's bytes to one reader of outside input. fingen::Error is the
// expected outcome for bad input and is caught; anything else (a crash, undefined behaviour, a
// leak, any other exception escaping) is a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

namespace fingen::fuzz {

/// A directory made once per process under $TMPDIR (default /tmp), removed at exit. Kept in a
/// static buffer, not a std::string, so it is still there when the atexit handler runs.
inline const std::string& scratch_dir() {
  static char path[4096];
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/fingen-fuzz-XXXXXX";
    if (tmpl.size() >= sizeof path || !::mkdtemp(tmpl.data())) std::abort();
    tmpl.copy(path, tmpl.size());
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    });
    return tmpl;
  }();
  return dir;
}

/// Writes bytes to scratch_dir()/name (plain stdio: the code under test is not used for this).
inline std::string write_scratch(const std::string& name, const std::uint8_t* data,
                                 std::size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  if (std::fclose(f) != 0) std::abort();
  return path;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace fingen::fuzz
