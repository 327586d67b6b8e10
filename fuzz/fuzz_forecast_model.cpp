// libFuzzer harness: a forecaster's model.json (forecast::load_forecaster) for the torch-free kinds
// (zero, naive, mean, ar, garch) on arbitrary bytes written as DIR/model.json. A model that loads
// must forecast a small dataset of its own layout with finite numbers of the right shape (or
// refuse with fingen::Error).
#include <cmath>
#include <cstdint>
#include <string>

#include "fingen/core/error.hpp"
#include "fingen/forecast/forecaster.hpp"
#include "fingen/forecast/run.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fingen;
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_scratch("model.json", data, size);
  try {
    const auto f = forecast::load_forecaster(dir);
    (void)f->summary();
    // A dataset of the layout the model names: 40 rows of each series it reads.
    const forecast::DatasetSpec spec = forecast::spec_of(*f);
    Panel p;
    p.kind = IndexKind::Date;
    p.values_kind = ValueKind::Returns;
    p.names = forecast::series_needed(spec);
    p.values.resize(40, static_cast<Eigen::Index>(p.names.size()));
    for (Eigen::Index t = 0; t < 40; ++t) {
      p.index.push_back(18000 + t);
      for (Eigen::Index j = 0; j < p.values.cols(); ++j)
        p.values(t, j) = 0.01 * std::sin(static_cast<double>(t * (j + 1)));
    }
    const forecast::Dataset d = forecast::make_dataset(p, spec);
    const forecast::Forecast out = f->predict(d, {0, 20, 39});
    if (out.point.rows() != 3 || out.point.cols() != static_cast<Eigen::Index>(f->task().horizon) ||
        out.quantiles.size() != f->task().quantiles.size() || !out.point.allFinite())
      __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
