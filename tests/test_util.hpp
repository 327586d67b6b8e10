// Helpers shared by the tests: scratch directories and paths to test data.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"

namespace fingen::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fingen-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to a file in the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string bundled(const std::string& name) {
  return std::string(FINGEN_BUNDLED_DATA_DIR) + "/" + name;
}
inline std::string test_data(const std::string& name) {
  return std::string(FINGEN_TEST_DATA_DIR) + "/" + name;
}

/// Runs `body`, expects a fingen::Error of `category` whose message contains every `needle`.
template <class F>
void expect_error(F&& body, ErrorCategory category, std::initializer_list<std::string> needles) {
  try {
    body();
    ADD_FAILURE() << "expected a fingen::Error, nothing was thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), category) << e.what();
    for (const auto& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
          << "message lacks '" << n << "': " << e.what();
  }
}

}  // namespace fingen::test
