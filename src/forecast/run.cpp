// Forecasting from data files: datasets and fitted model directories.
#include "fingen/forecast/run.hpp"

#include <algorithm>
#include <chrono>

#include "fingen/core/error.hpp"
#include "fingen/core/outputs.hpp"

namespace fingen::forecast {

std::vector<std::string> series_needed(const DatasetSpec& spec) {
  std::vector<std::string> out;
  auto add = [&](const std::string& s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  add(spec.target());
  for (const std::string& f : spec.features())
    if (f != "dow") add(f.substr(0, f.find(':')));
  return out;
}

Dataset load_dataset(data::ReturnsSource source, const DatasetSpec& spec) {
  if (source.series.empty()) source.series = series_needed(spec);
  const Panel p = data::load_returns(source);
  return make_dataset(p, spec);
}

DatasetSpec spec_of(const Forecaster& model) {
  const auto& c = model.columns();
  return DatasetSpec().target(c.target).kind(c.kind).vol_window(c.vol_window).features(c.features);
}

FitResult fit_and_save(const FitRequest& r) {
  FG_REQUIRE(!r.out.empty(), "forecast: no model directory given");
  auto model = make_forecaster(r.kind, r.options, r.task, r.kind + " options");
  const Dataset d = load_dataset(r.source, r.spec);
  if (r.progress) model->set_progress(r.progress);
  OutputDir dir(r.out);
  const auto t0 = std::chrono::steady_clock::now();
  model->fit(d, 0, d.rows());
  FitResult out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.summary = model->summary();
  out.rows = d.rows();
  out.first = d.label(0);
  out.last = d.label(d.rows() - 1);
  model->save(r.out);
  data::ReturnsSource described = r.source;
  if (described.series.empty()) described.series = series_needed(r.spec);
  Panel shape;  // describe_data reads rows, names and the index range
  shape.kind = d.index_kind;
  shape.index = d.index;
  shape.names = described.series;
  write_manifest(r.out + "/manifest.json", "forecast fit",
                 {{"model", r.kind},
                  {"options", model->options()},
                  {"horizon", r.task.horizon},
                  {"quantiles", r.task.quantiles},
                  {"target", d.target},
                  {"target_kind", to_string(d.kind)},
                  {"features", d.features},
                  {"data", data::describe_data(described, shape)}});
  dir.keep();
  return out;
}

}  // namespace fingen::forecast
