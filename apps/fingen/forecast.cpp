// fingen forecast evaluate|fit|predict: walk-forward comparison of forecasters with the baselines
// and Diebold–Mariano tests; fitting a forecaster into a model directory; forecasting from one.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/data/load.hpp"
#include "fingen/forecast/augment.hpp"
#include "fingen/forecast/evaluate.hpp"
#include "fingen/forecast/run.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::cli {

namespace {
forecast::DatasetSpec spec(const ForecastArgs& a) {
  return forecast::DatasetSpec()
      .target(a.target)
      .features(a.features)
      .kind(forecast::parse_target_kind(a.kind))
      .vol_window(a.vol_window);
}
data::ReturnsSource source(const ForecastArgs& a) {
  return {a.data, a.series, a.returns, "log", a.start, a.end};
}
void print_train(const forecast::TrainProgress& p) {
  std::cerr << fmt::format(
      "  step {:>5}/{}  loss {:.4f}{}  {:.0f} steps/s\n", p.step, p.total_steps, p.loss,
      p.best_step > 0 ? fmt::format("  val best {:.4f} @{}", p.best_validation, p.best_step)
                      : std::string(),
      p.steps_per_second);
}
/// The walk-forward of evaluate and robustness: forecasts from --test-start (default: the last
/// fifth of the rows) on the index of `p`.
forecast::WalkForwardOptions walk_options(const ForecastArgs& a, const Panel& p) {
  const std::size_t ts = a.test_start.empty() ? p.rows() - p.rows() / 5
                                              : data::split_row(p, a.test_start, "--test-start");
  return forecast::WalkForwardOptions()
      .test_start(ts)
      .window(a.window)
      .refit_every(a.refit_every)
      .horizon(a.horizon)
      .quantiles(a.quantiles)
      .dm_power(a.dm_power);
}
}  // namespace

int run_forecast_evaluate(const ForecastArgs& a, std::ostream& out) {
  return guarded([&] {
    const std::vector<std::string> names = a.models.empty() ? forecast::default_models() : a.models;
    const auto models = forecast::parse_model_specs(names, a.set);
    const forecast::Dataset d = forecast::load_dataset(source(a), spec(a));
    Panel index;  // split_row works on a panel's index
    index.kind = d.index_kind;
    index.index = d.index;
    index.source = a.data;
    const auto o = walk_options(a, index);
    const std::size_t ts = o.test_start();
    out << fmt::format(
        "walk-forward over {} rows of {} ({} .. {}): forecasts from {}, refit every "
        "{} rows, {} window\n",
        d.rows(), a.data, d.label(0), d.label(d.rows() - 1), d.label(ts), a.refit_every,
        a.window ? fmt::format("rolling {}-row", a.window) : "expanding");
    std::string current;
    const auto r = forecast::walk_forward(
        d, models, o,
        [&](const std::string& model, std::size_t refit, std::size_t refits,
            const forecast::TrainProgress* train) {
          if (train) return;
          if (model != current || refit == refits || refit % 10 == 0)
            std::cerr << fmt::format("{}: fit {}/{}\n", model, refit, refits);
          current = model;
        });
    out << forecast::format_table(r);
    for (const auto& m : r.models)
      out << fmt::format("  {} ({} fits, {:.1f} s fitting, {:.2f} s forecasting): {}\n",
                         m.spec.name, m.refits, m.fit_seconds, m.predict_seconds, m.summary);
    if (!a.json.empty())
      write_manifest(a.json, "forecast evaluate",
                     {{"data", a.data},
                      {"refit_every", a.refit_every},
                      {"window", a.window},
                      {"dm_power", a.dm_power},
                      {"result", forecast::to_json(r)}});
    if (!a.csv.empty()) {
      // origin, horizon, actual, then each model's point forecast.
      std::string csv = "origin,target_date,horizon,actual";
      for (const auto& m : r.models) csv += "," + m.spec.name;
      csv += '\n';
      for (std::size_t i = 0; i < r.origins.size(); ++i)
        for (Eigen::Index h = 0; h < r.actual.cols(); ++h) {
          const auto I = static_cast<Eigen::Index>(i);
          csv += fmt::format(
              "{},{},{},{}", d.label(r.origins[i]),
              d.label(r.origins[i] + 1 + static_cast<std::size_t>(h)), h + 1,
              std::isfinite(r.actual(I, h)) ? fmt::format("{}", r.actual(I, h)) : std::string());
          for (const auto& m : r.models) csv += fmt::format(",{}", m.forecast.point(I, h));
          csv += '\n';
        }
      write_file_atomic(a.csv, csv);
    }
    return static_cast<int>(kOk);
  });
}

int run_forecast_fit(const ForecastArgs& a, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!a.model_dir.empty(), "no model directory given (--out)");
    forecast::FitRequest req;
    req.source = source(a);
    req.spec = spec(a);
    req.kind = a.model;
    req.options = parse_option_assignments(a.set, forecast::forecaster_kind(a.model).options,
                                           a.model + " options");
    req.task = {a.horizon, a.quantiles};
    req.out = a.model_dir;
    req.progress = print_train;
    const forecast::FitResult r = forecast::fit_and_save(req);
    out << fmt::format("{}\nfitted on {} rows ({} .. {}) in {:.2f} s; saved to {}/\n", r.summary,
                       r.rows, r.first, r.last, r.seconds, a.model_dir);
    return static_cast<int>(kOk);
  });
}

int run_forecast_predict(const ForecastArgs& a, std::ostream& out) {
  return guarded([&] {
    const auto model = forecast::load_forecaster(a.model_dir);
    data::ReturnsSource src = source(a);
    const forecast::Dataset d = forecast::load_dataset(src, forecast::spec_of(*model));
    std::size_t origin = d.rows() - 1;
    if (!a.at.empty()) {
      const auto v = parse_index(d.index_kind, a.at);
      FG_REQUIRE(v.has_value(), "--at '{}' is not a {} of {}", a.at, to_string(d.index_kind),
                 a.data);
      const auto it = std::upper_bound(d.index.begin(), d.index.end(), *v);
      FG_REQUIRE(it != d.index.begin(), "--at {} is before the first row of {} ({})", a.at, a.data,
                 d.label(0));
      origin = static_cast<std::size_t>(it - d.index.begin()) - 1;
    }
    const forecast::Forecast f = model->predict(d, {origin});
    const auto& q = model->task().quantiles;
    out << fmt::format("{} forecast of {} ({}) from {} (last row used):\n", model->kind(), d.target,
                       to_string(d.kind), d.label(origin));
    std::string head = fmt::format("{:>4} {:>12} {:>12}", "h", "date", "point");
    for (double l : q) head += fmt::format(" {:>10}", fmt::format("q{:g}", l));
    out << head << '\n';
    nlohmann::json rows = nlohmann::json::array();
    for (Eigen::Index h = 0; h < f.point.cols(); ++h) {
      const std::size_t row = origin + 1 + static_cast<std::size_t>(h);
      const std::string date = row < d.rows() ? d.label(row) : "";
      std::string line = fmt::format("{:>4} {:>12} {:>12.6f}", h + 1, date, f.point(0, h));
      nlohmann::json j = {{"h", h + 1}, {"point", f.point(0, h)}};
      if (!date.empty()) j["date"] = date;
      for (std::size_t k = 0; k < q.size(); ++k) {
        line += fmt::format(" {:>10.6f}", f.quantiles[k](0, h));
        j["quantiles"][fmt::format("{:g}", q[k])] = f.quantiles[k](0, h);
      }
      out << line << '\n';
      rows.push_back(j);
    }
    if (!a.json.empty())
      write_manifest(a.json, "forecast predict",
                     {{"model_dir", a.model_dir},
                      {"data", a.data},
                      {"origin", d.label(origin)},
                      {"forecasts", rows}});
    return static_cast<int>(kOk);
  });
}

namespace {
/// --set assignments whose NAME. prefix is `name`, without the prefix.
std::vector<std::string> assignments_for(const std::vector<std::string>& set,
                                         const std::string& name) {
  std::vector<std::string> out;
  for (const std::string& a : set)
    if (a.rfind(name + ".", 0) == 0) out.push_back(a.substr(name.size() + 1));
  return out;
}
}  // namespace

int run_forecast_augment(const ForecastArgs& a, std::ostream& out) {
  return guarded([&] {
    const std::string model_name = a.model.empty() ? "lstm" : a.model;
    std::vector<forecast::AugmentSource> sources;
    std::vector<std::string> names = {model_name};
    std::vector<std::string> source_names = a.sources;
    if (source_names.empty()) {  // the library's default, named here so --set can address it
      source_names.push_back("bootstrap");
      const auto kinds = scenario::generator_kinds();
      if (std::find(kinds.begin(), kinds.end(), "gan") != kinds.end())
        source_names.push_back("gan");
    }
    for (const std::string& s : source_names) {
      const auto eq = s.find('=');
      forecast::AugmentSource src;
      src.name = eq == std::string::npos ? s : s.substr(0, eq);
      src.generator = eq == std::string::npos ? s : s.substr(eq + 1);
      src.options = parse_option_assignments(assignments_for(a.set, src.name),
                                             scenario::generator_kind(src.generator).options,
                                             src.name + " options");
      sources.push_back(src);
      names.push_back(src.name);
    }
    for (const std::string& s : a.set) {
      const std::string prefix = s.substr(0, s.find('.'));
      FG_REQUIRE(std::find(names.begin(), names.end(), prefix) != names.end(),
                 "--set '{}': expected MODEL.key=value or SOURCE.key=value for one of {}", s,
                 fmt::format("{}", fmt::join(names, ", ")));
    }
    std::vector<std::string> model_sets;
    for (const std::string& x : a.set)
      if (x.rfind(model_name + ".", 0) == 0) model_sets.push_back(x);
    const auto model = forecast::parse_model_specs({model_name}, model_sets).front();
    auto o = forecast::AugmentOptions()
                 .test_rows(a.test_rows)
                 .ratio(a.ratio)
                 .path_length(a.path_length)
                 .horizon(a.horizon)
                 .sources(sources);
    if (!a.sizes.empty()) o.sizes(a.sizes);
    if (!a.seeds.empty()) o.seeds(a.seeds);
    const forecast::Dataset d = forecast::load_dataset(source(a), spec(a));
    const auto r = forecast::augment_experiment(
        d, model, o, [](const std::string& step) { std::cerr << step << '\n'; });
    out << forecast::format_table(r);
    if (!a.json.empty())
      write_manifest(a.json, "forecast augment",
                     {{"data", a.data}, {"result", forecast::to_json(r)}});
    return static_cast<int>(kOk);
  });
}

int run_forecast_robustness(const ForecastArgs& a, std::ostream& out) {
  return guarded([&] {
    const std::vector<std::string> names = a.models.empty() ? forecast::default_models() : a.models;
    const auto models = forecast::parse_model_specs(names, a.set);
    data::ReturnsSource src = source(a);
    const forecast::DatasetSpec sp = spec(a);
    if (src.series.empty()) src.series = forecast::series_needed(sp);
    const Panel p = data::load_returns(src);
    const auto o = walk_options(a, p);
    const auto r = forecast::robustness(p, sp, models, o, a.gaps, a.outliers, a.sigmas, a.seed);
    out << forecast::format_table(r);
    if (!a.json.empty())
      write_manifest(a.json, "forecast robustness",
                     {{"data", a.data}, {"result", forecast::to_json(r)}});
    return static_cast<int>(kOk);
  });
}

void add_forecast(CLI::App& app, ForecastCommands& args, int& code, std::ostream& out) {
  ForecastArgs &ev = args.evaluate, &fit = args.fit, &pr = args.predict;
  CLI::App* cmd = app.add_subcommand(
      "forecast", "Forecast returns or volatility; compare models with the baselines");
  cmd->require_subcommand(1);
  auto data = [](CLI::App* c, ForecastArgs& a) {
    c->add_option("--data,-d", a.data, "Data file (OHLCV, panel or returns)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_flag("--returns", a.returns, "The file holds returns, not prices");
    c->add_option("--start", a.start, "First date to use");
    c->add_option("--end", a.end, "Last date to use");
  };
  auto task = [](CLI::App* c, ForecastArgs& a) {
    c->add_option("--target", a.target, "Series to forecast (default: the only one)");
    c->add_option("--features", a.features,
                  "Inputs: NAME (returns), NAME:abs, NAME:rv (realised volatility), dow; OHLCV "
                  "files: adjusted (or close) and volume (its log change) (default: the target's "
                  "returns, and its rv for a volatility target)")
        ->delimiter(',');
    c->add_option("--kind", a.kind,
                  "returns, volatility (realised, over --vol-window rows) or direction "
                  "(probability of a rise)")
        ->check(CLI::IsMember({"returns", "volatility", "direction"}));
    c->add_option("--vol-window", a.vol_window, "Rows of realised volatility")
        ->check(CLI::Range(1, 250));
    c->add_option("--horizon,-H", a.horizon, "Rows ahead forecast at once (direct multi-step)")
        ->check(CLI::Range(1, 1000));
    c->add_option("--quantiles", a.quantiles, "Quantile levels to forecast too, e.g. 0.05,0.95")
        ->delimiter(',');
  };
  CLI::App* e = cmd->add_subcommand(
      "evaluate", "Walk-forward comparison: accuracy and Diebold–Mariano tests against baselines");
  data(e, ev);
  task(e, ev);
  e->add_option("--models", ev.models,
                "Models, KIND or NAME=KIND (default: zero,naive,mean,ar,garch and lstm)")
      ->delimiter(',');
  e->add_option("--set", ev.set, "A model option, MODEL.key=value (repeatable)");
  e->add_option("--test-start", ev.test_start,
                "First date forecast (default: the last fifth of the rows)");
  e->add_option("--window", ev.window, "Rolling training window in rows (default: expanding)");
  e->add_option("--refit-every", ev.refit_every, "Rows between refits")
      ->check(CLI::Range(1, 1000000));
  e->add_option("--dm-power", ev.dm_power, "Loss of the DM tests: 2 squared, 1 absolute errors")
      ->check(CLI::Range(0.5, 4.0));
  e->add_option("--json", ev.json, "Write every table and test as JSON");
  e->add_option("--csv", ev.csv, "Write every forecast and the realised value as CSV");
  e->footer(
      "Models: " + fmt::format("{}", fmt::join(forecast::forecaster_kinds(), ", ")) +
      "\nExample:\n"
      "  fingen forecast evaluate --data data/sp500_ohlcv_2000_2020.csv --kind volatility \\\n"
      "      --horizon 5 --test-start 2016-01-04 --models naive,mean,ar,garch,lstm");
  e->callback([&] { code = run_forecast_evaluate(ev, out); });

  CLI::App* f = cmd->add_subcommand("fit", "Fit a forecaster on all the data and save it");
  data(f, fit);
  task(f, fit);
  f->add_option("--model,-m", fit.model, "Kind (zero, naive, mean, ar, garch, lstm, gru, ...)")
      ->required();
  f->add_option("--set", fit.set, "A model option, key=value (repeatable)");
  f->add_option("--out,-o", fit.model_dir, "Model directory")->required();
  f->callback([&] { code = run_forecast_fit(fit, out); });

  CLI::App* p = cmd->add_subcommand("predict", "Forecast from a saved forecaster");
  data(p, pr);
  p->add_option("--model-dir,-m", pr.model_dir, "Directory written by `forecast fit`")
      ->required()
      ->check(CLI::ExistingDirectory);
  p->add_option("--at", pr.at, "Origin: the last date the forecast may use (default: the last)");
  p->add_option("--json", pr.json, "Write the forecasts as JSON");
  p->callback([&] { code = run_forecast_predict(pr, out); });

  ForecastArgs& au = args.augment;
  CLI::App* g = cmd->add_subcommand(
      "augment", "Does training on generated paths help? Real only vs real + each generator");
  data(g, au);
  task(g, au);
  g->add_option("--model,-m", au.model, "Forecaster (default lstm; a neural kind)");
  g->add_option("--sources", au.sources,
                "Generators of synthetic paths, KIND or NAME=KIND (default: bootstrap,gan)")
      ->delimiter(',');
  g->add_option("--set", au.set, "An option, MODEL.key=value or SOURCE.key=value (repeatable)");
  g->add_option("--sizes", au.sizes, "Real training rows (default 250,500,1000,4000)")
      ->delimiter(',');
  g->add_option("--seeds", au.seeds, "Seeds (default 1,2,3)")->delimiter(',');
  g->add_option("--test-rows", au.test_rows, "Last rows forecast by every arm");
  g->add_option("--ratio", au.ratio, "Synthetic rows per real row");
  g->add_option("--path-length", au.path_length, "Rows per synthetic path");
  g->add_option("--json", au.json, "Write the table as JSON");
  g->footer(
      "Example:\n"
      "  fingen forecast augment --data data/sp500_ohlcv_2000_2020.csv --kind volatility \\\n"
      "      --sizes 250,1000 --seeds 1,2 --set gan.steps=300");
  g->callback([&] { code = run_forecast_augment(au, out); });

  ForecastArgs& ro = args.robustness;
  CLI::App* b = cmd->add_subcommand(
      "robustness", "Accuracy with gaps and outliers in the data, against clean data");
  data(b, ro);
  task(b, ro);
  b->add_option("--models", ro.models, "Models, KIND or NAME=KIND")->delimiter(',');
  b->add_option("--set", ro.set, "A model option, MODEL.key=value (repeatable)");
  b->add_option("--test-start", ro.test_start, "First date forecast");
  b->add_option("--window", ro.window, "Rolling training window in rows (default: expanding)");
  b->add_option("--refit-every", ro.refit_every, "Rows between refits")
      ->check(CLI::Range(1, 1000000));
  b->add_option("--gaps", ro.gaps, "Share of the target's returns deleted")
      ->check(CLI::Range(0.0, 0.4));
  b->add_option("--outliers", ro.outliers, "Share replaced by outliers")
      ->check(CLI::Range(0.0, 0.4));
  b->add_option("--sigmas", ro.sigmas, "Size of an outlier in standard deviations");
  b->add_option("--seed", ro.seed, "Seed of the corruption");
  b->add_option("--json", ro.json, "Write the table as JSON");
  b->callback([&] { code = run_forecast_robustness(ro, out); });
}

}  // namespace fingen::cli
