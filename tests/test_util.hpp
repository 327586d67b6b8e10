// Helpers shared by the tests: scratch directories and paths to test data.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

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

/// Rows of a golden CSV file (plain: no quotes, no embedded separators) as column -> text maps.
inline std::vector<std::map<std::string, std::string>> read_golden_csv(const std::string& name) {
  std::ifstream in(test_data(name));
  if (!in) throw std::runtime_error("cannot open golden file " + name);
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= l.size(); ++i)
      if (i == l.size() || l[i] == ',') {
        out.push_back(l.substr(start, i - start));
        start = i + 1;
      }
    return out;
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header.empty()) {
      header = split(line);
      continue;
    }
    const auto f = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t j = 0; j < header.size() && j < f.size(); ++j) row[header[j]] = f[j];
    rows.push_back(row);
  }
  return rows;
}

/// A golden number; "NA" reads as NaN.
inline double golden_number(const std::map<std::string, std::string>& row, const std::string& key) {
  const std::string& v = row.at(key);
  return v == "NA" ? std::numeric_limits<double>::quiet_NaN() : std::stod(v);
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
