// fingen detect evaluate|fit|score: unsupervised detectors on windows of market returns, scored on
// injected anomalies (spikes, volume bursts, pump-and-dump, broken correlation) and the largest
// real moves; one detector fitted into a model directory; every window of new data scored.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/load.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/detect/market.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::cli {

namespace {
constexpr int kTable = 10, kMarket = 11;  // what guarded() returns when the input could be read
/// A labelled table (features and a binary label) rather than market data: the detectors then
/// score its rows, through the same code as `fingen credit`.
bool labelled_table(const DetectArgs& a) {
  return data::detect_format(data::CsvDocument::open(a.data)) == data::FileFormat::Labelled;
}
CreditArgs as_credit(const DetectArgs& a) {
  CreditArgs c;
  c.data = a.data;
  c.label = a.label;
  c.positive = a.positive;
  c.models = a.models;
  c.set = a.set;
  c.seed = a.seed;
  c.json = a.json;
  c.model = a.model;
  c.model_dir = a.model_dir;
  c.out = a.out;
  return c;
}
}  // namespace

int run_detect_evaluate(const DetectArgs& a, std::ostream& out) {
  const int kind = guarded([&] { return labelled_table(a) ? kTable : kMarket; });
  if (kind == kTable) return run_credit_evaluate(as_credit(a), out);
  if (kind != kMarket) return kind;  // the file could not be read: reported
  return guarded([&] {
    std::vector<credit::DetectorSpec> specs;
    for (const std::string& m : a.models) {
      specs.push_back({m, m, nlohmann::json::object()});
      std::vector<std::string> mine;
      for (const std::string& x : a.set)
        if (x.rfind(m + ".", 0) == 0) mine.push_back(x.substr(m.size() + 1));
      specs.back().options =
          parse_option_assignments(mine, credit::detector_kind(m).options, m + " options");
    }
    data::ReturnsSource src{a.data, a.series, false, "log", a.start, a.end};
    const Panel p = data::load_returns(src);
    detect::MarketOptions o;
    o.window(a.window).share(a.share).size(a.size).seed(a.seed);
    if (!a.test_start.empty()) o.test_start(data::split_row(p, a.test_start, "--test-start"));
    const auto r = detect::evaluate_market(p, specs, o);
    out << fmt::format("{}: {} ({} rows)\n", a.data, fmt::join(p.names, ", "), p.rows());
    out << detect::format_table(r);
    if (!a.json.empty())
      write_manifest(a.json, "detect evaluate",
                     {{"data", a.data}, {"series", p.names}, {"result", detect::to_json(r)}});
    return static_cast<int>(kOk);
  });
}

int run_detect_fit(const DetectArgs& a, std::ostream& out) {
  const int kind = guarded([&] { return labelled_table(a) ? kTable : kMarket; });
  if (kind == kTable) return run_credit_fit(as_credit(a), out);
  if (kind != kMarket) return kind;
  return guarded([&] {
    detect::MarketFitRequest q;
    q.source = {a.data, a.series, false, "log", a.start, a.end};
    q.kind = a.model;
    std::vector<std::string> mine;
    for (const std::string& x : a.set) {
      FG_REQUIRE(x.rfind(a.model + ".", 0) == 0, "--set '{}': expected {}.key=value", x, a.model);
      mine.push_back(x.substr(a.model.size() + 1));
    }
    q.options = parse_option_assignments(mine, credit::detector_kind(a.model).options,
                                         a.model + " options");
    q.window = a.window;
    q.seed = a.seed;
    q.out = a.model_dir;
    const auto s = detect::fit_market(q);
    out << fmt::format(
        "{}: fitted on {} windows of {} days ({} .. {}) in {:.1f} s; alarm level (99th "
        "percentile of the training windows' scores) {:.4g}\nmodel written to {}\n",
        a.model, s.windows, a.window, s.first, s.last, s.seconds, s.alarm, a.model_dir);
    return static_cast<int>(kOk);
  });
}

int run_detect_score(const DetectArgs& a, std::ostream& out) {
  const int kind = guarded([&] {
    return scenario::ModelFile::kind_in(a.model_dir) == "credit-detector" ? kTable : kMarket;
  });
  if (kind == kTable) return run_credit_score(as_credit(a), out);
  if (kind != kMarket) return kind;
  return guarded([&] {
    const auto r =
        detect::score_market(a.model_dir, {a.data, a.series, false, "log", a.start, a.end}, a.out);
    std::size_t alarms = 0;
    for (double v : r.scores) alarms += v > r.alarm;
    out << fmt::format("{} windows scored into {} (ends {} .. {}); {} above the alarm level\n",
                       r.scores.size(), a.out, r.ends.front(), r.ends.back(), alarms);
    return static_cast<int>(kOk);
  });
}

void add_detect(CLI::App& app, DetectArgs& ev, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand("detect", "Anomalies in market data");
  cmd->require_subcommand(1);
  CLI::App* e = cmd->add_subcommand(
      "evaluate", "AUROC of detectors on injected anomalies and on the largest real moves");
  e->add_option("--data,-d", ev.data, "Price file (OHLCV or panel), or a labelled table")
      ->required()
      ->check(CLI::ExistingFile);
  e->add_option("--label", ev.label, "Labelled tables: the label column");
  e->add_option("--positive", ev.positive, "Labelled tables: the positive (anomalous) class");
  e->add_option("--series", ev.series,
                "Columns (OHLCV: e.g. adjusted,volume for volume bursts too)")
      ->delimiter(',');
  e->add_option("--start", ev.start, "First date to use");
  e->add_option("--end", ev.end, "Last date to use");
  e->add_option("--test-start", ev.test_start,
                "First date of the test windows (default: the "
                "last 30%)");
  e->add_option("--window", ev.window, "Rows per window")->check(CLI::Range(2, 250));
  e->add_option("--share", ev.share, "Share of test windows injected, per anomaly type")
      ->check(CLI::Range(0.01, 0.5));
  e->add_option("--size", ev.size, "Anomaly size in standard deviations");
  e->add_option("--models", ev.models, "Unsupervised detectors")->delimiter(',');
  e->add_option("--set", ev.set, "A detector option, MODEL.key=value (repeatable)");
  e->add_option("--seed", ev.seed, "Seed of the injection and the detectors");
  e->add_option("--json", ev.json, "Write the table as JSON");
  e->footer(
      "Example:\n"
      "  fingen detect evaluate --data data/dow_jones_30.csv --series AA,IBM,KO,MSFT,XOM\n"
      "  fingen detect evaluate --data data/sp500_ohlcv_2000_2020.csv --series adjusted,volume");
  e->callback([&] { code = run_detect_evaluate(ev, out); });

  auto data = [&](CLI::App* c) {
    c->add_option("--data,-d", ev.data, "Price file (OHLCV or panel), or a labelled table")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--label", ev.label, "Labelled tables: the label column");
    c->add_option("--positive", ev.positive, "Labelled tables: the positive (anomalous) class");
    c->add_option("--series", ev.series, "Columns (default for score: the model's)")
        ->delimiter(',');
    c->add_option("--start", ev.start, "First date to use");
    c->add_option("--end", ev.end, "Last date to use");
  };
  CLI::App* f = cmd->add_subcommand(
      "fit", "Fit one unsupervised detector on every window of the data into a model directory");
  data(f);
  f->add_option("--model,-m", ev.model, "Detector kind (default mahalanobis)");
  f->add_option("--window", ev.window, "Rows per window")->check(CLI::Range(2, 250));
  f->add_option("--set", ev.set, "A detector option, MODEL.key=value (repeatable)");
  f->add_option("--seed", ev.seed, "Seed");
  f->add_option("--out,-o", ev.model_dir, "Model directory")->required();
  f->footer(
      "Example:\n  fingen detect fit --data data/sp500_ohlcv_2000_2020.csv --series "
      "adjusted,volume --end 2017-12-31 --out sp500-detector");
  f->callback([&] { code = run_detect_fit(ev, out); });
  CLI::App* s = cmd->add_subcommand(
      "score", "Score every window of days with a fitted detector (CSV of end,score,alarm)");
  data(s);
  s->add_option("--model-dir,-m", ev.model_dir, "Model directory from detect fit")
      ->required()
      ->check(CLI::ExistingDirectory);
  s->add_option("--out,-o", ev.out, "CSV of end,score,alarm")->required();
  s->callback([&] { code = run_detect_score(ev, out); });
}

}  // namespace fingen::cli
