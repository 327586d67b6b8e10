#include "fingen/scenario/generator.hpp"

#include <cmath>
#include <map>
#include <mutex>

#include "fingen/core/error.hpp"
#include "fingen/scenario/bootstrap.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/gbm.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::scenario {

Scenarios ScenarioGenerator::generate_from(const Eigen::MatrixXd& /*context*/,
                                           std::size_t /*paths*/, std::size_t /*horizon*/,
                                           std::uint64_t /*seed*/) const {
  FG_FAIL(Usage, "the '{}' model has no memory and cannot be conditioned on recent history",
          kind());
}

void ScenarioGenerator::set_device(const std::string& device) {
  FG_REQUIRE(device == "cpu" || device == "auto" || device == "cuda",
             "unknown device '{}': expected cpu, cuda or auto", device);
  FG_REQUIRE(device != "cuda", "the '{}' model has no networks and runs on the CPU only", kind());
}

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

// The options of the built-in kinds, declared once.
#define FINGEN_GARCH_OPTIONS(X) \
  X(std::string, innovation, "t", "innovations: t (Student-t, fitted degrees of freedom) or normal")
#define FINGEN_BOOTSTRAP_OPTIONS(X) \
  X(double, block_length, 0.0, "mean block length in days (0 = automatic, Politis-White)")

GeneratorKind builtin_gbm() {
  return {"gbm",
          "correlated normal log returns (geometric Brownian motion)",
          {},
          [](const nlohmann::json&) { return std::make_unique<GbmGenerator>(); },
          [](const std::string& dir) {
            return std::unique_ptr<ScenarioGenerator>(GbmGenerator::load(dir));
          }};
}
GeneratorKind builtin_garch() {
  return {"garch",
          "GARCH(1,1) per asset with constant conditional correlation",
          {FINGEN_GARCH_OPTIONS(FG_OPTION_INFO)},
          [](const nlohmann::json& j) {
            const std::string innovation =
                j.contains("innovation") ? j.at("innovation").get<std::string>() : "t";
            return std::make_unique<GarchGenerator>(parse_innovation(innovation));
          },
          [](const std::string& dir) {
            return std::unique_ptr<ScenarioGenerator>(GarchGenerator::load(dir));
          }};
}
GeneratorKind builtin_bootstrap() {
  return {"bootstrap",
          "stationary block bootstrap of whole days",
          {FINGEN_BOOTSTRAP_OPTIONS(FG_OPTION_INFO)},
          [](const nlohmann::json& j) {
            const double block =
                j.contains("block_length") ? j.at("block_length").get<double>() : 0.0;
            FG_REQUIRE(block >= 0, "block_length must be >= 0 (0 = automatic), got {}", block);
            return std::make_unique<BootstrapGenerator>(block);
          },
          [](const std::string& dir) {
            return std::unique_ptr<ScenarioGenerator>(BootstrapGenerator::load(dir));
          }};
}

std::map<std::string, GeneratorKind>& registry() {
  static std::map<std::string, GeneratorKind> kinds = [] {
    std::map<std::string, GeneratorKind> k;
    for (GeneratorKind g : {builtin_gbm(), builtin_garch(), builtin_bootstrap()}) {
      const std::string name = g.name;
      k.emplace(name, std::move(g));
    }
    return k;
  }();
  return kinds;
}

std::string known_kinds() {
  std::string names;
  for (const auto& [k, v] : registry()) names += (names.empty() ? "" : ", ") + k;
  return names;
}
}  // namespace

void register_generator(GeneratorKind kind) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  const std::string name = kind.name;
  registry()[name] = std::move(kind);
}

const GeneratorKind& generator_kind(const std::string& name) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  const auto it = registry().find(name);
  FG_REQUIRE(it != registry().end(), "unknown model '{}': expected {}", name, known_kinds());
  return it->second;
}

std::vector<std::string> generator_kinds() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& [k, v] : registry()) out.push_back(k);
  return out;
}

std::unique_ptr<ScenarioGenerator> make_generator(const std::string& kind,
                                                  const nlohmann::json& options,
                                                  const std::string& where) {
  const GeneratorKind& k = generator_kind(kind);
  const std::string at = where.empty() ? kind + " options" : where;
  const nlohmann::json opts = options.is_null() ? nlohmann::json::object() : options;
  check_option_keys(opts, k.options, at);
  for (const auto& info : k.options)
    if (opts.contains(info.name)) detail::checked_option_value(opts, info.name, info.type, at);
  return k.make(opts);
}

std::unique_ptr<ScenarioGenerator> load_generator(const std::string& dir) {
  const std::string kind = ModelFile::kind_in(dir);
  GeneratorLoader loader;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    const auto it = registry().find(kind);
    if (it == registry().end() || !it->second.load)
      throw_input_error(
          {dir + "/model.json", 0, {}},
          fmt::format("unknown model kind '{}' (this build knows: {})", kind, known_kinds()));
    loader = it->second.load;
  }
  return loader(dir);
}

void check_fit_input(const Panel& returns, std::size_t min_rows, const std::string& model) {
  returns.validate();
  FG_REQUIRE(returns.values_kind == ValueKind::Returns,
             "{}: fit on returns, not prices (convert with to_returns)", model);
  FG_REQUIRE(returns.cols() >= 1, "{}: no series to fit", model);
  FG_CHECK(Input, returns.rows() >= min_rows, "{}: needs at least {} observations, got {}", model,
           min_rows, returns.rows());  // a data problem (exit 1), not a usage one
  for (Eigen::Index j = 0; j < returns.values.cols(); ++j)
    for (Eigen::Index i = 0; i < returns.values.rows(); ++i)
      FG_CHECK(Input, std::isfinite(returns.values(i, j)),
               "{}: series '{}' has a missing or non-finite value at {} (clean the data first)",
               model, returns.names[static_cast<std::size_t>(j)],
               format_index(returns.kind, returns.index[static_cast<std::size_t>(i)]));
}

}  // namespace fingen::scenario
