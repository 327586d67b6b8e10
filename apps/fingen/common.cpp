#include <exception>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "fingen/core/error.hpp"

namespace fingen::cli {

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << "fingen: error: " << e.what() << '\n';
    return e.category() == ErrorCategory::Usage ? kUsageError : kRuntimeError;
  } catch (const std::bad_alloc&) {
    std::cerr << "fingen: error: out of memory\n";
    return kRuntimeError;
  } catch (const std::exception& e) {
    std::cerr << "fingen: error: " << e.what() << '\n';
    return kRuntimeError;
  }
}

}  // namespace fingen::cli
