// fingen run CONFIG: the whole job from one JSON file: data -> split -> fit every model -> generate
// -> evaluate on the held-out period -> risk backtest -> run directory with a manifest.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "run_support.hpp"

namespace fingen::cli {

namespace {
using nlohmann::json;

// Reads a config value with a clear error naming the config file and the key.
struct Config {
  std::string file;
  json root;

  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw_input_error({file, 0, {}}, where.empty() ? message : where + ": " + message);
  }

  void check_keys(const json& obj, const std::string& where,
                  const std::set<std::string>& allowed) const {
    if (!obj.is_object()) fail(where, "expected an object");
    for (const auto& [k, v] : obj.items())
      if (!allowed.count(k))
        fail(where, fmt::format("unknown key '{}' (allowed: {})", k, fmt::join(allowed, ", ")));
  }
  template <class T>
  T get(const json& obj, const std::string& key, const std::string& where, const T& fallback,
        bool required = false) const {
    if (!obj.contains(key)) {
      if (required) fail(where, fmt::format("missing required key '{}'", key));
      return fallback;
    }
    try {
      return obj.at(key).get<T>();
    } catch (const json::exception&) {
      fail(where.empty() ? key : where + "." + key,
           fmt::format("has the wrong type: {}", obj.at(key).dump()));
    }
  }
};

void apply_model_options(const Config& c, const json& opts, const std::string& where, FitArgs& f) {
  c.check_keys(
      opts, where,
      {"innovation", "block_length", "generator", "discriminator", "window", "context", "regime",
       "steps", "batch", "hidden", "layers", "noise_dim", "lr", "critic_steps", "seed", "threads"});
  f.innovation = c.get(opts, "innovation", where, f.innovation);
  f.block_length = c.get(opts, "block_length", where, f.block_length);
  f.generator = c.get(opts, "generator", where, f.generator);
  f.discriminator = c.get(opts, "discriminator", where, f.discriminator);
  f.window = c.get(opts, "window", where, f.window);
  f.context = c.get(opts, "context", where, f.context);
  f.regime = c.get(opts, "regime", where, f.regime);
  f.steps = c.get(opts, "steps", where, f.steps);
  f.batch = c.get(opts, "batch", where, f.batch);
  f.hidden = c.get(opts, "hidden", where, f.hidden);
  f.layers = c.get(opts, "layers", where, f.layers);
  f.noise_dim = c.get(opts, "noise_dim", where, f.noise_dim);
  f.lr = c.get(opts, "lr", where, f.lr);
  f.critic_steps = c.get(opts, "critic_steps", where, f.critic_steps);
  f.seed = c.get(opts, "seed", where, f.seed);
  f.threads = c.get(opts, "threads", where, f.threads);
}

void step(std::ostream& out, const std::string& what) {
  out << "\n== " << what << " ==\n";
}

void check(int code, const std::string& what) {
  FG_CHECK(Runtime, code == kOk, "pipeline step failed: {} (see the error above)", what);
}
}  // namespace

int run_pipeline(const RunArgs& args, std::ostream& out) {
  return guarded([&] {
    Config c{args.config, {}};
    try {
      c.root = json::parse(read_file(args.config));
    } catch (const json::exception& e) {
      throw_input_error({args.config, 0, {}}, fmt::format("invalid JSON: {}", e.what()));
    }
    c.check_keys(c.root, "",
                 {"name", "data", "split", "models", "generate", "evaluate", "risk", "out"});
    const std::string name = c.get<std::string>(c.root, "name", "", "", true);
    const std::string run_dir =
        args.out.empty() ? c.get<std::string>(c.root, "out", "", "runs/" + name) : args.out;
    const json data = c.root.value("data", json::object());
    c.check_keys(data, "data", {"file", "series", "returns"});
    std::string file = c.get<std::string>(data, "file", "data", "", true);
    if (!std::filesystem::exists(file)) {
      // Relative to the config file when not found relative to the working directory.
      const auto alt = std::filesystem::path(args.config).parent_path() / file;
      if (std::filesystem::exists(alt)) file = alt.string();
    }
    const auto series = c.get<std::vector<std::string>>(data, "series", "data", {});
    const bool returns = c.get(data, "returns", "data", false);
    const json split = c.root.value("split", json::object());
    c.check_keys(split, "split", {"test_start", "train_start"});
    const std::string test_start = c.get<std::string>(split, "test_start", "split", "", true);
    const std::string train_start = c.get<std::string>(split, "train_start", "split", "");
    const json gen = c.root.value("generate", json::object());
    c.check_keys(gen, "generate", {"paths", "horizon", "seed"});
    const auto paths = c.get<std::size_t>(gen, "paths", "generate", 1000);
    const auto horizon = c.get<std::size_t>(gen, "horizon", "generate", 252);
    const auto seed = c.get<std::uint64_t>(gen, "seed", "generate", 7);
    const json models = c.root.value("models", json::array());
    if (!models.is_array() || models.empty()) c.fail("models", "expected a non-empty list");
    // Validate every model entry before any work starts.
    std::vector<FitArgs> fits;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < models.size(); ++i) {
      const std::string where = fmt::format("models[{}]", i);
      c.check_keys(models[i], where, {"name", "model", "options"});
      FitArgs f;
      f.model = c.get<std::string>(models[i], "model", where, "", true);
      const std::string n = c.get<std::string>(models[i], "name", where, f.model);
      FG_REQUIRE(std::find(names.begin(), names.end(), n) == names.end(),
                 "{}: model name '{}' is used twice", args.config, n);
      if (models[i].contains("options"))
        apply_model_options(c, models[i]["options"], where + ".options", f);
      f.data = file;
      f.series = series;
      f.returns = returns;
      f.start = train_start;
      f.out = run_dir + "/models/" + n;
      f.quiet = args.quiet;
      fits.push_back(f);
      names.push_back(n);
    }
    std::filesystem::create_directories(run_dir + "/scenarios");
    // The day before the test period ends the training data.
    const Panel all = load_returns({file, series, returns, "log", "", ""});
    const auto ts = parse_index(all.kind, test_start);
    FG_REQUIRE(ts.has_value(), "{}: split.test_start '{}' is not a valid {}", args.config,
               test_start, to_string(all.kind));
    const auto first_test = std::lower_bound(all.index.begin(), all.index.end(), *ts);
    FG_REQUIRE(first_test != all.index.begin() && first_test != all.index.end(),
               "{}: split.test_start {} leaves no "
               "training or no test data",
               args.config, test_start);
    const std::string train_end = format_index(all.kind, *(first_test - 1));

    std::vector<std::string> scenario_files;
    for (std::size_t i = 0; i < fits.size(); ++i) {
      step(out, fmt::format("fit {} ({}) on data up to {}", names[i], fits[i].model, train_end));
      fits[i].end = train_end;
      check(run_fit(fits[i], out), "fit " + names[i]);
      GenerateArgs g;
      g.model = fits[i].out;
      g.paths = paths;
      g.horizon = horizon;
      g.seed = seed;
      g.out = run_dir + "/scenarios/" + names[i] + ".npy";
      check(run_generate(g, out), "generate " + names[i]);
      scenario_files.push_back(g.out);
    }
    step(out, fmt::format("evaluate on held-out data from {}", test_start));
    EvaluateArgs e;
    e.real = file;
    e.series = series;
    e.returns = returns;
    e.start = test_start;
    e.scenarios = scenario_files;
    e.names = names;
    e.json = run_dir + "/metrics.json";
    if (c.root.contains("evaluate")) {
      const json ev = c.root["evaluate"];
      c.check_keys(ev, "evaluate", {"posthoc_window", "posthoc_iterations"});
      e.posthoc_window = c.get<std::size_t>(ev, "posthoc_window", "evaluate", 0);
      e.posthoc_iterations =
          c.get<long>(ev, "posthoc_iterations", "evaluate", e.posthoc_iterations);
    }
    check(run_evaluate(e, out), "evaluate");

    json risk_section = nullptr;
    if (c.root.contains("risk")) {
      const json risk = c.root["risk"];
      c.check_keys(risk, "risk", {"level", "models", "window", "refit", "weights"});
      RiskBacktestArgs b;
      b.portfolio = {file,        series,
                     returns,     c.get(risk, "weights", "risk", std::vector<double>{}),
                     train_start, ""};
      b.models = c.get(risk, "models", "risk", b.models);
      b.level = c.get(risk, "level", "risk", b.level);
      b.window = c.get(risk, "window", "risk", b.window);
      b.refit = c.get(risk, "refit", "risk", b.refit);
      b.json = run_dir + "/backtest.json";
      b.csv = run_dir + "/backtest_days.csv";
      step(out, "risk backtest");
      check(run_risk_backtest(b, out), "risk backtest");
      risk_section = {{"json", b.json}, {"days_csv", b.csv}};
    }
    write_manifest(run_dir + "/manifest.json", "run",
                   {{"config", args.config},
                    {"config_sha256", sha256_file(args.config)},
                    {"config_content", c.root},
                    {"data", {{"file", file}, {"sha256", sha256_file(file)}}},
                    {"train_end", train_end},
                    {"test_start", test_start},
                    {"models", names},
                    {"scenarios", scenario_files},
                    {"metrics", run_dir + "/metrics.json"},
                    {"risk", risk_section}});
    step(out, "report");
    ReportArgs rep;
    rep.run = run_dir;
    check(run_report(rep, out), "report");
    out << fmt::format(
        "\nrun complete: {}/ (report.html, manifest.json, metrics.json, models/, scenarios/{})\n",
        run_dir, risk_section.is_null() ? "" : ", backtest.json");
    return static_cast<int>(kOk);
  });
}

void add_run(CLI::App& app, RunArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a whole pipeline from a JSON config (fit, generate, evaluate, backtest)");
  cmd->footer(
      "Config keys: name, out (default runs/NAME), data {file, series, returns}, split "
      "{test_start,\n"
      "train_start}, models [{name, model, options}], generate {paths, horizon, seed},\n"
      "evaluate {posthoc_window, posthoc_iterations},\n"
      "risk {level, models, window, refit, weights}. Unknown keys are errors.\n\n"
      "Examples:\n"
      "  fingen run examples/sp500.json\n"
      "  fingen run examples/dow_jones.json --out runs/dj");
  cmd->add_option("config", args.config, "Pipeline config (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args.out, "Run directory (default: the config's out, or runs/NAME)");
  cmd->add_flag("--quiet,-q", args.quiet, "Less output from the fits");
  cmd->callback([&] { code = run_pipeline(args, out); });
}

}  // namespace fingen::cli
