/// @file io.hpp
/// @brief File helpers: whole-file reads, atomic writes (temp file + rename), SHA-256.
///
/// An output file is either complete or absent: write_file_atomic writes to a temporary file in
/// the target's directory, flushes it to disk and renames it over the target.
#pragma once

#include <string>
#include <string_view>

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
void write_file_atomic(const std::string& path, std::string_view content);

/// Lower-case hexadecimal SHA-256 of a byte string (FIPS 180-4).
std::string sha256_hex(std::string_view bytes);

/// SHA-256 of a file's contents.
std::string sha256_file(const std::string& path);

}  // namespace fingen
