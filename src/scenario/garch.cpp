#include "fingen/scenario/garch.hpp"

#include <cmath>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <Eigen/Cholesky>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::scenario {

Innovation parse_innovation(const std::string& text) {
  if (text == "normal" || text == "norm") return Innovation::Normal;
  if (text == "t" || text == "student" || text == "std") return Innovation::StudentT;
  FG_FAIL(Usage, "unknown innovation distribution '{}': expected normal or t", text);
}

const char* to_string(Innovation innovation) noexcept {
  return innovation == Innovation::Normal ? "normal" : "t";
}

double Garch11::unconditional_variance() const noexcept {
  const double p = persistence();
  return p < 1.0 ? omega / (1.0 - p) : std::numeric_limits<double>::infinity();
}

double garch11_loglik(const double* x, std::size_t n, const Garch11& m,
                      std::vector<double>* h_out) {
  FG_REQUIRE(n >= 2, "GARCH likelihood needs at least 2 observations");
  const bool t_dist = m.innovation == Innovation::StudentT;
  if (t_dist) FG_REQUIRE(m.shape > 2.0, "Student-t shape must exceed 2, got {}", m.shape);
  long double mean_e2 = 0;
  for (std::size_t i = 0; i < n; ++i) mean_e2 += (x[i] - m.mu) * (x[i] - m.mu);
  mean_e2 /= static_cast<long double>(n);
  const double log2pi = std::log(2.0 * M_PI);
  const double nu = m.shape;
  const double t_const = t_dist ? std::lgamma((nu + 1.0) / 2.0) - std::lgamma(nu / 2.0) -
                                      0.5 * std::log(M_PI * (nu - 2.0))
                                : 0.0;
  if (h_out) h_out->resize(n);
  double h = m.omega + m.persistence() * static_cast<double>(mean_e2);
  double e_prev = 0.0;
  long double ll = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) h = m.omega + m.alpha * e_prev * e_prev + m.beta * h;
    const double e = x[i] - m.mu;
    if (!(h > 0.0) || !std::isfinite(h)) return -std::numeric_limits<double>::infinity();
    const double z2 = e * e / h;
    ll += t_dist ? t_const - 0.5 * std::log(h) - 0.5 * (nu + 1.0) * std::log1p(z2 / (nu - 2.0))
                 : -0.5 * (log2pi + std::log(h) + z2);
    if (h_out) (*h_out)[i] = h;
    e_prev = e;
  }
  return static_cast<double>(ll);
}

namespace {

// Unconstrained coordinates: mu, log omega, logit alpha, logit beta[, log(nu - 2)].
double logistic(double v) {
  return 1.0 / (1.0 + std::exp(-v));
}
double logit(double p) {
  return std::log(p / (1.0 - p));
}

struct Problem {
  const std::vector<double>* y;  // data divided by its sd
  Innovation innovation;
};

Garch11 unpack(const gsl_vector* v, Innovation innovation) {
  Garch11 m;
  m.innovation = innovation;
  m.mu = gsl_vector_get(v, 0);
  m.omega = std::exp(gsl_vector_get(v, 1));
  m.alpha = logistic(gsl_vector_get(v, 2));
  m.beta = logistic(gsl_vector_get(v, 3));
  if (innovation == Innovation::StudentT) m.shape = 2.0 + std::exp(gsl_vector_get(v, 4));
  return m;
}

double objective(const gsl_vector* v, void* params) {
  const auto* p = static_cast<const Problem*>(params);
  const Garch11 m = unpack(v, p->innovation);
  if (m.innovation == Innovation::StudentT && !(m.shape > 2.0 && std::isfinite(m.shape)))
    return GSL_POSINF;
  const double ll = garch11_loglik(p->y->data(), p->y->size(), m);
  return std::isfinite(ll) ? -ll / static_cast<double>(p->y->size()) : GSL_POSINF;
}

void gradient(const gsl_vector* v, void* params, gsl_vector* g) {
  // Central differences; the objective is a smooth sum of n terms, evaluated in O(n).
  gsl_vector* w = gsl_vector_alloc(v->size);
  gsl_vector_memcpy(w, v);
  for (std::size_t i = 0; i < v->size; ++i) {
    const double x0 = gsl_vector_get(v, i);
    const double step = 1e-6 * std::max(1.0, std::abs(x0));
    gsl_vector_set(w, i, x0 + step);
    const double fp = objective(w, params);
    gsl_vector_set(w, i, x0 - step);
    const double fm = objective(w, params);
    gsl_vector_set(w, i, x0);
    gsl_vector_set(g, i, (fp - fm) / (2.0 * step));
  }
  gsl_vector_free(w);
}

void value_and_gradient(const gsl_vector* v, void* params, double* f, gsl_vector* g) {
  *f = objective(v, params);
  gradient(v, params, g);
}

}  // namespace

GarchFit fit_garch11(const double* x, std::size_t n, Innovation innovation,
                     const GarchFitOptions& options) {
  FG_REQUIRE(n >= 50, "GARCH(1,1) needs at least 50 observations, got {}", n);
  const stats::Moments mom = stats::moments(x, n);
  FG_CHECK(Numeric, mom.sd > 0, "GARCH(1,1): the series is constant");
  // Fit on x / sd(x) as fGarch does (better conditioning), then map back: mu * s, omega * s^2.
  const double s = mom.sd;
  std::vector<double> y(x, x + n);
  for (double& v : y) v /= s;
  Problem problem{&y, innovation};
  const std::size_t dim = innovation == Innovation::StudentT ? 5 : 4;
  gsl_vector* start = gsl_vector_alloc(dim);
  // fGarch's starting values: sample mean, omega = var (1 - 0.1 - 0.8), alpha 0.1, beta 0.8, nu 4.
  gsl_vector_set(start, 0, mom.mean / s);
  gsl_vector_set(start, 1, std::log(0.1));
  gsl_vector_set(start, 2, logit(0.1));
  gsl_vector_set(start, 3, logit(0.8));
  if (dim == 5) gsl_vector_set(start, 4, std::log(4.0 - 2.0));

  gsl_multimin_function_fdf fdf;
  fdf.n = dim;
  fdf.f = objective;
  fdf.df = gradient;
  fdf.fdf = value_and_gradient;
  fdf.params = &problem;
  gsl_set_error_handler_off();
  gsl_multimin_fdfminimizer* solver =
      gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, dim);
  gsl_multimin_fdfminimizer_set(solver, &fdf, start, 0.01, 0.1);
  GarchFit fit;
  int status = GSL_CONTINUE;
  for (fit.iterations = 0; fit.iterations < options.max_iterations() && status == GSL_CONTINUE;
       ++fit.iterations) {
    if (gsl_multimin_fdfminimizer_iterate(solver) != GSL_SUCCESS)
      break;  // no further progress possible
    status = gsl_multimin_test_gradient(solver->gradient, options.gradient_tolerance());
  }
  // A line search that cannot improve further at a tiny gradient is a converged fit too.
  fit.converged = status == GSL_SUCCESS || gsl_blas_dnrm2(solver->gradient) < 1e-5;
  Garch11 m = unpack(solver->x, innovation);
  gsl_multimin_fdfminimizer_free(solver);
  gsl_vector_free(start);
  m.mu *= s;
  m.omega *= s * s;
  fit.model = m;
  fit.n = n;
  fit.loglik = garch11_loglik(x, n, m, &fit.variance);
  FG_CHECK(Numeric, std::isfinite(fit.loglik),
           "GARCH(1,1) fit failed: the likelihood is not finite");
  return fit;
}

// ---------------------------------------------------------------------------------------------

void GarchGenerator::set_correlation(Eigen::MatrixXd correlation) {
  // A correlation matrix: unit diagonal, symmetric, entries in [-1, 1], positive definite (checked
  // by the Cholesky factorisation, which reads only the lower triangle, hence the symmetry check).
  constexpr double kTol = 1e-9;
  for (Eigen::Index i = 0; i < correlation.rows(); ++i)
    for (Eigen::Index j = 0; j < correlation.cols(); ++j) {
      const double c = correlation(i, j);
      FG_CHECK(Numeric, std::isfinite(c) && std::abs(c) <= 1.0 + kTol,
               "garch: correlation[{}][{}] = {} is outside [-1, 1]", i, j, c);
      FG_CHECK(Numeric, i != j || std::abs(c - 1.0) <= kTol,
               "garch: correlation[{}][{}] = {} should be 1 on the diagonal", i, j, c);
      FG_CHECK(Numeric, std::abs(c - correlation(j, i)) <= kTol,
               "garch: the correlation matrix is not symmetric ([{}][{}] = {}, [{}][{}] = {})", i,
               j, c, j, i, correlation(j, i));
    }
  Eigen::LLT<Eigen::MatrixXd> llt(correlation);
  FG_CHECK(Numeric, llt.info() == Eigen::Success,
           "garch: the residual correlation matrix is not positive definite");
  correlation_ = std::move(correlation);
  chol_ = llt.matrixL();
}

void GarchGenerator::fit(const Panel& returns) {
  check_fit_input(returns, 50, "garch");
  const auto assets = static_cast<std::size_t>(returns.values.cols());
  const auto n = static_cast<std::size_t>(returns.values.rows());
  std::vector<GarchFit> fits(assets);
  Eigen::MatrixXd z(returns.values.rows(), returns.values.cols());
  Eigen::VectorXd next(static_cast<Eigen::Index>(assets));
  for (std::size_t a = 0; a < assets; ++a) {
    const auto col = static_cast<Eigen::Index>(a);
    const double* x = returns.values.col(col).data();
    fits[a] = fit_garch11(x, n, innovation_);
    const Garch11& m = fits[a].model;
    FG_CHECK(Numeric, m.persistence() < 1.0,
             "garch: the fit for '{}' is not covariance-stationary (alpha + beta = {:.6f} >= 1); "
             "its simulated variance would grow without bound; use more data or another model",
             returns.names[a], m.persistence());
    for (std::size_t t = 0; t < n; ++t)
      z(static_cast<Eigen::Index>(t), col) = (x[t] - m.mu) / std::sqrt(fits[a].variance[t]);
    const double e_last = x[n - 1] - m.mu;
    next(col) = m.omega + m.alpha * e_last * e_last + m.beta * fits[a].variance[n - 1];
  }
  Eigen::MatrixXd corr = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(assets),
                                                   static_cast<Eigen::Index>(assets));
  if (assets > 1) {
    const Eigen::MatrixXd c = z.rowwise() - z.colwise().mean();
    const Eigen::MatrixXd cov = c.transpose() * c / static_cast<double>(n - 1);
    const Eigen::VectorXd inv_sd = cov.diagonal().cwiseSqrt().cwiseInverse();
    corr = inv_sd.asDiagonal() * cov * inv_sd.asDiagonal();
  }
  names_ = returns.names;
  set_correlation(corr);
  fits_ = std::move(fits);
  models_.clear();
  for (const auto& f : fits_) models_.push_back(f.model);
  next_variance_ = next;
}

Scenarios GarchGenerator::simulate(const Eigen::VectorXd& start_variance, std::size_t first,
                                   std::size_t paths, std::size_t horizon,
                                   std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "garch: generate() before fit()");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const std::size_t assets = models_.size();
  Scenarios s(paths, horizon, assets);
  s.names = names_;
  const bool copula = assets > 1 && innovation_ == Innovation::StudentT;
#pragma omp parallel for schedule(static)
  for (std::size_t p = 0; p < paths; ++p) {
    Rng rng = Rng::stream(seed, first + p);
    Eigen::VectorXd h = start_variance;
    Eigen::VectorXd u(static_cast<Eigen::Index>(assets));
    double* out = s.path(p);
    for (std::size_t t = 0; t < horizon; ++t) {
      if (assets == 1) {
        u(0) = innovation_ == Innovation::StudentT ? rng.standardized_t(models_[0].shape)
                                                   : rng.normal();
      } else {
        for (auto& v : u) v = rng.normal();
        u = chol_ * u;  // correlated standard normals
        if (copula) {
          // Gaussian copula: keep the correlation, give each asset its own unit-variance t margin.
          for (std::size_t a = 0; a < assets; ++a) {
            const double nu = models_[a].shape;
            const double pr = boost::math::cdf(boost::math::normal_distribution<double>(),
                                               u(static_cast<Eigen::Index>(a)));
            const double q = boost::math::quantile(boost::math::students_t_distribution<double>(nu),
                                                   std::clamp(pr, 1e-300, 1.0 - 1e-16));
            u(static_cast<Eigen::Index>(a)) = q * std::sqrt((nu - 2.0) / nu);
          }
        }
      }
      for (std::size_t a = 0; a < assets; ++a) {
        const auto ai = static_cast<Eigen::Index>(a);
        const Garch11& m = models_[a];
        const double e = std::sqrt(h(ai)) * u(ai);
        out[t * assets + a] = m.mu + e;
        h(ai) = m.omega + m.alpha * e * e + m.beta * h(ai);
      }
    }
  }
  check_finite(s, "garch");
  return s;
}

Scenarios GarchGenerator::generate_range(std::size_t first, std::size_t paths, std::size_t horizon,
                                         std::uint64_t seed) const {
  return simulate(next_variance_, first, paths, horizon, seed);
}

Scenarios GarchGenerator::generate_from(const Eigen::MatrixXd& context, std::size_t paths,
                                        std::size_t horizon, std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "garch: generate_from() before fit()");
  FG_REQUIRE(static_cast<std::size_t>(context.cols()) == models_.size(),
             "garch: context has {} series, the model {}", context.cols(), models_.size());
  FG_REQUIRE(context.rows() >= 2, "garch: the context needs at least 2 rows");
  Eigen::VectorXd start(context.cols());
  for (Eigen::Index a = 0; a < context.cols(); ++a) {
    const Eigen::VectorXd col = context.col(a);
    for (Eigen::Index i = 0; i < col.size(); ++i)
      FG_REQUIRE(std::isfinite(col(i)), "garch: the context has a non-finite value in column {}",
                 a);
    std::vector<double> h;
    const Garch11& m = models_[static_cast<std::size_t>(a)];
    garch11_loglik(col.data(), static_cast<std::size_t>(col.size()), m, &h);
    const double e_last = col(col.size() - 1) - m.mu;
    start(a) = m.omega + m.alpha * e_last * e_last + m.beta * h.back();
  }
  return simulate(start, 0, paths, horizon, seed);
}

void GarchGenerator::save(const std::string& dir) const {
  FG_REQUIRE(fitted(), "garch: save() before fit()");
  ModelFile file("garch", names_);
  file.params()["innovation"] = to_string(innovation_);
  nlohmann::json assets = nlohmann::json::array();
  for (std::size_t a = 0; a < models_.size(); ++a) {
    const Garch11& m = models_[a];
    nlohmann::json j{{"mu", m.mu}, {"omega", m.omega}, {"alpha", m.alpha}, {"beta", m.beta}};
    if (innovation_ == Innovation::StudentT) j["shape"] = m.shape;
    if (a < fits_.size()) j["loglik"] = fits_[a].loglik;
    assets.push_back(j);
  }
  file.params()["assets"] = assets;
  file.params()["correlation"] = ModelFile::to_json(correlation_);
  file.params()["next_variance"] = ModelFile::to_json(next_variance_);
  file.write(dir);
}

std::unique_ptr<GarchGenerator> GarchGenerator::load(const std::string& dir) {
  const ModelFile file = ModelFile::read(dir, "garch");
  const std::string where = dir + "/model.json";
  const std::size_t n = file.names().size();
  Innovation innovation = Innovation::Normal;
  try {
    innovation = parse_innovation(file.text("innovation"));
  } catch (const Error& e) {
    throw_input_error({where, 0, {}}, e.what());
  }
  auto g = std::make_unique<GarchGenerator>(innovation);
  g->names_ = file.names();
  const nlohmann::json& assets = file.params().value("assets", nlohmann::json());
  if (!assets.is_array() || assets.size() != n)
    throw_input_error({where, 0, {}}, fmt::format("\"assets\" should list {} parameter sets", n));
  for (std::size_t a = 0; a < n; ++a) {
    Garch11 m;
    m.innovation = innovation;
    auto num = [&](const char* key) {
      if (!assets[a].contains(key) || !assets[a][key].is_number() ||
          !std::isfinite(assets[a][key].get<double>()))
        throw_input_error({where, 0, {}},
                          fmt::format("asset {}: missing or invalid \"{}\"", a + 1, key));
      return assets[a][key].get<double>();
    };
    m.mu = num("mu");
    m.omega = num("omega");
    m.alpha = num("alpha");
    m.beta = num("beta");
    if (innovation == Innovation::StudentT) m.shape = num("shape");
    if (!(m.omega > 0 && m.omega <= kMaxGarchVariance && m.alpha >= 0 && m.beta >= 0 &&
          std::abs(m.mu) <= kMaxGarchVariance) ||
        (innovation == Innovation::StudentT && !(m.shape > 2)))
      throw_input_error(
          {where, 0, {}},
          fmt::format("asset {}: parameters out of range (0 < omega <= {:g}, alpha, beta >= 0, "
                      "|mu| <= {:g}, shape > 2): mu {}, omega {}, alpha {}, beta {}, shape {}",
                      a + 1, kMaxGarchVariance, kMaxGarchVariance, m.mu, m.omega, m.alpha, m.beta,
                      m.shape));
    if (!(m.persistence() < 1.0))
      throw_input_error({where, 0, {}},
                        fmt::format("asset {}: alpha + beta = {} is not below 1 (the model is not "
                                    "covariance-stationary and its variance grows without bound)",
                                    a + 1, m.persistence()));
    g->models_.push_back(m);
  }
  try {
    g->set_correlation(file.matrix("correlation", n, n));
  } catch (const Error& e) {
    throw_input_error({where, 0, {}}, e.what());
  }
  g->next_variance_ = file.vector("next_variance", n);
  for (Eigen::Index a = 0; a < g->next_variance_.size(); ++a)
    if (!(g->next_variance_(a) > 0 && g->next_variance_(a) <= kMaxGarchVariance))
      throw_input_error({where, 0, {}},
                        fmt::format("\"next_variance\"[{}] = {} is outside (0, {:g}]", a,
                                    g->next_variance_(a), kMaxGarchVariance));
  return g;
}

std::string GarchGenerator::summary() const {
  std::string out = fmt::format("GARCH(1,1) with {} innovations{}\n", to_string(innovation_),
                                models_.size() > 1 ? ", constant conditional correlation" : "");
  for (std::size_t a = 0; a < models_.size(); ++a) {
    const Garch11& m = models_[a];
    out += fmt::format(
        "  {:<10} mu {:.6g}  omega {:.6g}  alpha {:.4f}  beta {:.4f}  persistence {:.4f}",
        names_[a], m.mu, m.omega, m.alpha, m.beta, m.persistence());
    if (innovation_ == Innovation::StudentT) out += fmt::format("  nu {:.3f}", m.shape);
    if (a < fits_.size())
      out += fmt::format("  loglik {:.3f}{}", fits_[a].loglik,
                         fits_[a].converged ? "" : " (NOT converged)");
    out += '\n';
  }
  return out;
}

}  // namespace fingen::scenario
