// libFuzzer harness: a credit model directory's model.json (credit::load_model) for the torch-free
// detectors (logistic, mahalanobis, isolation-forest) on arbitrary bytes written as DIR/model.json.
// A model that loads must score a small table of its own encoding with one finite score per row
// (or refuse with fingen::Error).
#include <cmath>
#include <cstdint>
#include <string>

#include "fingen/core/error.hpp"
#include "fingen/credit/run.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_scratch("model.json", data, size);
  try {
    const credit::CreditModel m = credit::load_model(dir);
    // Five rows in the model's columns: numbers, and each categorical column cycling its levels.
    data::LabelledTable t;
    t.source = "fuzz.csv";
    for (const auto& c : m.encoding.features) {
      data::Feature f;
      f.name = c.name;
      f.categorical = c.categorical;
      for (int r = 0; r < 5; ++r) {
        if (c.categorical) {
          if (c.levels.empty()) break;
          f.codes.push_back(r % static_cast<int>(c.levels.size()));
        } else {
          f.numeric.push_back(std::sin(1.0 + r));
        }
      }
      f.levels = c.levels;
      t.features.push_back(std::move(f));
    }
    const Eigen::VectorXd s = m.score(t);
    if (s.size() != static_cast<Eigen::Index>(t.rows()) || !s.allFinite()) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
