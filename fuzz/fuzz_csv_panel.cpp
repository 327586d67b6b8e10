// libFuzzer harness: the wide panel reader (data/readers.hpp) on arbitrary bytes, in memory, read
// as prices and as returns.
#include <cstdint>
#include <string>

#include "fingen/core/error.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string text(fuzz::as_text(data, size));
  for (const ValueKind kind : {ValueKind::Prices, ValueKind::Returns}) {
    try {
      const auto doc = data::CsvDocument::from_string(text, "fuzz.csv");
      const Panel p = data::read_panel(doc, data::ReadOptions().values(kind));
      p.validate();
    } catch (const Error&) {
    }
  }
  return 0;
}
