#include "fingen/core/io.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen {
namespace {

TEST(Io, Sha256KnownVectors) {
  // FIPS 180-2 appendix B test vectors.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Io, BundledDataMatchesItsChecksums) {
  EXPECT_EQ(sha256_file(test::bundled("sp500_ohlcv_2000_2020.csv")),
            "45d83d7ac74db4034f5ab0883340a96372f52b51c135ea1a03e8745028a44a5c");
}

TEST(Io, AtomicWriteCreatesAndReplaces) {
  test::TempDir dir;
  const std::string p = dir.file("out.txt");
  write_file_atomic(p, "first");
  EXPECT_EQ(read_file(p), "first");
  write_file_atomic(p, "second, longer");
  EXPECT_EQ(read_file(p), "second, longer");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u) << "a temporary file was left behind";
}

TEST(Io, AtomicWriteIntoMissingDirectoryFailsCleanly) {
  test::TempDir dir;
  const std::string p = dir.file("no/such/dir/out.txt");
  test::expect_error([&] { write_file_atomic(p, "x"); }, ErrorCategory::Io, {p, "cannot create"});
  EXPECT_FALSE(std::filesystem::exists(p));
}

TEST(Io, ReadMissingFileNamesIt) {
  test::expect_error([] { read_file("/nonexistent/prices.csv"); }, ErrorCategory::Io,
                     {"/nonexistent/prices.csv"});
}

TEST(Io, ValidateNameAcceptsPlainNamesOnly) {
  for (const std::string& ok : std::vector<std::string>{"garch", "AA.npy", "run-1_b", ".hidden",
                                                        "x", std::string(128, 'a')})
    EXPECT_NO_THROW(validate_name(ok, "run name")) << ok;
  test::expect_error([] { validate_name("", "run name"); }, ErrorCategory::Usage,
                     {"run name is empty"});
  test::expect_error([] { validate_name("..", "model name"); }, ErrorCategory::Usage,
                     {"model name '..'"});
  test::expect_error([] { validate_name(".", "model name"); }, ErrorCategory::Usage,
                     {"model name '.'"});
  test::expect_error([] { validate_name(std::string(129, 'a'), "series name"); },
                     ErrorCategory::Usage, {"series name", "129 characters", "128"});
  test::expect_error([] { validate_name("../../../x.npy", "history file"); }, ErrorCategory::Usage,
                     {"history file", "'/' at position 3"});
  test::expect_error([] { validate_name("/etc/passwd", "history file"); }, ErrorCategory::Usage,
                     {"'/' at position 1"});
  test::expect_error([] { validate_name(std::string("a\0b", 3), "name"); }, ErrorCategory::Usage,
                     {"byte 0x00 at position 2"});
  test::expect_error([] { validate_name("a b", "name"); }, ErrorCategory::Usage,
                     {"' ' at position 2"});
  test::expect_error([] { validate_name("caf\xc3\xa9", "name"); }, ErrorCategory::Usage,
                     {"byte 0xc3"});
}

TEST(Io, ReadingADirectorySaysSo) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.file("model.json"));
  test::expect_error([&] { read_file(dir.file("model.json")); }, ErrorCategory::Io,
                     {"model.json", "is a directory"});
  test::expect_error([&] { read_file(dir.file("missing.csv")); }, ErrorCategory::Io,
                     {"missing.csv", "cannot open"});
}

}  // namespace
}  // namespace fingen
