#include "fingen/core/io.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include "fingen/core/error.hpp"

namespace fingen {

std::string read_file(const std::string& path) {
  // A directory opens as an ifstream on Linux and reports a nonsense size; say what it is instead.
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(st))
    FG_FAIL(Io, "{}: is a directory, expected a file", path);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    FG_FAIL(Io, "{}: not a regular file (a device, pipe or socket)", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) FG_FAIL(Io, "{}: cannot open for reading: {}", path, std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) FG_FAIL(Io, "{}: cannot determine the file size (is it a directory?)", path);
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (size > 0 && !in.read(text.data(), size)) FG_FAIL(Io, "{}: read failed", path);
  return text;
}

void validate_name(const std::string& name, const std::string& what) {
  constexpr std::size_t kMaxLength = 128;
  FG_REQUIRE(!name.empty(), "{} is empty", what);
  FG_REQUIRE(name != "." && name != "..", "{} '{}' is not a usable name", what, name);
  FG_REQUIRE(name.size() <= kMaxLength, "{} is {} characters long, at most {} are allowed", what,
             name.size(), kMaxLength);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (ok) continue;
    std::string shown = name.size() <= 40 ? name : name.substr(0, 37) + "...";
    for (char& ch : shown)  // keep the message on one printable line
      if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) ch = '?';
    const std::string which = c < 0x20 || c >= 0x7f ? fmt::format("byte 0x{:02x}", c)
                                                    : fmt::format("'{}'", static_cast<char>(c));
    FG_FAIL(Usage,
            "{} '{}' has {} at position {}, not allowed in a name: use letters, digits, '-', '_' "
            "and '.'",
            what, shown, which, i + 1);
  }
}

namespace {
constexpr std::string_view kTmpTag = ".tmp.fingen-";

// This host's name as it goes into temporary names: at most 32 of [A-Za-z0-9.-], else "host".
const std::string& host_tag() {
  static const std::string tag = [] {
    char buf[256] = {};
    std::string h;
    if (::gethostname(buf, sizeof buf - 1) == 0)
      for (const char* c = buf; *c && h.size() < 32; ++c)
        if (std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' || *c == '-') h += *c;
    return h.empty() ? std::string("host") : h;
  }();
  return tag;
}

// Creates a new temporary beside path; returns its name and descriptor.
std::pair<std::string, int> create_temporary(const std::string& path) {
  FG_REQUIRE(!path.empty(), "output path is empty");
  std::random_device rd;
  const std::string tmp =
      fmt::format("{}{}{}-{}-{:08x}", path, kTmpTag, host_tag(), ::getpid(), rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    FG_FAIL(Io, "{}: cannot create temporary file {}: {}", path, tmp, std::strerror(errno));
  return {tmp, fd};
}

// Writes all of content at `offset` (pwrite) or, with offset < 0, at the file position. On failure
// closes fd, removes tmp and throws naming path.
void write_all(const std::string& path, const std::string& tmp, int fd, std::string_view content,
               off_t offset = -1) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = offset < 0 ? ::write(fd, p, left) : ::pwrite(fd, p, left, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      FG_FAIL(Io, "{}: write failed after {} of {} bytes: {}", path, content.size() - left,
              content.size(), std::strerror(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
    if (offset >= 0) offset += n;
  }
}

// Flushes to disk and closes; on failure removes tmp and throws naming path.
void finish_temporary(const std::string& path, const std::string& tmp, int fd) {
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    FG_FAIL(Io, "{}: flush failed: {}", path, std::strerror(err));
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    FG_FAIL(Io, "{}: flush failed: {}", path, std::strerror(err));
  }
}

// Writes content to a new temporary beside path (flushed to disk) and returns its name.
std::string write_temporary(const std::string& path, std::string_view content) {
  const auto [tmp, fd] = create_temporary(path);
  write_all(path, tmp, fd, content);
  finish_temporary(path, tmp, fd);
  return tmp;
}

void rename_into_place(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    FG_FAIL(Io, "{}: cannot rename temporary file into place: {}", path, std::strerror(err));
  }
}

// The process id in NAME if it is "BASE.tmp.fingen-HOST-PID-XXXXXXXX" for this host, else 0.
long temporary_owner(const std::string& name, const std::string& base) {
  const std::string prefix = base + std::string(kTmpTag) + host_tag() + "-";
  if (name.size() <= prefix.size() + 9 || name.compare(0, prefix.size(), prefix) != 0) return 0;
  const std::string rest = name.substr(prefix.size());  // PID-XXXXXXXX
  const std::size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string::npos || rest.size() - dash - 1 != 8 || dash > 10) return 0;
  long pid = 0;
  for (std::size_t i = 0; i < dash; ++i) {
    if (rest[i] < '0' || rest[i] > '9') return 0;
    pid = pid * 10 + (rest[i] - '0');
  }
  for (std::size_t i = dash + 1; i < rest.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(rest[i]))) return 0;
  return pid;
}
}  // namespace

std::size_t remove_stale_temporaries(const std::string& path) {
  namespace fs = std::filesystem;
  std::size_t removed = 0;
  try {
    const fs::path target(path);
    const std::string base = target.filename().string();
    if (base.empty()) return 0;
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const long pid = temporary_owner(name, base);
      if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
      // kill(pid, 0) fails with ESRCH only when no such process exists.
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      std::error_code rm;
      if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) ++removed;
    }
  } catch (const std::exception&) {
    // best effort: a leftover temporary is harmless
  }
  return removed;
}

std::uint64_t free_space_for(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  const fs::space_info info = fs::space(dir, ec);
  if (ec) return std::numeric_limits<std::uint64_t>::max();
  return info.available;
}

void write_file_atomic(const std::string& path, std::string_view content) {
  FG_REQUIRE(!path.empty(), "output path is empty");
  remove_stale_temporaries(path);
  rename_into_place(write_temporary(path, content), path);
}

AtomicFiles::~AtomicFiles() {
  for (const Pending& p : pending_) {
    if (p.fd >= 0) ::close(p.fd);
    ::unlink(p.tmp.c_str());
  }
}

std::size_t AtomicFiles::open(const std::string& path) {
  FG_REQUIRE(!path.empty(), "output path is empty");
  remove_stale_temporaries(path);
  const auto [tmp, fd] = create_temporary(path);
  pending_.push_back({path, tmp, fd});
  return pending_.size() - 1;
}

AtomicFiles::Pending& AtomicFiles::streamed(std::size_t handle) {
  FG_REQUIRE(handle < pending_.size() && pending_[handle].fd >= 0, "no open file {}", handle);
  return pending_[handle];
}

void AtomicFiles::write_at(std::size_t handle, std::uint64_t offset, std::string_view bytes) {
  Pending& p = streamed(handle);
  FG_REQUIRE(offset <= static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()) - bytes.size(),
             "{}: offset {} is too large", p.path, offset);
  const int fd = p.fd;
  p.fd = -1;  // write_all closes it and removes the temporary when it fails
  write_all(p.path, p.tmp, fd, bytes, static_cast<off_t>(offset));
  p.fd = fd;
}

void AtomicFiles::append(std::size_t handle, std::string_view bytes) {
  Pending& p = streamed(handle);
  const int fd = p.fd;
  p.fd = -1;
  write_all(p.path, p.tmp, fd, bytes);
  p.fd = fd;
}

void AtomicFiles::read_at(std::size_t handle, std::uint64_t offset, char* out,
                          std::size_t n) const {
  FG_REQUIRE(handle < pending_.size() && pending_[handle].fd >= 0, "no open file {}", handle);
  const Pending& p = pending_[handle];
  // The temporary was opened write-only: read it through a second descriptor.
  const int fd = ::open(p.tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) FG_FAIL(Io, "{}: cannot read back {}: {}", p.path, p.tmp, std::strerror(errno));
  std::size_t done = 0;
  while (done < n) {
    const ssize_t k = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      const int err = k < 0 ? errno : 0;
      ::close(fd);
      FG_FAIL(Io, "{}: reading back {} failed: {}", p.path, p.tmp,
              k < 0 ? std::strerror(err) : "unexpected end of file");
    }
    done += static_cast<std::size_t>(k);
  }
  ::close(fd);
}

void AtomicFiles::add(const std::string& path, std::string_view content) {
  FG_REQUIRE(!path.empty(), "output path is empty");
  remove_stale_temporaries(path);
  pending_.push_back({path, write_temporary(path, content)});
}

void AtomicFiles::commit() {
  // Streamed files are flushed to disk first, like those add() wrote.
  for (Pending& p : pending_)
    if (p.fd >= 0) {
      const int fd = p.fd;
      p.fd = -1;
      finish_temporary(p.path, p.tmp, fd);
    }
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    try {
      rename_into_place(pending_[i].tmp, pending_[i].path);
    } catch (const Error&) {
      // Undo this commit: the files already renamed go, the remaining temporaries go (destructor).
      for (std::size_t j = 0; j < i; ++j) ::unlink(pending_[j].path.c_str());
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i + 1));
      throw;
    }
  }
  pending_.clear();
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    FG_FAIL(Runtime, "SHA-256 computation failed");
  std::string hex;
  hex.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string sha256_file(const std::string& path) {
  return sha256_hex(read_file(path));
}

}  // namespace fingen
