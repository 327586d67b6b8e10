#include "fingen/core/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <openssl/evp.h>
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

void write_file_atomic(const std::string& path, std::string_view content) {
  FG_REQUIRE(!path.empty(), "output path is empty");
  std::random_device rd;
  const std::string tmp = fmt::format("{}.tmp.{:08x}", path, rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    FG_FAIL(Io, "{}: cannot create temporary file {}: {}", path, tmp, std::strerror(errno));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      FG_FAIL(Io, "{}: write failed: {}", path, std::strerror(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    FG_FAIL(Io, "{}: flush failed: {}", path, std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    FG_FAIL(Io, "{}: cannot rename temporary file into place: {}", path, std::strerror(err));
  }
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
