/// @file error.hpp
/// @brief fingen's single exception type and the FG_REQUIRE precondition macro.
///
/// Every public entry point checks its inputs with FG_REQUIRE and reports what it expected, what it
/// found and where (file, line, column for input data). The category lets the CLI map an error to
/// an exit code: usage errors exit 2, everything else exits 1.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace fingen {

/// What kind of failure an Error reports.
enum class ErrorCategory {
  Usage,    ///< invalid option or argument given by the caller
  Input,    ///< malformed or invalid input data (a file, a table)
  Io,       ///< file system failure (cannot open, cannot write, cannot rename)
  Numeric,  ///< a computation produced NaN/inf or could not proceed (singular matrix, ...)
  Runtime,  ///< anything else
};

/// Name of a category ("usage", "input", ...).
const char* to_string(ErrorCategory category) noexcept;

/// The one exception type thrown by fingen.
class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, const std::string& message)
      : std::runtime_error(message), category_(category) {}
  ErrorCategory category() const noexcept { return category_; }

 private:
  ErrorCategory category_;
};

/// Where in an input file a problem was found. Line numbers are 1-based; 0 means "whole file".
struct InputLocation {
  std::string file;
  std::size_t line = 0;
  std::string column;  ///< column name (or empty)
};

/// Builds the standard input error text: "FILE:LINE: column 'C': MESSAGE".
std::string format_input_error(const InputLocation& where, std::string_view message);

/// Throws an Input error at `where`.
[[noreturn]] void throw_input_error(const InputLocation& where, std::string_view message);

namespace detail {
[[noreturn]] void throw_error(ErrorCategory category, std::string message);
}  // namespace detail

}  // namespace fingen

/// Checks a precondition of a public function; on failure throws fingen::Error(Usage) with the
/// fmt-formatted message. Usage: FG_REQUIRE(n > 0, "paths must be positive, got {}", n);
#define FG_REQUIRE(cond, ...)                                                                  \
  do {                                                                                         \
    if (!(cond))                                                                               \
      ::fingen::detail::throw_error(::fingen::ErrorCategory::Usage, fmt::format(__VA_ARGS__)); \
  } while (false)

/// Like FG_REQUIRE with an explicit category: FG_CHECK(Numeric, std::isfinite(x), "...").
#define FG_CHECK(category, cond, ...)                                                             \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      ::fingen::detail::throw_error(::fingen::ErrorCategory::category, fmt::format(__VA_ARGS__)); \
  } while (false)

/// Throws fingen::Error of the given category unconditionally.
#define FG_FAIL(category, ...) \
  ::fingen::detail::throw_error(::fingen::ErrorCategory::category, fmt::format(__VA_ARGS__))
