#include "fingen/core/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "fingen/core/error.hpp"

namespace fingen {

std::string read_file(const std::string& path) {
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
