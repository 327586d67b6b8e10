// libFuzzer harness: the .npy readers (scenario/scenarios.hpp) on arbitrary bytes written to a
// file.
#include <cstdint>
#include <string>
#include <vector>

#include "fingen/core/error.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string file = fuzz::write_scratch("input.npy", data, size);
  try {
    std::vector<double> values;
    const std::vector<std::size_t> shape = read_npy(file, values);
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    if (n != values.size()) __builtin_trap();  // the shape must describe the values read
  } catch (const Error&) {
  }
  try {
    const Scenarios s = read_scenarios_npy(file);
    if (s.data.size() != s.paths * s.horizon * s.assets || s.names.size() != s.assets)
      __builtin_trap();
    for (std::size_t p = 0; p < s.paths; ++p) (void)s.path(p)[0];
  } catch (const Error&) {
  }
  return 0;
}
