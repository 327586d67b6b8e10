#include "fingen/core/error.hpp"

namespace fingen {

const char* to_string(ErrorCategory category) noexcept {
  switch (category) {
    case ErrorCategory::Usage:
      return "usage";
    case ErrorCategory::Input:
      return "input";
    case ErrorCategory::Io:
      return "io";
    case ErrorCategory::Numeric:
      return "numeric";
    case ErrorCategory::Runtime:
      return "runtime";
  }
  return "unknown";
}

std::string format_input_error(const InputLocation& where, std::string_view message) {
  std::string out = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) out += fmt::format(":{}", where.line);
  out += ": ";
  if (!where.column.empty()) out += fmt::format("column '{}': ", where.column);
  out += message;
  return out;
}

void throw_input_error(const InputLocation& where, std::string_view message) {
  throw Error(ErrorCategory::Input, format_input_error(where, message));
}

namespace detail {
void throw_error(ErrorCategory category, std::string message) {
  throw Error(category, message);
}
}  // namespace detail

}  // namespace fingen
