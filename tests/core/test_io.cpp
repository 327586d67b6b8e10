#include "fingen/core/io.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "fingen/scenario/scenarios.hpp"

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

// Names of the files in `dir`.
std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `write` in a child process whose files may not grow beyond 4 KiB (RLIMIT_FSIZE; SIGXFSZ
// ignored, so write(2) fails with EFBIG as it does on a full disk). The child exits 0 when the
// write threw Error(Io) whose message names `path` and says the write failed; 1 when it threw
// something else, 2 when it did not throw. Returns the child's exit status.
template <class F>
int exit_status_of_limited_write(const std::string& path, F&& write) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(3);
    try {
      write();
    } catch (const Error& e) {
      const std::string what = e.what();
      const bool ok = e.category() == ErrorCategory::Io && what.find(path) != std::string::npos &&
                      what.find("write failed") != std::string::npos &&
                      what.find("File too large") != std::string::npos;
      ::_exit(ok ? 0 : 1);
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(2);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(Io, WriteErrorNamesThePathAndLeavesNoFile) {
  test::TempDir dir;
  const std::string p = dir.file("big.txt");
  EXPECT_EQ(exit_status_of_limited_write(p, [&] { write_file_atomic(p, std::string(65536, 'x')); }),
            0);
  EXPECT_TRUE(entries(dir.path()).empty()) << "left behind: " << entries(dir.path()).front();
  // An existing file is untouched by a failed replacement.
  write_file_atomic(p, "old");
  EXPECT_EQ(exit_status_of_limited_write(p, [&] { write_file_atomic(p, std::string(65536, 'y')); }),
            0);
  EXPECT_EQ(read_file(p), "old");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"big.txt"});
}

TEST(Io, NpyWriteErrorNamesThePathAndLeavesNoFile) {
  test::TempDir dir;
  const std::string p = dir.file("scen.npy");
  const Scenarios s(100, 50, 2);  // 80 kB of float64
  EXPECT_EQ(exit_status_of_limited_write(p, [&] { write_npy(p, s); }), 0);
  EXPECT_TRUE(entries(dir.path()).empty()) << "left behind: " << entries(dir.path()).front();
}

// A process killed in the middle of write_file_atomic leaves its temporary behind (simulated: the
// child writes the temporary and exits without renaming it, as kill -9 would stop it). The next
// write of the same target removes it; temporaries of live processes and other files stay.
TEST(Io, StaleTemporariesOfDeadProcessesAreRemovedOnTheNextWrite) {
  test::TempDir dir;
  const std::string p = dir.file("out.json");
  const std::string other = dir.file("other.json");
  dir.write("out.json.tmp.notours", "x");
  AtomicFiles live;  // a temporary of this (live) process
  live.add(p, "in flight");
  for (const std::string& target : {p, other}) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      auto* files = new AtomicFiles;  // never destroyed: the process "dies" mid-write
      files->add(target, "partial");
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::size_t temporaries = 0;
  for (const auto& name : entries(dir.path()))
    if (name.find(".tmp.fingen-") != std::string::npos) ++temporaries;
  ASSERT_EQ(temporaries, 3u);

  write_file_atomic(p, "complete");
  EXPECT_EQ(read_file(p), "complete");
  std::vector<std::string> left;
  for (const auto& name : entries(dir.path()))
    if (name.rfind("out.json.tmp.fingen-", 0) == 0) left.push_back(name);
  EXPECT_EQ(left.size(), 1u) << "the dead process's temporary of out.json should be gone, the live "
                                "one kept";
  EXPECT_TRUE(std::filesystem::exists(dir.file("out.json.tmp.notours")));
  std::size_t others = 0;
  for (const auto& name : entries(dir.path()))
    if (name.rfind("other.json.tmp.fingen-", 0) == 0) ++others;
  EXPECT_EQ(others, 1u) << "a temporary of another target is not touched";
  live.commit();
  EXPECT_EQ(read_file(p), "in flight");
}

TEST(Io, AtomicFilesAppearTogetherOrNotAtAll) {
  test::TempDir dir;
  const std::string a = dir.file("a.npy"), b = dir.file("a.manifest.json");
  {
    AtomicFiles files;
    files.add(a, "data");
    files.add(b, "manifest");
    EXPECT_FALSE(std::filesystem::exists(a));
  }  // not committed: nothing appears, no temporaries stay
  EXPECT_TRUE(entries(dir.path()).empty());
  {
    AtomicFiles files;
    files.add(a, "data");
    files.add(b, "manifest");
    files.commit();
  }
  EXPECT_EQ(read_file(a), "data");
  EXPECT_EQ(read_file(b), "manifest");
  // The second rename fails (its target is a directory): the first file is removed again.
  std::filesystem::remove(a);
  std::filesystem::remove(b);
  std::filesystem::create_directories(dir.file("blocked.json/inside"));
  const std::string blocked = dir.file("blocked.json");
  {
    AtomicFiles files;
    files.add(a, "data");
    files.add(blocked, "manifest");
    test::expect_error([&] { files.commit(); }, ErrorCategory::Io,
                       {blocked, "cannot rename temporary file into place"});
  }
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"blocked.json"});
}

TEST(Io, AtomicFilesStreamPiecesAtOffsetsAndReadThemBack) {
  test::TempDir dir;
  const std::string big = dir.file("big.bin"), side = dir.file("big.manifest.json"),
                    log = dir.file("big.csv");
  {
    AtomicFiles files;
    const std::size_t h = files.open(big), l = files.open(log);
    files.write_at(h, 6, "world");  // out of order, as the blocks of several ranks arrive
    files.write_at(h, 0, "hello ");
    files.append(l, "a,");
    files.append(l, "b");
    char back[5] = {};
    files.read_at(h, 6, back, 5);
    EXPECT_EQ(std::string(back, 5), "world");
    EXPECT_THROW(files.read_at(h, 100, back, 5), Error);  // past the end
    files.add(side, "m");
    EXPECT_FALSE(std::filesystem::exists(big));
    files.commit();
  }
  EXPECT_EQ(read_file(big), "hello world");
  EXPECT_EQ(read_file(log), "a,b");
  EXPECT_EQ(read_file(side), "m");
  {
    AtomicFiles files;  // never committed: its open temporary goes with it
    const std::size_t h = files.open(dir.file("gone.bin"));
    files.write_at(h, 0, "x");
  }
  EXPECT_EQ(entries(dir.path()),
            (std::vector<std::string>{"big.bin", "big.csv", "big.manifest.json"}));
}

TEST(Io, StreamedWriteErrorNamesThePathAndLeavesNoFile) {
  test::TempDir dir;
  const std::string p = dir.file("s.npy");
  EXPECT_EQ(exit_status_of_limited_write(p,
                                         [&] {
                                           AtomicFiles files;
                                           const std::size_t h = files.open(p);
                                           files.write_at(h, 0, std::string(512, 'a'));
                                           files.write_at(h, 512, std::string(65536, 'b'));
                                           files.commit();
                                         }),
            0);
  EXPECT_TRUE(entries(dir.path()).empty()) << "left behind: " << entries(dir.path()).front();
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
