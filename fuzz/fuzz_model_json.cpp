// libFuzzer harness: model.json (scenario/model_file.hpp) and load_generator for the torch-free
// kinds (gbm, garch, bootstrap) on arbitrary bytes written as DIR/model.json. DIR also holds a
// valid history.npy (8 x 1) so a bootstrap model.json can refer to it. A model that loads must
// summarise itself and generate a few finite paths (or refuse with fingen::Error).
#include <cstdint>
#include <string>
#include <vector>

#include "fingen/core/error.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fuzz_util.hpp"

namespace {
void write_history(const std::string& dir) {
  static bool done = false;
  if (done) return;
  const std::vector<double> v = {0.01, -0.02, 0.003, 0.0, 0.015, -0.007, 0.002, -0.011};
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (8, 1), }";
  std::string bytes("\x93NUMPY\x01\x00", 8);
  std::string h = header;
  h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  bytes.push_back(static_cast<char>(h.size() & 0xff));
  bytes.push_back(static_cast<char>(h.size() >> 8));
  bytes += h;
  bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
  (void)fingen::fuzz::write_scratch(
      "history.npy", reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  (void)dir;
  done = true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string& dir = fuzz::scratch_dir();
  write_history(dir);
  fuzz::write_scratch("model.json", data, size);
  try {
    const scenario::ModelFile m = scenario::ModelFile::read(dir);
    (void)m.names();
  } catch (const Error&) {
  }
  try {
    const auto g = scenario::load_generator(dir);
    (void)g->summary();
    (void)g->options();
    const Scenarios s = g->generate(3, 5, 1);
    if (s.paths != 3 || s.horizon != 5 || s.assets != g->names().size()) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
