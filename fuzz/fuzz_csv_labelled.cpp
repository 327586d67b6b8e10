// libFuzzer harness: the labelled table reader (data/readers.hpp) on arbitrary bytes, in memory,
// and the design matrix built from what it read.
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
    const data::LabelledTable t = data::read_labelled(doc);
    const Eigen::MatrixXd x = t.design_matrix();
    if (static_cast<std::size_t>(x.rows()) != t.rows() ||
        static_cast<std::size_t>(x.cols()) != t.design_names().size())
      __builtin_trap();  // the design matrix must match its names and the label
    (void)t.positives();
  } catch (const Error&) {
  }
  return 0;
}
