// libFuzzer harness: the OHLCV reader (data/readers.hpp) on arbitrary bytes, in memory.
#include <cstdint>
#include <string>

#include "fingen/core/error.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  try {
    const auto doc =
        data::CsvDocument::from_string(std::string(fuzz::as_text(data, size)), "fuzz.csv");
    (void)data::detect_format(doc);
    const Panel p = data::read_ohlcv(doc);
    p.validate();
  } catch (const Error&) {
    // bad input, reported as such: expected
  }
  return 0;
}
