#include "fingen/pipeline/config.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/portfolio/backtest.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/trading/backtest.hpp"
#include "fingen/trading/strategy.hpp"

namespace fingen::pipeline {

namespace {
using nlohmann::json;

// Reads values with errors that name the config file and the key path (usage errors: exit 2).
struct Reader {
  std::string file;

  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    FG_FAIL(Usage, "{}: {}", file, where.empty() ? message : where + ": " + message);
  }
  void keys(const json& obj, const std::string& where, const std::set<std::string>& allowed) const {
    if (!obj.is_object()) fail(where, "expected an object");
    for (const auto& [k, v] : obj.items())
      if (!allowed.count(k))
        fail(where, fmt::format("unknown key '{}' (allowed: {})", k, fmt::join(allowed, ", ")));
  }
  template <class T>
  T get(const json& obj, const std::string& key, const std::string& where, const T& fallback,
        bool required = false) const {
    const std::string at = where.empty() ? key : where + "." + key;
    if (!obj.contains(key)) {
      if (required) fail(where, fmt::format("missing required key '{}'", key));
      return fallback;
    }
    const json& v = obj.at(key);
    // Counts must be integers (2.5 paths is a mistake, not 2) and not negative.
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (!v.is_number_integer()) fail(at, fmt::format("expected an integer, got {}", v.dump()));
      if constexpr (std::is_unsigned_v<T>)
        if (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0)
          fail(at, fmt::format("expected a non-negative integer, got {}", v.dump()));
    }
    try {
      return v.get<T>();
    } catch (const json::exception&) {
      fail(at, fmt::format("has the wrong type: {}", v.dump()));
    }
  }
};
}  // namespace

namespace {
void read_models(const Reader& c, const json& models, PipelineConfig& p) {
  if (!models.is_array() || models.empty()) c.fail("models", "expected a non-empty list");
  for (std::size_t i = 0; i < models.size(); ++i) {
    const std::string where = fmt::format("models[{}]", i);
    c.keys(models[i], where, {"name", "model", "options"});
    ModelSpec m;
    m.kind = c.get<std::string>(models[i], "model", where, "", true);
    m.name = c.get<std::string>(models[i], "name", where, m.kind);
    try {
      validate_name(m.name, "a model name");  // it names models/NAME and scenarios/NAME.npy
    } catch (const Error& e) {
      c.fail(where + ".name", e.what());
    }
    if (std::any_of(p.models.begin(), p.models.end(),
                    [&](const ModelSpec& o) { return o.name == m.name; }))
      c.fail(where, fmt::format("model name '{}' is used twice", m.name));
    m.options = models[i].value("options", json::object());
    try {
      scenario::make_generator(m.kind, m.options, where + ".options");  // checks kind and options
    } catch (const Error& e) {
      c.fail("", e.what());
    }
    p.models.push_back(std::move(m));
  }
}

void read_risk(const Reader& c, const json& r, PipelineConfig& p) {
  c.keys(r, "risk", {"level", "models", "window", "refit", "weights"});
  p.has_risk = true;
  p.risk.level = c.get(r, "level", "risk", p.risk.level);
  if (!(p.risk.level > 0.5 && p.risk.level < 1))
    c.fail("risk.level", fmt::format("must be in (0.5, 1), e.g. 0.99; got {}", p.risk.level));
  p.risk.models = c.get(r, "models", "risk", p.risk.models);
  if (p.risk.models.empty()) c.fail("risk.models", "expected a non-empty list");
  const auto known = risk::var_model_names();
  for (const auto& m : p.risk.models)
    if (std::find(known.begin(), known.end(), m) == known.end())
      c.fail("risk.models",
             fmt::format("unknown risk model '{}': expected {}", m, fmt::join(known, ", ")));
  p.risk.window = c.get(r, "window", "risk", p.risk.window);
  p.risk.refit = c.get(r, "refit", "risk", p.risk.refit);
  if (p.risk.window < 50) c.fail("risk.window", "must be at least 50 days");
  p.risk.weights = c.get(r, "weights", "risk", std::vector<double>{});
}

void read_trading(const Reader& c, const json& t, PipelineConfig& p) {
  c.keys(t, "trading", {"strategy", "options", "backtest"});
  p.has_trading = true;
  if (p.returns)
    c.fail("trading", "a strategy trades prices, but data.returns says the file holds returns");
  p.trading.strategy = c.get<std::string>(t, "strategy", "trading", p.trading.strategy);
  p.trading.options = t.value("options", json::object());
  p.trading.backtest = t.value("backtest", json::object());
  std::size_t warmup = 0;
  try {
    warmup =
        trading::make_strategy(p.trading.strategy, p.trading.options, "trading.options")->warmup();
    trading::BacktestOptions::from_json(p.trading.backtest, "trading.backtest");
  } catch (const Error& e) {
    c.fail("", e.what());
  }
  // The strategy trades every model's scenario paths too: they must be long enough for a signal.
  if (warmup + 1 >= p.horizon)
    c.fail("trading", fmt::format("the {} strategy needs more than {} bars before its first "
                                  "signal, but the scenarios have {} (generate.horizon)",
                                  p.trading.strategy, warmup + 1, p.horizon));
}

void read_portfolio(const Reader& c, const json& t, PipelineConfig& p) {
  c.keys(t, "portfolio",
         {"methods", "window", "every", "alpha", "lower", "upper", "budget", "backtest", "screen"});
  p.has_portfolio = true;
  if (p.returns)
    c.fail("portfolio",
           "the backtest rebalances on prices, but data.returns says the file holds "
           "returns");
  PortfolioSpec& q = p.portfolio;
  q.methods = c.get(t, "methods", "portfolio", q.methods);
  for (const auto& m : q.methods)
    if (std::find(portfolio::method_names().begin(), portfolio::method_names().end(), m) ==
        portfolio::method_names().end())
      c.fail("portfolio.methods", fmt::format("unknown method '{}': expected {}", m,
                                              fmt::join(portfolio::method_names(), ", ")));
  q.window = c.get(t, "window", "portfolio", q.window);
  q.every = c.get(t, "every", "portfolio", q.every);
  q.alpha = c.get(t, "alpha", "portfolio", q.alpha);
  q.lower = c.get(t, "lower", "portfolio", q.lower);
  q.upper = c.get(t, "upper", "portfolio", q.upper);
  q.budget = c.get(t, "budget", "portfolio", q.budget);
  q.backtest = t.value("backtest", json::object());
  if (t.contains("screen")) {
    const json& sc = t["screen"];
    c.keys(sc, "portfolio.screen",
           {"random", "top", "min_return", "max_cvar", "min_sharpe", "max_drawdown_probability",
            "drawdown"});
    q.screen = true;
    q.screen_random = c.get(sc, "random", "portfolio.screen", q.screen_random);
    q.screen_top = c.get(sc, "top", "portfolio.screen", q.screen_top);
    q.min_return = c.get(sc, "min_return", "portfolio.screen", q.min_return);
    q.max_cvar = c.get(sc, "max_cvar", "portfolio.screen", q.max_cvar);
    q.min_sharpe = c.get(sc, "min_sharpe", "portfolio.screen", q.min_sharpe);
    q.max_drawdown_probability =
        c.get(sc, "max_drawdown_probability", "portfolio.screen", q.max_drawdown_probability);
    q.drawdown = c.get(sc, "drawdown", "portfolio.screen", q.drawdown);
    if (q.screen_random > 100000) c.fail("portfolio.screen.random", "at most 100000");
    if (!(q.drawdown > 0 && q.drawdown < 1))
      c.fail("portfolio.screen.drawdown", "must be in (0, 1)");
  }
  if (q.window < 20) c.fail("portfolio.window", "must be at least 20 bars");
  if (q.every < 1) c.fail("portfolio.every", "must be at least 1 bar");
  if (!(q.alpha > 0 && q.alpha < 0.5)) c.fail("portfolio.alpha", "must be in (0, 0.5)");
  if (!(std::isfinite(q.lower) && std::isfinite(q.upper) && q.lower <= q.upper))
    c.fail("portfolio", "lower and upper must be finite with lower <= upper");
  try {
    check_option_keys(q.backtest, trading::CostOptions::info(), "portfolio.backtest");
    trading::BacktestOptions::from_json(q.backtest, "portfolio.backtest");
  } catch (const Error& e) {
    c.fail("", e.what());
  }
}

void read_forecast(const Reader& c, const json& t, PipelineConfig& p) {
  c.keys(t, "forecast",
         {"target", "kind", "features", "vol_window", "horizon", "quantiles", "models", "options",
          "window", "refit_every"});
  p.has_forecast = true;
  ForecastSpec& f = p.forecast;
  f.data.target(c.get<std::string>(t, "target", "forecast", ""));
  try {
    f.data.kind(forecast::parse_target_kind(c.get<std::string>(t, "kind", "forecast", "returns")));
  } catch (const Error& e) {
    c.fail("forecast.kind", e.what());
  }
  f.data.features(c.get<std::vector<std::string>>(t, "features", "forecast", {}));
  f.data.vol_window(c.get<std::size_t>(t, "vol_window", "forecast", 5));
  if (f.data.vol_window() < 1 || f.data.vol_window() > 250)
    c.fail("forecast.vol_window", "must be in 1..250");
  f.horizon = c.get<std::size_t>(t, "horizon", "forecast", f.horizon);
  f.quantiles = c.get<std::vector<double>>(t, "quantiles", "forecast", {});
  f.window = c.get<std::size_t>(t, "window", "forecast", f.window);
  f.refit_every = c.get<std::size_t>(t, "refit_every", "forecast", f.refit_every);
  if (f.refit_every < 1) c.fail("forecast.refit_every", "must be at least 1");
  const auto names =
      c.get<std::vector<std::string>>(t, "models", "forecast", forecast::default_models());
  const json options = t.value("options", json::object());
  if (!options.is_object()) c.fail("forecast.options", "expected an object of MODEL: {options}");
  try {
    f.models = forecast::parse_model_specs(names, {});
    for (const auto& item : options.items()) {
      const std::string name = item.key();
      const json& o = item.value();
      auto it = std::find_if(f.models.begin(), f.models.end(),
                             [&](const forecast::ModelSpec& m) { return m.name == name; });
      if (it == f.models.end())
        c.fail("forecast.options", fmt::format("'{}' is not among forecast.models", name));
      it->options = o;
    }
    // Every model built once here: options and the task (horizon, quantiles) are checked now.
    for (const auto& m : f.models)
      (void)forecast::make_forecaster(m.kind, m.options, forecast::Task{f.horizon, f.quantiles},
                                      "forecast.options." + m.name);
  } catch (const Error& e) {
    if (e.category() != ErrorCategory::Usage) throw;
    c.fail("forecast", e.what());
  }
}

/// A path from the config: as given when it exists there, else relative to the config's directory.
std::string resolve_path(const std::string& config, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    const auto alt = std::filesystem::path(config).parent_path() / path;
    if (std::filesystem::exists(alt, ec)) return alt.string();
  }
  return path;
}

void read_credit(const Reader& c, const json& t, PipelineConfig& p) {
  c.keys(t, "credit",
         {"file", "label", "positive", "models", "options", "oversamplers", "oversample_to",
          "folds", "repeats", "seed"});
  p.has_credit = true;
  credit::EvaluateRequest& q = p.credit.request;
  q.data = resolve_path(p.file, c.get<std::string>(t, "file", "credit", "", true));
  q.table.label_column(c.get<std::string>(t, "label", "credit", ""))
      .positive(c.get<std::string>(t, "positive", "credit", ""));
  const auto models = c.get<std::vector<std::string>>(
      t, "models", "credit", {"logistic", "mahalanobis", "isolation-forest"});
  const auto samplers = c.get<std::vector<std::string>>(t, "oversamplers", "credit", {"smote"});
  const json options = t.value("options", json::object());
  if (!options.is_object()) c.fail("credit.options", "expected an object of NAME: {options}");
  q.cv.oversample_to(c.get<double>(t, "oversample_to", "credit", 0.5))
      .folds(c.get<int>(t, "folds", "credit", 5))
      .repeats(c.get<int>(t, "repeats", "credit", 2))
      .seed(c.get<std::uint64_t>(t, "seed", "credit", 1));
  if (!(q.cv.oversample_to() >= 0 && q.cv.oversample_to() < 0.96))
    c.fail("credit.oversample_to", "must be in [0, 0.95]");
  if (q.cv.folds() < 2 || q.cv.folds() > 100) c.fail("credit.folds", "must be in 2..100");
  if (q.cv.repeats() < 1 || q.cv.repeats() > 100) c.fail("credit.repeats", "must be in 1..100");
  try {
    for (const std::string& m : models) {
      const auto eq = m.find('=');
      credit::DetectorSpec s{
          eq == std::string::npos ? m : m.substr(0, eq),
          eq == std::string::npos ? m : m.substr(eq + 1),
          options.value(eq == std::string::npos ? m : m.substr(0, eq), json::object())};
      for (const auto& o : q.models)
        if (o.name == s.name) c.fail("credit.models", fmt::format("'{}' is given twice", s.name));
      (void)credit::make_detector(s.kind, s.options, 0, "credit.options." + s.name);
      q.models.push_back(std::move(s));
    }
    for (const std::string& k : samplers) {
      q.oversamplers.push_back({k, k, options.value(k, json::object())});
      (void)credit::make_oversampler(k, q.oversamplers.back().options, {}, "credit.options." + k);
    }
  } catch (const Error& e) {
    if (e.category() != ErrorCategory::Usage) throw;
    c.fail("credit", e.what());
  }
  for (const auto& item : options.items()) {
    const bool known =
        std::any_of(q.models.begin(), q.models.end(),
                    [&](const credit::DetectorSpec& m) { return m.name == item.key(); }) ||
        std::find(samplers.begin(), samplers.end(), item.key()) != samplers.end();
    if (!known)
      c.fail("credit.options",
             fmt::format("'{}' is not among credit.models or credit.oversamplers", item.key()));
  }
}

void read_detect(const Reader& c, const json& t, PipelineConfig& p) {
  c.keys(t, "detect",
         {"series", "models", "options", "window", "share", "size", "repeats", "seed"});
  p.has_detect = true;
  DetectSpec& d = p.detect;
  d.series = c.get<std::vector<std::string>>(t, "series", "detect", {});
  d.options.window(c.get<std::size_t>(t, "window", "detect", 20))
      .share(c.get<double>(t, "share", "detect", 0.1))
      .size(c.get<double>(t, "size", "detect", 6))
      .repeats(c.get<std::size_t>(t, "repeats", "detect", 10))
      .seed(c.get<std::uint64_t>(t, "seed", "detect", 1));
  if (d.options.window() < 2 || d.options.window() > 250)
    c.fail("detect.window", "must be in 2..250");
  if (!(d.options.share() > 0 && d.options.share() < 1))
    c.fail("detect.share", "must be in (0, 1)");
  if (!(d.options.size() > 0)) c.fail("detect.size", "must be positive");
  if (d.options.repeats() < 1 || d.options.repeats() > 1000)
    c.fail("detect.repeats", "must be in 1..1000");
  const json options = t.value("options", json::object());
  if (!options.is_object()) c.fail("detect.options", "expected an object of MODEL: {options}");
  try {
    for (const std::string& m : c.get<std::vector<std::string>>(
             t, "models", "detect", {"mahalanobis", "isolation-forest"})) {
      for (const auto& o : d.models)
        if (o.name == m) c.fail("detect.models", fmt::format("'{}' is given twice", m));
      d.models.push_back({m, m, options.value(m, json::object())});
      const auto det = credit::make_detector(m, d.models.back().options, 0, "detect.options." + m);
      if (det->supervised())
        c.fail("detect.models",
               fmt::format("'{}' is supervised; market windows have no labels to learn from", m));
    }
  } catch (const Error& e) {
    if (e.category() != ErrorCategory::Usage) throw;
    c.fail("detect", e.what());
  }
  for (const auto& item : options.items())
    if (std::none_of(d.models.begin(), d.models.end(),
                     [&](const credit::DetectorSpec& m) { return m.name == item.key(); }))
      c.fail("detect.options", fmt::format("'{}' is not among detect.models", item.key()));
}

}  // namespace

std::string config_keys_help() {
  return "Config keys: name, out (default runs/NAME), data {file, series, returns}, split "
         "{test_start,\n"
         "train_start}, models [{name, model, options}], generate {paths, horizon, seed},\n"
         "evaluate {posthoc_window, posthoc_iterations},\n"
         "risk {level, models, window, refit, weights},\n"
         "trading {strategy, options, backtest},\n"
         "portfolio {methods, window, every, alpha, lower, upper, budget, backtest,\n"
         "screen {random, top, min_return, max_cvar, min_sharpe, max_drawdown_probability,\n"
         "drawdown}},\n"
         "forecast {target, kind, features, vol_window, horizon, quantiles, models, options,\n"
         "window, refit_every},\n"
         "credit {file, label, positive, models, options, oversamplers, oversample_to, folds,\n"
         "repeats, seed},\n"
         "detect {series, models, options, window, share, size, repeats, seed}.\n"
         "Unknown keys are errors; the whole config\n"
         "is checked before any work starts.";
}

PipelineConfig read_config(const std::string& file, const std::string& out_override) {
  const Reader c{file};
  PipelineConfig p;
  p.file = file;
  try {
    p.content = json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw_input_error({file, 0, {}}, fmt::format("invalid JSON: {}", e.what()));
  }
  const json& root = p.content;
  c.keys(root, "",
         {"name", "data", "split", "models", "generate", "evaluate", "risk", "trading", "portfolio",
          "forecast", "credit", "detect", "out"});
  p.name = c.get<std::string>(root, "name", "", "", true);
  try {
    validate_name(p.name, "the run name");  // it names runs/NAME
  } catch (const Error& e) {
    c.fail("name", e.what());
  }
  p.out =
      out_override.empty() ? c.get<std::string>(root, "out", "", "runs/" + p.name) : out_override;

  const json data = root.value("data", json::object());
  c.keys(data, "data", {"file", "series", "returns"});
  p.data_file = c.get<std::string>(data, "file", "data", "", true);
  // Relative to the config file when not found relative to the working directory. The error_code
  // forms: a name the file system refuses (too long, ...) is not found here; reading it later
  // reports it as Error(Io) naming the file, instead of a std::filesystem_error escaping.
  p.data_file = resolve_path(file, p.data_file);
  p.series = c.get<std::vector<std::string>>(data, "series", "data", {});
  p.returns = c.get(data, "returns", "data", false);

  const json split = root.value("split", json::object());
  c.keys(split, "split", {"test_start", "train_start"});
  p.test_start = c.get<std::string>(split, "test_start", "split", "", true);
  p.train_start = c.get<std::string>(split, "train_start", "split", "");

  const json gen = root.value("generate", json::object());
  c.keys(gen, "generate", {"paths", "horizon", "seed"});
  p.paths = c.get<std::size_t>(gen, "paths", "generate", p.paths);
  p.horizon = c.get<std::size_t>(gen, "horizon", "generate", p.horizon);
  p.seed = c.get<std::uint64_t>(gen, "seed", "generate", p.seed);
  if (p.paths == 0 || p.horizon == 0) c.fail("generate", "paths and horizon must be positive");

  read_models(c, root.value("models", json::array()), p);
  if (root.contains("evaluate")) {
    const json& ev = root["evaluate"];
    c.keys(ev, "evaluate", {"posthoc_window", "posthoc_iterations"});
    p.posthoc_window = c.get<std::size_t>(ev, "posthoc_window", "evaluate", 0);
    p.posthoc_iterations =
        c.get<std::int64_t>(ev, "posthoc_iterations", "evaluate", p.posthoc_iterations);
    if (p.posthoc_iterations < 1) c.fail("evaluate.posthoc_iterations", "must be positive");
  }

  if (root.contains("risk")) read_risk(c, root["risk"], p);
  if (root.contains("trading")) read_trading(c, root["trading"], p);
  if (root.contains("portfolio")) read_portfolio(c, root["portfolio"], p);
  if (root.contains("forecast")) read_forecast(c, root["forecast"], p);
  if (root.contains("credit")) read_credit(c, root["credit"], p);
  if (root.contains("detect")) read_detect(c, root["detect"], p);
  return p;
}

}  // namespace fingen::pipeline
