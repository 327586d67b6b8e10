/// @file io.hpp
/// @brief File helpers: whole-file reads, atomic writes (temp file + rename), SHA-256.
///
/// An output file is either complete or absent: write_file_atomic writes to a temporary file in
/// the target's directory, flushes it to disk and renames it over the target. Temporaries are named
/// TARGET.tmp.fingen-HOST-PID-XXXXXXXX (host name, process id, random hex), so a process killed
/// mid-write (kill -9, power loss) leaves a file that says what it is, and the next write of the
/// same target removes it once its process is gone. AtomicFiles does the same for several files
/// that belong together (scenarios and their manifest): all appear, or none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fingen {

/// Reads a whole file into memory. Throws Error(Io) naming the path when it cannot (missing,
/// unreadable, a directory, not a regular file).
std::string read_file(const std::string& path);

/// Checks a name that will become (part of) a file name: a run name, an asset name in an output
/// file, a data file referenced by model.json. Allowed: 1 to 128 letters, digits, '-', '_' and '.',
/// not "." or "..". So a name never contains '/' or a NUL, is never absolute and never climbs out
/// of its directory (CWE-22, path traversal). Throws Error(Usage) "WHAT ..." saying what is wrong.
void validate_name(const std::string& name, const std::string& what);

/// Writes `content` to `path` atomically. Throws Error(Io) naming the path on failure; on failure
/// no file is left at `path` (an existing one is untouched) and the temporary file is removed.
/// Stale temporaries of `path` (remove_stale_temporaries) are removed first.
void write_file_atomic(const std::string& path, std::string_view content);

/// Removes the temporaries of `path` that write_file_atomic left behind when its process died:
/// files PATH.tmp.fingen-HOST-PID-XXXXXXXX made on this host by a process that no longer exists.
/// Temporaries of live processes (a concurrent writer) and other files are left alone. Best
/// effort: returns the number removed and never throws.
std::size_t remove_stale_temporaries(const std::string& path);

/// Bytes free for this user on the file system that `path` (a file to be written) would be on,
/// per std::filesystem::space of its directory; max() when that cannot be told.
std::uint64_t free_space_for(const std::string& path);

/// Files written together: add() writes each to its temporary (flushed to disk), commit() renames
/// them all into place. If anything fails before commit() returns (an add() throws, the object is
/// destroyed without commit(), a rename fails), the temporaries are removed and the files already
/// renamed by that commit() are removed too, so the set is never left half written (a .npy never
/// exists without its manifest). Errors are Error(Io) naming the path.
class AtomicFiles {
 public:
  AtomicFiles() = default;
  AtomicFiles(const AtomicFiles&) = delete;
  AtomicFiles& operator=(const AtomicFiles&) = delete;
  ~AtomicFiles();
  /// Writes `content` to a temporary beside `path`.
  void add(const std::string& path, std::string_view content);
  /// A temporary beside `path` written piece by piece (a file too large to hold in memory):
  /// returns a handle for write_at(), append() and read_at(); commit() flushes it to disk and
  /// renames it with the others.
  std::size_t open(const std::string& path);
  void write_at(std::size_t handle, std::uint64_t offset, std::string_view bytes);
  /// Writes after what earlier append() calls on the handle wrote (write_at() does not move that
  /// position: use one or the other on a file).
  void append(std::size_t handle, std::string_view bytes);
  /// Reads back `n` bytes at `offset` of what was written so far.
  void read_at(std::size_t handle, std::uint64_t offset, char* out, std::size_t n) const;
  /// Renames every temporary over its path, in the order added.
  void commit();

 private:
  struct Pending {
    std::string path, tmp;
    int fd = -1;  ///< open while streamed, -1 once written
  };
  Pending& streamed(std::size_t handle);
  std::vector<Pending> pending_;
};

/// Lower-case hexadecimal SHA-256 of a byte string (FIPS 180-4).
std::string sha256_hex(std::string_view bytes);

/// SHA-256 of a file's contents.
std::string sha256_file(const std::string& path);

}  // namespace fingen
