#include "fingen/pipeline/stages.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <omp.h>

#include "fingen/core/checked.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/eval/fidelity.hpp"
#include "fingen/eval/posthoc.hpp"
#include "fingen/risk/measures.hpp"

namespace fingen::pipeline {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

FitResult fit_model(const FitRequest& req) {
  FG_REQUIRE(!req.out.empty(), "no model directory given");
  const std::string where = fmt::format("{} options", req.kind);
  FitResult result;
  result.model = scenario::make_generator(  // validates the options before reading data
      req.kind, req.options.is_null() ? nlohmann::json::object() : req.options, where);
  const bool several = req.comm && req.comm->size() > 1;
  const bool lead = !several || req.comm->rank() == 0;  // the rank that writes
  FG_REQUIRE(!lead || !req.resume || std::filesystem::exists(req.out + "/checkpoints/last.pt"),
             "cannot resume: no checkpoint in {}/checkpoints", req.out);
  FG_REQUIRE(!req.data.file.empty(), "no data file given");
  result.returns = data::load_returns(req.data);
  if (several)
    dist::check_same(*req.comm,
                     nlohmann::json{{"kind", req.kind},
                                    {"options", result.model->options()},
                                    {"data", data::describe_data(req.data, result.returns)},
                                    {"out", req.out},
                                    {"resume", req.resume}}
                         .dump(),
                     "model, options, data or output directory");
  if (req.on_data) req.on_data(result.returns);
  // Checkpoints go here during training; removed if left empty.
  std::optional<OutputDir> out_dir;
  if (lead) out_dir.emplace(req.out);
  scenario::FitControl control;
  control.checkpoint_dir = req.out + "/checkpoints";
  control.resume = req.resume;
  control.progress = req.progress;
  control.comm = req.comm;
  result.model->set_fit_control(control);
  const auto t0 = std::chrono::steady_clock::now();
  result.model->fit(result.returns);
  result.seconds = seconds_since(t0);
  result.summary = result.model->summary();
  if (lead) {
    result.model->save(req.out);
    write_manifest(req.out + "/manifest.json", "fit",
                   {{"options",
                     {{"model", req.kind},
                      {"model_options", result.model->options()},
                      {"resume", req.resume},
                      {"start", req.data.start},
                      {"end", req.data.end},
                      {"ranks", several ? req.comm->size() : 1}}},
                    {"data", data::describe_data(req.data, result.returns)},
                    {"fit_seconds", result.seconds},
                    {"summary", result.summary}});
    out_dir->keep();
  }
  result.dir = req.out;
  return result;
}

namespace {
// The fit's manifest (data file, checksum, options) when the model directory has one.
nlohmann::json fit_manifest(const std::string& dir) {
  try {
    const auto j = nlohmann::json::parse(read_file(dir + "/manifest.json"));
    return {{"data", j.value("data", nlohmann::json())},
            {"options", j.value("options", nlohmann::json())}};
  } catch (const std::exception&) {
    return nullptr;  // a model saved by the library directly, not by fit_model
  }
}

std::string generate_manifest(const GenerateRequest& req, const GenerateResult& result,
                              const std::vector<std::string>& names) {
  return manifest_text("generate",
                       {{"options",
                         {{"model_dir", req.model_dir},
                          {"paths", req.paths},
                          {"horizon", req.horizon},
                          {"seed", req.seed},
                          {"threads", req.threads},
                          {"device", req.device.empty() ? "cpu" : req.device},
                          {"ranks", result.ranks}}},
                        {"model", result.kind},
                        {"fit", fit_manifest(req.model_dir)},
                        {"model_sha256", sha256_file(req.model_dir + "/model.json")},
                        {"shape", {result.paths, result.horizon, result.assets}},
                        {"names", names},
                        {"values", "per-period returns of the kind the model was fitted on"},
                        {"generate_seconds", result.seconds}});
}
}  // namespace

namespace {
// The size checks of generate_checked and generate_scenarios: Error(Usage) before any work.
void check_generate(const scenario::ScenarioGenerator& generator, std::size_t paths,
                    std::size_t horizon, int threads, std::size_t max_values) {
  FG_REQUIRE(paths > 0, "the number of paths must be positive");
  FG_REQUIRE(horizon > 0, "the horizon must be positive");
  const std::size_t steps = checked_mul(paths, horizon, "paths x horizon");
  FG_REQUIRE(steps <= max_values, "{} paths x {} steps is too many values (at most {})", paths,
             horizon, max_values);
  FG_REQUIRE(threads >= 0, "the number of threads must be >= 0");
  const std::size_t values = checked_mul(steps, std::max<std::size_t>(generator.names().size(), 1),
                                         "paths x horizon x series");
  FG_REQUIRE(values <= max_values,
             "{} paths x {} steps x {} series is too many values (at most {})", paths, horizon,
             generator.names().size(), max_values);
  FG_REQUIRE(generator.fitted(), "the {} model is not fitted", generator.kind());
}

}  // namespace

Scenarios generate_checked(const scenario::ScenarioGenerator& generator, std::size_t paths,
                           std::size_t horizon, std::uint64_t seed, int threads) {
  check_generate(generator, paths, horizon, threads, kMaxGeneratedValues);
  if (threads > 0) omp_set_num_threads(threads);
  return generator.generate(paths, horizon, seed);
}

GenerateResult generate_scenarios(const GenerateRequest& req) {
  FG_REQUIRE(req.paths > 0, "the number of paths must be positive");
  FG_REQUIRE(req.horizon > 0, "the horizon must be positive");
  FG_REQUIRE(req.threads >= 0, "the number of threads must be >= 0");
  std::unique_ptr<dist::Communicator> alone;
  dist::Communicator& comm = dist::given_or_local(req.comm, alone);
  const int rank = comm.rank(), ranks = comm.size();
  const auto generator = scenario::load_generator(req.model_dir);
  check_generate(*generator, req.paths, req.horizon, req.threads,
                 req.keep ? kMaxGeneratedValues : kMaxStreamedValues);
  if (!req.device.empty()) generator->set_device(req.device);
  const std::size_t assets = std::max<std::size_t>(generator->names().size(), 1);
  const std::size_t per_path = req.horizon * assets;  // checked above
  GenerateResult result;
  result.kind = generator->kind();
  result.paths = req.paths;
  result.horizon = req.horizon;
  result.assets = assets;
  result.ranks = ranks;
  // Ranks must agree on what they make, or the file would mix two requests.
  dist::check_same(comm,
                   nlohmann::json{{"model_sha256", sha256_file(req.model_dir + "/model.json")},
                                  {"paths", req.paths},
                                  {"horizon", req.horizon},
                                  {"seed", req.seed},
                                  {"out", req.out},
                                  {"csv", req.csv},
                                  {"keep", req.keep},
                                  {"device", req.device},
                                  {"block_paths", req.block_paths}}
                       .dump(),
                   "generate request (model, paths, horizon, seed or output files)");
  if (rank == 0 && !req.out.empty()) {
    // A file larger than the disk's free space would fail hours in: refused before any work. The
    // CSV is counted at 12 bytes a value at least.
    const std::uint64_t values = static_cast<std::uint64_t>(req.paths) * per_path;
    const std::uint64_t need = 128 + values * 8 + (req.csv.empty() ? 0 : values * 12);
    const std::uint64_t free = free_space_for(req.out);
    FG_REQUIRE(need <= free,
               "{} paths x {} steps x {} series need {:.1f} GB on disk{}, but only {:.1f} GB are "
               "free where {} goes",
               req.paths, req.horizon, assets, static_cast<double>(need) / 1e9,
               req.csv.empty() ? "" : " (with the CSV)", static_cast<double>(free) / 1e9, req.out);
  }
  if (req.threads > 0) omp_set_num_threads(req.threads);
  const auto t0 = std::chrono::steady_clock::now();
  if (ranks == 1 && req.keep) {
    // One process, everything in memory: one piece.
    result.scenarios = generator->generate(req.paths, req.horizon, req.seed);
    result.seconds = seconds_since(t0);
  } else {
    const std::size_t B = dist::paths_per_block(req.block_paths, per_path);
    const auto blocks_of = [&](int r) {
      const std::size_t n = dist::share(req.paths, r, ranks).second;
      return (n + B - 1) / B;
    };
    // Block j of rank r: its first path and its number of paths.
    const auto block = [&](int r, std::size_t j) {
      const auto [first, count] = dist::share(req.paths, r, ranks);
      return std::pair<std::size_t, std::size_t>{first + j * B, std::min(B, count - j * B)};
    };
    if (rank != 0) {
      for (std::size_t j = 0; j < blocks_of(rank); ++j) {
        const auto [first, n] = block(rank, j);
        const Scenarios s = generator->generate_range(first, n, req.horizon, req.seed);
        comm.send(s.data.data(), s.data.size() * sizeof(double), 0);
      }
      result.seconds = seconds_since(t0);
      return result;
    }
    // Rank 0: the blocks of every rank, in rounds (block j of each rank in turn), so every rank
    // generates while rank 0 writes; each block goes to its place in the file and in memory.
    AtomicFiles files;
    std::size_t npy = 0;
    std::uint64_t header = 0;
    if (!req.out.empty()) {
      npy = files.open(req.out);
      const std::string h = npy_header({req.paths, req.horizon, assets});
      files.write_at(npy, 0, h);
      header = h.size();
    }
    if (req.keep) {
      result.scenarios = Scenarios(req.paths, req.horizon, assets);
      result.scenarios.names = generator->names();
    }
    Scenarios received;
    for (std::size_t j = 0; j < blocks_of(0); ++j) {  // rank 0 has the most blocks
      for (int r = 0; r < ranks; ++r) {
        if (j >= blocks_of(r)) continue;
        const auto [first, n] = block(r, j);
        if (r == 0) {
          received = generator->generate_range(first, n, req.horizon, req.seed);
        } else {
          received = Scenarios(n, req.horizon, assets);
          comm.recv(received.data.data(), received.data.size() * sizeof(double), r);
        }
        const std::string_view bytes(reinterpret_cast<const char*>(received.data.data()),
                                     received.data.size() * sizeof(double));
        if (!req.out.empty()) files.write_at(npy, header + first * per_path * 8, bytes);
        if (req.keep)
          std::copy(received.data.begin(), received.data.end(),
                    result.scenarios.data.begin() + static_cast<std::ptrdiff_t>(first * per_path));
      }
    }
    result.seconds = seconds_since(t0);
    if (req.out.empty()) return result;
    if (!req.csv.empty()) {
      // The CSV in path order, from memory or read back from the .npy block by block.
      const std::size_t csv = files.open(req.csv);
      Scenarios part(0, req.horizon, assets);
      part.names = generator->names();
      files.append(csv, scenarios_csv_header(part));
      for (std::size_t first = 0; first < req.paths; first += B) {
        const std::size_t n = std::min(B, req.paths - first);
        part = Scenarios(n, req.horizon, assets);
        part.names = generator->names();
        if (req.keep)
          std::copy_n(result.scenarios.path(first), n * per_path, part.data.begin());
        else
          files.read_at(npy, header + first * per_path * 8,
                        reinterpret_cast<char*>(part.data.data()), n * per_path * 8);
        files.append(csv, scenarios_csv_rows(part, first));
      }
    }
    files.add(manifest_path_for(req.out), generate_manifest(req, result, generator->names()));
    files.commit();
    return result;
  }
  if (req.out.empty()) return result;
  const Scenarios& s = result.scenarios;
  // The scenarios, their CSV and their manifest appear together or not at all.
  AtomicFiles files;
  files.add(req.out, npy_bytes(s));
  if (!req.csv.empty()) files.add(req.csv, scenarios_csv(s));
  files.add(manifest_path_for(req.out), generate_manifest(req, result, s.names));
  files.commit();
  return result;
}

namespace {
// The request's names, or the scenario files' stems.
std::vector<std::string> model_names(const EvaluateRequest& req) {
  std::vector<std::string> names = req.names;
  if (names.empty() && req.scenarios.empty())
    for (const auto& f : req.scenario_files) {
      std::string stem = f.substr(f.find_last_of('/') + 1);
      names.push_back(stem.substr(0, stem.find_last_of('.')));
    }
  FG_REQUIRE(names.size() == req.scenario_files.size() + req.scenarios.size(),
             "{} names for {} sets of scenarios", names.size(),
             req.scenario_files.size() + req.scenarios.size());
  return names;
}
}  // namespace

EvaluateResult evaluate_scenarios(const EvaluateRequest& req) {
  FG_REQUIRE(!req.scenario_files.empty() || !req.scenarios.empty(), "no scenarios to evaluate");
  FG_REQUIRE(!req.test_start.empty(), "no {} given (the first day of the held-out period)",
             req.what);
  const std::vector<std::string> names = model_names(req);
  data::ReturnsSource all = req.data;
  all.start.clear();
  const Panel everything = data::load_returns(all);
  const std::size_t split = data::split_row(everything, req.test_start, req.what);
  EvaluateResult result;
  result.train = everything.slice_rows(0, split);
  result.real = everything.slice_rows(split, everything.rows());
  const Panel& real = result.real;
  std::vector<eval::FidelityReport> reports;
  double trtr = std::numeric_limits<double>::quiet_NaN();  // predictive score trained on real
  for (const auto& f : req.scenario_files) result.scenarios.push_back(read_scenarios_npy(f));
  for (const auto& s : req.scenarios) result.scenarios.push_back(s);
  for (std::size_t i = 0; i < result.scenarios.size(); ++i) {
    const Scenarios& s = result.scenarios[i];
    FG_REQUIRE(s.assets == real.cols(), "{} has {} series, the real data {} ({})",
               i < req.scenario_files.size() ? req.scenario_files[i] : names[i], s.assets,
               real.cols(), fmt::join(real.names, ", "));
    reports.push_back(eval::evaluate_fidelity(real, s, result.train, eval::FidelityOptions()));
    if (req.posthoc_window > 0) {
      // TimeGAN's post-hoc scores on windows (eval/posthoc.hpp).
      const auto [rw, sw] = eval::posthoc_windows(real, s, req.posthoc_window);
      const eval::PosthocScores ph =
          eval::posthoc_scores(rw, sw, eval::PosthocOptions().iterations(req.posthoc_iterations));
      const double nan = std::numeric_limits<double>::quiet_NaN();
      reports.back().metrics.push_back({"discriminative_score", ph.discriminative, nan});
      reports.back().metrics.push_back({"predictive_score", ph.predictive_tstr, nan});
      trtr = ph.predictive_trtr;
    }
  }
  result.comparison = eval::compare_models(names, reports, trtr);
  if (!req.json_out.empty()) {
    nlohmann::json sections = eval::metrics_json(result.comparison);
    sections["real"] = data::describe_data(all, real);
    sections["scenarios"] = req.scenario_files;
    if (!req.scenarios.empty()) sections["scenarios_in_memory"] = req.scenarios.size();
    write_manifest(req.json_out, "evaluate", sections);
  }
  return result;
}

ScenarioRisk scenario_var_es(const Scenarios& s, const ScenarioRiskOptions& o) {
  FG_REQUIRE(!o.levels.empty(), "no VaR level given");
  ScenarioRisk r;
  r.weights = risk::portfolio_weights(o.weights, s.assets);
  const std::vector<double> losses = risk::scenario_losses(s, r.weights, o.horizon, o.log_returns);
  for (double level : o.levels)
    r.levels.push_back(
        risk::empirical_var_es_interval(losses, level, o.confidence, o.bootstrap, o.seed));
  return r;
}

ModelRisk model_var_es(const ModelRiskRequest& req) {
  const ScenarioRiskOptions& o = req.risk;
  FG_REQUIRE(!o.levels.empty(), "no VaR level given");
  FG_REQUIRE(o.horizon > 0, "the horizon must be positive");
  std::unique_ptr<dist::Communicator> alone;
  dist::Communicator& comm = dist::given_or_local(req.comm, alone);
  const int rank = comm.rank(), ranks = comm.size();
  const auto generator = scenario::load_generator(req.model_dir);
  // Paths are made and reduced block by block: the values cap is that of streamed generation.
  check_generate(*generator, req.paths, o.horizon, req.threads, kMaxStreamedValues);
  ModelRisk result;
  result.kind = generator->kind();
  result.paths = req.paths;
  result.ranks = ranks;
  result.risk.weights = risk::portfolio_weights(o.weights, generator->names().size());
  dist::check_same(comm,
                   nlohmann::json{{"model_sha256", sha256_file(req.model_dir + "/model.json")},
                                  {"paths", req.paths},
                                  {"seed", req.seed},
                                  {"horizon", o.horizon},
                                  {"weights", result.risk.weights},
                                  {"log_returns", o.log_returns},
                                  {"levels", o.levels},
                                  {"confidence", o.confidence},
                                  {"block_paths", req.block_paths}}
                       .dump(),
                   "risk request (model, paths, seed, horizon, weights or levels)");
  if (req.threads > 0) omp_set_num_threads(req.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const auto [first, count] = dist::share(req.paths, rank, ranks);
  const std::size_t per_path = o.horizon * std::max<std::size_t>(generator->names().size(), 1);
  const std::size_t B = dist::paths_per_block(req.block_paths, per_path);
  risk::LossTail tail(req.paths, o.levels, o.confidence);
  risk::LossTail mine(req.paths, o.levels, o.confidence);  // this rank's share
  for (std::size_t done = 0; done < count; done += B) {
    const std::size_t n = std::min(B, count - done);
    const Scenarios s = generator->generate_range(first + done, n, o.horizon, req.seed);
    const std::vector<double> losses =
        risk::scenario_losses(s, result.risk.weights, o.horizon, o.log_returns);
    mine.add(losses.data(), losses.size());
  }
  // Rank 0 merges the worst losses of every rank's share: [count, worst...] from each.
  const std::vector<double>& worst = mine.worst();
  if (rank != 0) {
    const std::uint64_t sizes[2] = {count, worst.size()};
    comm.send(sizes, sizeof sizes, 0);
    comm.send(worst.data(), worst.size() * sizeof(double), 0);
    result.seconds = seconds_since(t0);
    return result;
  }
  tail.merge(worst, count);
  for (int r = 1; r < ranks; ++r) {
    std::uint64_t sizes[2] = {0, 0};
    comm.recv(sizes, sizeof sizes, r);
    FG_CHECK(Runtime, sizes[1] <= tail.keep() && sizes[1] <= sizes[0],
             "rank {} sent {} worst losses of {}, expected at most {}", r, sizes[1], sizes[0],
             tail.keep());
    std::vector<double> theirs(sizes[1]);
    comm.recv(theirs.data(), theirs.size() * sizeof(double), r);
    tail.merge(theirs, sizes[0]);
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (double level : o.levels) {
    risk::VarEsInterval v;
    v.estimate = tail.var_es(level);
    v.confidence = o.confidence;
    std::tie(v.var_lo, v.var_hi) = tail.var_interval(level);
    v.es_lo = v.es_hi = kNaN;
    result.risk.levels.push_back(v);
  }
  result.seconds = seconds_since(t0);
  return result;
}

nlohmann::json scenario_risk_rows(const ScenarioRisk& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& v : r.levels)
    rows.push_back(
        {{"level", v.estimate.level},
         {"var", v.estimate.var},
         {"es", v.estimate.es},
         {"var_ci", {v.var_lo, v.var_hi}},
         {"es_ci", std::isnan(v.es_lo) ? nlohmann::json() : nlohmann::json{v.es_lo, v.es_hi}}});
  return rows;
}

VarBacktestRun run_var_backtests(const VarBacktestRequest& req) {
  FG_REQUIRE(!req.models.empty(), "no VaR model given");
  const auto known = risk::var_model_names();
  for (const auto& m : req.models)
    FG_REQUIRE(std::find(known.begin(), known.end(), m) != known.end(),
               "unknown risk model '{}': expected {}", m, fmt::join(known, ", "));
  VarBacktestRun run;
  run.returns = data::load_returns(req.data);
  run.weights = risk::portfolio_weights(req.weights, run.returns.cols());
  if (req.on_data) req.on_data(run.returns, run.weights);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& m : req.models) {
    const risk::VarBacktestResult& b =
        run.results.emplace_back(risk::var_backtest(run.returns, run.weights, m, req.options));
    results.push_back(risk::var_backtest_json(b));
    if (req.on_result) req.on_result(b);
  }
  if (!req.days_csv.empty()) risk::write_var_backtest_days_csv(req.days_csv, run.results);
  if (!req.json_out.empty()) {
    const risk::VarBacktestOptions& o = req.options;
    write_manifest(
        req.json_out, "risk backtest",
        {{"data", data::describe_data(req.data, run.returns)},
         {"options",
          {{"weights", run.weights},
           {"window", o.window()},
           {"refit", o.refit()},
           {"level", o.level()},
           {"scenarios", o.scenarios()},
           {"seed", o.seed()}}},
         {"loss_convention", "loss = -(portfolio simple return); exception when loss > VaR"},
         {"results", results}});
  }
  return run;
}

namespace {
StressScenario measure(const Scenarios& s, const std::vector<double>& w, std::size_t horizon,
                       double level, std::string label) {
  std::vector<double> losses = risk::scenario_losses(s, w, horizon);
  StressScenario out;
  out.label = std::move(label);
  out.worst_path_loss = *std::max_element(losses.begin(), losses.end());
  const risk::VarEs v = risk::empirical_var_es(losses, level);
  out.var = v.var;
  out.es = v.es;
  return out;
}

// The row after the crisis context: the start of the worst window, or the row after crisis_end.
std::size_t crisis_end_row(const StressRequest& req, const Panel& r,
                           const std::vector<risk::StressWindow>& worst) {
  if (req.crisis_end.empty()) {
    FG_REQUIRE(!worst.empty(), "no historical window to take a crisis context from");
    return worst.front().first_row;
  }
  const auto e = parse_index(r.kind, req.crisis_end);
  FG_REQUIRE(e.has_value(), "crisis end '{}' is not a valid {}", req.crisis_end, to_string(r.kind));
  return static_cast<std::size_t>(std::upper_bound(r.index.begin(), r.index.end(), *e) -
                                  r.index.begin());
}

nlohmann::json stress_json(const StressRequest& req, const StressRun& run) {
  const Panel& r = run.returns;
  nlohmann::json report{
      {"data", data::describe_data(req.data, r)}, {"weights", run.weights}, {"level", req.level}};
  nlohmann::json hist = nlohmann::json::array();
  for (const auto& s : run.worst)
    hist.push_back({{"first", format_index(r.kind, s.first)},
                    {"last", format_index(r.kind, s.last)},
                    {"portfolio_return", s.portfolio_return},
                    {"max_drawdown", s.max_drawdown}});
  report["historical"] = hist;
  if (run.has_shock) report["shock"] = {{"shocks", req.shocks}, {"loss", run.shock_loss}};
  if (!run.model_kind.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& s : run.scenarios)
      if (!s.skipped)
        rows.push_back({{"scenario", s.label},
                        {"var", s.var},
                        {"es", s.es},
                        {"worst_path_loss", s.worst_path_loss}});
    report["model"] = {{"dir", req.model_dir}, {"kind", run.model_kind}, {"horizon", run.horizon},
                       {"paths", req.paths},   {"seed", req.seed},       {"results", rows}};
  }
  return report;
}
}  // namespace

StressRun run_stress_tests(const StressRequest& req) {
  StressRun run;
  run.returns = data::load_returns(req.data);
  const Panel& r = run.returns;
  run.weights = risk::portfolio_weights(req.weights, r.cols());
  run.worst = risk::worst_windows(r, run.weights, req.days, req.worst);
  if (!req.shocks.empty()) {
    run.has_shock = true;
    run.shock_loss = risk::shock_loss(run.weights, req.shocks);
  }
  if (!req.model_dir.empty()) {
    const auto gen = scenario::load_generator(req.model_dir);
    FG_REQUIRE(gen->names().size() == r.cols(), "the model has {} series, the data {}",
               gen->names().size(), r.cols());
    run.model_kind = gen->kind();
    run.horizon = req.horizon > 0 ? req.horizon : req.days;
    const Scenarios base = gen->generate(req.paths, run.horizon, req.seed);
    run.scenarios.push_back(
        measure(base, run.weights, run.horizon, req.level, "from the end of the training data"));
    for (double y : req.vol_multipliers)
      run.scenarios.push_back(measure(risk::scale_volatility(base, y), run.weights, run.horizon,
                                      req.level, fmt::format("volatility x {}", y)));
    const std::size_t end_row = crisis_end_row(req, r, run.worst);
    FG_REQUIRE(end_row >= req.context_days,
               "not enough history before the crisis for a {}-day context", req.context_days);
    const Panel ctx = r.slice_rows(end_row - req.context_days, end_row);
    const std::string label = fmt::format("after {} .. {}", format_index(r.kind, ctx.index.front()),
                                          format_index(r.kind, ctx.index.back()));
    if (gen->conditional())
      run.scenarios.push_back(
          measure(gen->generate_from(ctx.values, req.paths, run.horizon, req.seed), run.weights,
                  run.horizon, req.level, label));
    else
      run.scenarios.push_back({label, true, 0, 0, 0});
  }
  if (!req.json_out.empty()) write_manifest(req.json_out, "risk stress", stress_json(req, run));
  return run;
}

}  // namespace fingen::pipeline
