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

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, GeneratorLoader>& registry() {
  static std::map<std::string, GeneratorLoader> loaders = {
      {"gbm",
       [](const std::string& dir) {
         return std::unique_ptr<ScenarioGenerator>(GbmGenerator::load(dir));
       }},
      {"garch",
       [](const std::string& dir) {
         return std::unique_ptr<ScenarioGenerator>(GarchGenerator::load(dir));
       }},
      {"bootstrap",
       [](const std::string& dir) {
         return std::unique_ptr<ScenarioGenerator>(BootstrapGenerator::load(dir));
       }},
  };
  return loaders;
}
}  // namespace

void register_loader(const std::string& kind, GeneratorLoader loader) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[kind] = std::move(loader);
}

std::unique_ptr<ScenarioGenerator> load_generator(const std::string& dir) {
  const std::string kind = ModelFile::kind_in(dir);
  GeneratorLoader loader;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    const auto it = registry().find(kind);
    if (it == registry().end())
      throw_input_error({dir + "/model.json", 0, {}},
                        fmt::format("unknown model kind '{}' (this build knows: {})", kind, [] {
                          std::string names;
                          for (const auto& [k, v] : registry())
                            names += (names.empty() ? "" : ", ") + k;
                          return names;
                        }()));
    loader = it->second;
  }
  return loader(dir);
}

void check_fit_input(const Panel& returns, std::size_t min_rows, const std::string& model) {
  returns.validate();
  FG_REQUIRE(returns.values_kind == ValueKind::Returns,
             "{}: fit on returns, not prices (convert with to_returns)", model);
  FG_REQUIRE(returns.cols() >= 1, "{}: no series to fit", model);
  FG_REQUIRE(returns.rows() >= min_rows, "{}: needs at least {} observations, got {}", model,
             min_rows, returns.rows());
  for (Eigen::Index j = 0; j < returns.values.cols(); ++j)
    for (Eigen::Index i = 0; i < returns.values.rows(); ++i)
      FG_CHECK(Input, std::isfinite(returns.values(i, j)),
               "{}: series '{}' has a missing or non-finite value at {} (clean the data first)",
               model, returns.names[static_cast<std::size_t>(j)],
               format_index(returns.kind, returns.index[static_cast<std::size_t>(i)]));
}

}  // namespace fingen::scenario
