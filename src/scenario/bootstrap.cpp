#include "fingen/scenario/bootstrap.hpp"

#include <algorithm>
#include <cmath>

#include "fingen/core/error.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::scenario {

double optimal_block_length(const double* x, std::size_t n) {
  FG_REQUIRE(n >= 16, "automatic block length needs at least 16 observations, got {}", n);
  const double nn = static_cast<double>(n);
  const auto kn = static_cast<std::size_t>(std::max(5.0, std::ceil(std::sqrt(std::log10(nn)))));
  const std::size_t mmax =
      std::min<std::size_t>(static_cast<std::size_t>(std::ceil(std::sqrt(nn))) + kn, n - 1);
  const std::vector<double> rho = stats::acf(x, n, mmax);  // rho[k], k = 0..mmax
  const double crit = 2.0 * std::sqrt(std::log10(nn) / nn);
  // m-hat: the first lag j that starts a run of kn insignificant autocorrelations (j = 1.. as in
  // the reference implementation of Patton, Politis & White); otherwise the last significant lag.
  std::size_t mhat = 0;
  for (std::size_t j = 1; j + kn - 1 <= mmax && mhat == 0; ++j) {
    bool run = true;
    for (std::size_t k = j; k < j + kn && run; ++k) run = std::abs(rho[k]) < crit;
    if (run) mhat = j;
  }
  if (mhat == 0) {
    for (std::size_t k = 1; k <= mmax; ++k)
      if (std::abs(rho[k]) > crit) mhat = k;
    mhat = std::max<std::size_t>(mhat, 1);
  }
  const std::size_t m = std::min(2 * mhat, mmax);
  // Autocovariances with divisor n.
  const double mean = stats::mean(x, n);
  std::vector<double> gamma(m + 1, 0.0);
  for (std::size_t k = 0; k <= m; ++k) {
    long double s = 0;
    for (std::size_t t = 0; t + k < n; ++t) s += (x[t] - mean) * (x[t + k] - mean);
    gamma[k] = static_cast<double>(s / static_cast<long double>(n));
  }
  auto lambda = [](double t) {
    t = std::abs(t);
    return t <= 0.5 ? 1.0 : (t <= 1.0 ? 2.0 * (1.0 - t) : 0.0);
  };
  double g = 0.0, g0 = gamma[0];
  for (std::size_t k = 1; k <= m; ++k) {
    const double w = lambda(static_cast<double>(k) / static_cast<double>(m));
    g += 2.0 * w * static_cast<double>(k) * gamma[k];  // k and -k
    g0 += 2.0 * w * gamma[k];
  }
  const double d_sb = 2.0 * g0 * g0;
  const double b_max = std::ceil(std::min(3.0 * std::sqrt(nn), nn / 3.0));
  if (d_sb <= 0.0 || g == 0.0) return 1.0;
  const double b = std::pow(2.0 * g * g / d_sb, 1.0 / 3.0) * std::pow(nn, 1.0 / 3.0);
  return std::clamp(b, 1.0, b_max);
}

BootstrapGenerator::BootstrapGenerator(double block_length) : requested_(block_length) {
  FG_REQUIRE(std::isfinite(block_length), "block length must be finite");
}

void BootstrapGenerator::fit(const Panel& returns) {
  check_fit_input(returns, 16, "bootstrap");
  names_ = returns.names;
  const Eigen::MatrixXd& x = returns.values;
  const auto n = static_cast<std::size_t>(x.rows());
  const auto assets = static_cast<std::size_t>(x.cols());
  observations_ = n;
  if (requested_ > 0) {
    FG_REQUIRE(requested_ <= static_cast<double>(n), "block length {} exceeds the {} observations",
               requested_, n);
    block_length_ = requested_;
  } else {
    double sum = 0;
    for (Eigen::Index a = 0; a < x.cols(); ++a) sum += optimal_block_length(x.col(a).data(), n);
    block_length_ = sum / static_cast<double>(assets);
  }
  rows_.resize(n * assets);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t a = 0; a < assets; ++a)
      rows_[t * assets + a] = x(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(a));
}

Scenarios BootstrapGenerator::generate_range(std::size_t first, std::size_t paths,
                                             std::size_t horizon, std::uint64_t seed) const {
  FG_REQUIRE(fitted(), "bootstrap: generate() before fit()");
  FG_REQUIRE(paths > 0 && horizon > 0, "paths and horizon must be positive (got {} and {})", paths,
             horizon);
  const std::size_t n = observations_;
  const std::size_t assets = names_.size();
  const double p_new = 1.0 / block_length_;
  Scenarios s(paths, horizon, assets);
  s.names = names_;
#pragma omp parallel for schedule(static)
  for (std::size_t p = 0; p < paths; ++p) {
    Rng rng = Rng::stream(seed, first + p);
    double* out = s.path(p);
    std::size_t idx = rng.below(n);
    for (std::size_t t = 0; t < horizon; ++t) {
      if (t > 0) idx = rng.uniform() < p_new ? rng.below(n) : (idx + 1 == n ? 0 : idx + 1);
      std::copy_n(rows_.data() + idx * assets, assets, out + t * assets);
    }
  }
  check_finite(s, "bootstrap");
  return s;
}

void BootstrapGenerator::save(const std::string& dir) const {
  FG_REQUIRE(fitted(), "bootstrap: save() before fit()");
  ModelFile m("bootstrap", names_);
  m.params()["block_length"] = block_length_;
  m.params()["observations"] = observations_;
  m.params()["history_file"] = "history.npy";
  write_npy(dir + "/history.npy", rows_.data(), {observations_, names_.size()});
  m.write(dir);
}

std::unique_ptr<BootstrapGenerator> BootstrapGenerator::load(const std::string& dir) {
  const ModelFile m = ModelFile::read(dir, "bootstrap");
  const std::size_t n = m.count("observations");
  const double block = m.number("block_length");
  const std::string file = m.data_file("history_file");
  std::vector<double> data;
  const std::vector<std::size_t> shape = read_npy(file, data);
  const std::size_t assets = m.names().size();
  if (shape.size() != 2 || shape[0] != n || shape[1] != assets)
    throw_input_error({file, 0, {}},
                      fmt::format("expected a ({}, {}) array as model.json says", n, assets));
  for (std::size_t i = 0; i < data.size(); ++i)
    if (!std::isfinite(data[i]))
      throw_input_error({file, 0, {}},
                        fmt::format("history value at row {}, series {} is {} (must be finite)",
                                    i / assets + 1, i % assets + 1, data[i]));
  if (!(block >= 1.0 && block <= static_cast<double>(n)))
    throw_input_error({dir + "/model.json", 0, {}},
                      fmt::format("block_length {} outside [1, {}]", block, n));
  auto g = std::make_unique<BootstrapGenerator>(block);
  g->names_ = m.names();
  g->block_length_ = block;
  g->rows_ = std::move(data);
  g->observations_ = n;
  return g;
}

std::string BootstrapGenerator::summary() const {
  return fmt::format(
      "Stationary block bootstrap: {} observations of {} series, mean block length {:.2f}{}\n",
      observations_, names_.size(), block_length_,
      requested_ > 0 ? "" : " (Politis-White automatic)");
}

}  // namespace fingen::scenario
