// libFuzzer harness: the `fingen run` pipeline config (pipeline/config.hpp) on arbitrary bytes
// written as DIR/config.json. read_config validates the whole config (models through the generator
// registry) before any work; it must refuse bad configs with fingen::Error.
#include <cstdint>
#include <string>

#include "fingen/core/error.hpp"
#include "fingen/pipeline/config.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string file = fuzz::write_scratch("config.json", data, size);
  try {
    const pipeline::PipelineConfig c = pipeline::read_config(file);
    if (c.models.empty() || c.paths == 0 || c.horizon == 0) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
