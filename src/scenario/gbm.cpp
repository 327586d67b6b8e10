#include "fingen/scenario/gbm.hpp"

#include <Eigen/Cholesky>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::scenario {

void GbmGenerator::set(Eigen::VectorXd mean, Eigen::MatrixXd cov) {
  Eigen::LLT<Eigen::MatrixXd> llt(cov);
  FG_CHECK(Numeric, llt.info() == Eigen::Success,
           "gbm: the return covariance matrix is not positive definite (a series is constant or a "
           "linear "
           "combination of others); drop it or use more data");
  mean_ = std::move(mean);
  cov_ = std::move(cov);
  chol_ = llt.matrixL();
}

void GbmGenerator::fit(const Panel& returns) {
  check_fit_input(returns, 2 + returns.cols(), "gbm");
  const Eigen::MatrixXd& x = returns.values;
  const Eigen::VectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd centered = x.rowwise() - mean.transpose();
  const Eigen::MatrixXd cov = centered.transpose() * centered / static_cast<double>(x.rows() - 1);
  names_ = returns.names;
  set(mean, cov);
}

Scenarios GbmGenerator::generate_range(std::size_t first, std::size_t paths, std::size_t horizon,
                                       std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "gbm: generate() before fit()");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const auto assets = static_cast<std::size_t>(mean_.size());
  Scenarios s(paths, horizon, assets);
  s.names = names_;
#pragma omp parallel for schedule(static)
  for (std::size_t p = 0; p < paths; ++p) {
    Rng rng = Rng::stream(seed, first + p);
    Eigen::VectorXd z(static_cast<Eigen::Index>(assets));
    double* out = s.path(p);
    for (std::size_t t = 0; t < horizon; ++t) {
      for (auto& v : z) v = rng.normal();
      const Eigen::VectorXd r = mean_ + chol_ * z;
      for (std::size_t a = 0; a < assets; ++a)
        out[t * assets + a] = r(static_cast<Eigen::Index>(a));
    }
  }
  check_finite(s, "gbm");
  return s;
}

void GbmGenerator::save(const std::string& dir) const {
  FG_REQUIRE(fitted(), "gbm: save() before fit()");
  ModelFile m("gbm", names_);
  m.params()["mean"] = ModelFile::to_json(mean_);
  m.params()["covariance"] = ModelFile::to_json(cov_);
  m.write(dir);
}

std::unique_ptr<GbmGenerator> GbmGenerator::load(const std::string& dir) {
  const ModelFile m = ModelFile::read(dir, "gbm");
  const std::size_t n = m.names().size();
  auto g = std::make_unique<GbmGenerator>();
  g->names_ = m.names();
  try {
    g->set(m.vector("mean", n), m.matrix("covariance", n, n));
  } catch (const Error& e) {
    throw_input_error({dir + "/model.json", 0, {}}, e.what());
  }
  return g;
}

std::string GbmGenerator::summary() const {
  std::string out = "GBM (i.i.d. multivariate normal log returns)\n";
  for (Eigen::Index a = 0; a < mean_.size(); ++a)
    out += fmt::format(
        "  {:<10} mean {:>11.6f}  sd {:>10.6f}  (annualised x252: drift {:.4f}, vol {:.4f})\n",
        names_[static_cast<std::size_t>(a)], mean_(a), std::sqrt(cov_(a, a)), 252 * mean_(a),
        std::sqrt(252 * cov_(a, a)));
  return out;
}

}  // namespace fingen::scenario
