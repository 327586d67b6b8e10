// Forecasting datasets, the forecaster registry, AR least squares and the classical baselines.
#include "fingen/forecast/forecaster.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include <Eigen/Dense>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/json_numbers.hpp"
#include "fingen/core/time.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::forecast {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// sqrt(mean of r^2 over the last k rows up to t, skipping gaps); NaN when all are missing.
double realised_vol(const Eigen::VectorXd& r, Eigen::Index t, std::size_t k) {
  double s = 0;
  std::size_t m = 0;
  for (Eigen::Index i = t; i >= 0 && i > t - static_cast<Eigen::Index>(k); --i)
    if (std::isfinite(r(i))) s += r(i) * r(i), ++m;
  return m == 0 ? kNaN : std::sqrt(s / static_cast<double>(m));
}
}  // namespace

TargetKind parse_target_kind(const std::string& text) {
  if (text == "returns" || text == "return") return TargetKind::Returns;
  if (text == "volatility" || text == "vol" || text == "rv") return TargetKind::Volatility;
  if (text == "direction" || text == "sign") return TargetKind::Direction;
  FG_FAIL(Usage, "unknown forecast target '{}': expected returns, volatility or direction", text);
}

const char* to_string(TargetKind kind) noexcept {
  switch (kind) {
    case TargetKind::Returns:
      return "returns";
    case TargetKind::Volatility:
      return "volatility";
    case TargetKind::Direction:
      return "direction";
  }
  return "?";
}

std::string Dataset::label(std::size_t i) const {
  return i < index.size() ? format_index(index_kind, index[i]) : std::to_string(i);
}

Dataset make_dataset(const Panel& returns, const DatasetSpec& spec) {
  FG_REQUIRE(returns.values_kind == ValueKind::Returns, "forecast: {} holds prices, not returns",
             returns.source);
  FG_REQUIRE(spec.vol_window() >= 1 && spec.vol_window() <= 250,
             "forecast: vol_window must be in 1..250, got {}", spec.vol_window());
  Dataset d;
  d.index_kind = returns.kind;
  d.index = returns.index;
  d.source = returns.source;
  d.kind = spec.kind();
  d.vol_window = spec.vol_window();
  const std::string target =
      spec.target().empty() && returns.cols() == 1 ? returns.names[0] : spec.target();
  FG_REQUIRE(!target.empty(), "forecast: {} has {} series; name the target ({})", returns.source,
             returns.cols(), fmt::format("{}", fmt::join(returns.names, ", ")));
  d.target = target;
  const std::size_t tc = returns.column(target);
  const Eigen::Index n = static_cast<Eigen::Index>(returns.rows());
  d.returns = returns.values.col(static_cast<Eigen::Index>(tc));
  d.y.resize(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    const double r = d.returns(t);
    d.y(t) = d.kind == TargetKind::Returns      ? r
             : d.kind == TargetKind::Volatility ? realised_vol(d.returns, t, d.vol_window)
             : std::isfinite(r)                 ? (r > 0 ? 1.0 : 0.0)
                                                : kNaN;
  }

  d.features = spec.features();
  if (d.features.empty()) {
    d.features.push_back(target);
    if (d.kind == TargetKind::Volatility) d.features.push_back(target + ":rv");
  }
  d.x.resize(n, static_cast<Eigen::Index>(d.features.size()));
  for (std::size_t f = 0; f < d.features.size(); ++f) {
    const std::string& name = d.features[f];
    const Eigen::Index fc = static_cast<Eigen::Index>(f);
    if (name == "dow") {
      FG_REQUIRE(returns.kind != IndexKind::Observation,
                 "forecast: feature 'dow' needs dates; {} is indexed by observation number",
                 returns.source);
      for (Eigen::Index t = 0; t < n; ++t) {
        const std::int64_t days = returns.kind == IndexKind::Date
                                      ? returns.index[static_cast<std::size_t>(t)]
                                      : returns.index[static_cast<std::size_t>(t)] / 86400;
        // 1970-01-01 was a Thursday: Monday = 0 .. Sunday = 6, scaled to [-1, 1] over Mon..Fri.
        const std::int64_t wd = ((days % 7) + 7 + 3) % 7;
        d.x(t, fc) = (static_cast<double>(wd) - 2.0) / 2.0;
      }
      continue;
    }
    const auto colon = name.find(':');
    const std::string series = name.substr(0, colon);
    const std::string what = colon == std::string::npos ? "" : name.substr(colon + 1);
    FG_REQUIRE(what.empty() || what == "abs" || what == "rv",
               "forecast: feature '{}': expected NAME, NAME:abs, NAME:rv or dow", name);
    const Eigen::VectorXd r = returns.values.col(static_cast<Eigen::Index>(returns.column(series)));
    for (Eigen::Index t = 0; t < n; ++t)
      d.x(t, fc) = what.empty()    ? r(t)
                   : what == "abs" ? std::abs(r(t))
                                   : realised_vol(r, t, d.vol_window);
  }
  for (Eigen::Index t = 0; t < n; ++t)
    for (Eigen::Index f = 0; f < d.x.cols(); ++f)
      if (std::isinf(d.x(t, f)))
        FG_FAIL(Input, "{}: row {} ({}): feature '{}' is infinite", returns.source, t + 1,
                d.label(static_cast<std::size_t>(t)), d.features[static_cast<std::size_t>(f)]);
  return d;
}

Forecaster::Forecaster(Task task) : task_(std::move(task)) {
  FG_REQUIRE(task_.horizon >= 1 && task_.horizon <= 1000,
             "forecast: horizon must be in 1..1000, "
             "got {}",
             task_.horizon);
  for (std::size_t i = 0; i < task_.quantiles.size(); ++i) {
    const double q = task_.quantiles[i];
    FG_REQUIRE(q > 0 && q < 1, "forecast: quantile levels must be in (0, 1), got {}", q);
    FG_REQUIRE(i == 0 || q > task_.quantiles[i - 1],
               "forecast: quantile levels must increase, got {} after {}", q,
               task_.quantiles[i - 1]);
  }
}

void Forecaster::bind(const Dataset& d) {
  columns_ = {d.target, d.kind, d.vol_window, d.features};
}

void Forecaster::check_layout(const Dataset& d) const {
  const bool same = d.target == columns_.target && d.kind == columns_.kind &&
                    d.features == columns_.features &&
                    (d.kind != TargetKind::Volatility || d.vol_window == columns_.vol_window);
  FG_REQUIRE(same, "{}: the model forecasts {} of {} from [{}]; the data gives {} of {} from [{}]",
             kind(), to_string(columns_.kind), columns_.target,
             fmt::format("{}", fmt::join(columns_.features, ", ")), to_string(d.kind), d.target,
             fmt::format("{}", fmt::join(d.features, ", ")));
}

void Forecaster::save_layout(nlohmann::json& p) const {
  p["horizon"] = task_.horizon;
  p["quantiles"] = task_.quantiles;
  p["target"] = columns_.target;
  p["target_kind"] = to_string(columns_.kind);
  p["vol_window"] = columns_.vol_window;
  p["features"] = columns_.features;
}

void Forecaster::read_layout(const nlohmann::json& p, const std::string& file) {
  try {
    columns_.target = p.at("target").get<std::string>();
    columns_.kind = parse_target_kind(p.at("target_kind").get<std::string>());
    columns_.vol_window = p.at("vol_window").get<std::size_t>();
    columns_.features = p.at("features").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, fmt::format("bad forecaster layout: {}", e.what()));
  } catch (const Error& e) {
    throw_input_error({file, 0, {}}, e.what());
  }
  if (columns_.features.empty() || columns_.features.size() > 256 || columns_.vol_window < 1 ||
      columns_.vol_window > 250)
    throw_input_error({file, 0, {}}, "'features' must hold 1..256 names, 'vol_window' 1..250");
}

Task read_task(const nlohmann::json& p, const std::string& file) {
  Task t;
  for (const char* key : {"horizon", "quantiles"}) {
    try {
      if (std::string(key) == "horizon")
        t.horizon = json_integer<std::size_t>(p.at(key));
      else
        t.quantiles = p.at(key).get<std::vector<double>>();
    } catch (const nlohmann::json::exception& e) {
      throw_input_error({file, 0, key}, fmt::format("bad forecast task: {}", e.what()));
    }
  }
  if (t.horizon < 1 || t.horizon > 1000 || t.quantiles.size() > 99)
    throw_input_error({file, 0, {}}, "'horizon' must be 1..1000 and 'quantiles' at most 99 levels");
  return t;
}

// ---------------------------------------------------------------------------------------------
// AR by least squares

ArModel fit_ar(const double* y, std::size_t n, std::size_t order, std::size_t max_order) {
  FG_REQUIRE(order <= max_order, "ar: order {} above max_order {}", order, max_order);
  // Equations t = max_order..n-1 whose target and max_order lags are all present.
  std::vector<std::size_t> rows;
  for (std::size_t t = max_order; t < n; ++t) {
    bool ok = std::isfinite(y[t]);
    for (std::size_t l = 1; ok && l <= max_order; ++l) ok = std::isfinite(y[t - l]);
    if (ok) rows.push_back(t);
  }
  FG_CHECK(Input, rows.size() >= max_order + 10,
           "ar: {} complete equations for an AR({}) search; need at least {}", rows.size(),
           max_order, max_order + 10);
  const Eigen::Index m = static_cast<Eigen::Index>(rows.size());
  const Eigen::Index k = static_cast<Eigen::Index>(order + 1);
  Eigen::MatrixXd X(m, k);
  Eigen::VectorXd b(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const std::size_t t = rows[static_cast<std::size_t>(i)];
    X(i, 0) = 1;
    for (std::size_t l = 1; l <= order; ++l) X(i, static_cast<Eigen::Index>(l)) = y[t - l];
    b(i) = y[t];
  }
  const Eigen::VectorXd beta = X.colPivHouseholderQr().solve(b);
  const double ssr = (b - X * beta).squaredNorm();
  ArModel a;
  a.order = order;
  a.intercept = beta(0);
  for (std::size_t l = 1; l <= order; ++l) a.coef.push_back(beta(static_cast<Eigen::Index>(l)));
  a.n = rows.size();
  a.sigma2 = ssr / static_cast<double>(m);
  FG_CHECK(Numeric, std::isfinite(a.sigma2) && beta.allFinite(),
           "ar: the least-squares fit of AR({}) is not finite", order);
  a.aic = static_cast<double>(m) * std::log(std::max(a.sigma2, 1e-300)) +
          2.0 * static_cast<double>(order + 1);
  return a;
}

ArModel fit_ar_aic(const double* y, std::size_t n, std::size_t max_order) {
  ArModel best;
  for (std::size_t p = 0; p <= max_order; ++p) {
    ArModel a = fit_ar(y, n, p, max_order);
    if (p == 0 || a.aic < best.aic) best = std::move(a);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Baselines

namespace {

/// Last finite value of v at or before t (NaN when none).
double last_finite(const Eigen::VectorXd& v, std::size_t t) {
  for (std::size_t i = t + 1; i-- > 0;)
    if (std::isfinite(v(static_cast<Eigen::Index>(i)))) return v(static_cast<Eigen::Index>(i));
  return kNaN;
}

/// A baseline whose quantiles are its point forecast plus the empirical quantiles of its own
/// in-sample h-step errors (one set per horizon), so every model's bands are judged alike.
class BaselineForecaster : public Forecaster {
 public:
  using Forecaster::Forecaster;
  void fit(const Dataset& d, std::size_t begin, std::size_t end) override {
    FG_REQUIRE(begin < end && end <= d.rows(), "{}: fit rows [{}, {}) outside the data ({} rows)",
               kind(), begin, end, d.rows());
    bind(d);
    fit_point(d, begin, end);
    fitted_ = true;
    error_q_.assign(task_.horizon, std::vector<double>(task_.quantiles.size(), 0.0));
    if (task_.quantiles.empty()) return;
    // In-sample errors at every origin of the block whose targets are inside it.
    for (std::size_t h = 0; h < task_.horizon; ++h) {
      std::vector<double> e;
      std::vector<std::size_t> origins;
      for (std::size_t t = begin; t + 1 + h < end; ++t) origins.push_back(t);
      if (origins.empty()) continue;
      const Eigen::MatrixXd p = point(d, origins);
      for (std::size_t i = 0; i < origins.size(); ++i) {
        const double y = d.y(static_cast<Eigen::Index>(origins[i] + 1 + h));
        const double f = p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(h));
        if (std::isfinite(y) && std::isfinite(f)) e.push_back(y - f);
      }
      if (e.size() < 2) continue;
      std::sort(e.begin(), e.end());
      for (std::size_t q = 0; q < task_.quantiles.size(); ++q)
        error_q_[h][q] = stats::quantile_sorted(e.data(), e.size(), task_.quantiles[q]);
    }
  }
  Forecast predict(const Dataset& d, const std::vector<std::size_t>& origins) const override {
    FG_REQUIRE(fitted_, "{}: predict() before fit()", kind());
    check_layout(d);
    for (std::size_t t : origins)
      FG_REQUIRE(t < d.rows(), "{}: origin {} outside the data ({} rows)", kind(), t, d.rows());
    Forecast f;
    f.point = point(d, origins);
    for (std::size_t q = 0; q < task_.quantiles.size(); ++q) {
      Eigen::MatrixXd m = f.point;
      for (Eigen::Index h = 0; h < m.cols(); ++h)
        m.col(h).array() += error_q_[static_cast<std::size_t>(h)][q];
      f.quantiles.push_back(std::move(m));
    }
    return f;
  }
  bool fitted() const override { return fitted_; }
  void save(const std::string& dir) const override {
    FG_REQUIRE(fitted_, "{}: save() before fit()", kind());
    scenario::ModelFile m("forecast-" + kind(), {columns_.target});
    save_layout(m.params());
    m.params()["error_quantiles"] = error_q_;
    save_params(m.params());
    m.write(dir);
  }
  /// Restores horizon, quantiles and error quantiles; the subclass reads its own parameters.
  static Task read_task(const scenario::ModelFile& m) {
    return forecast::read_task(m.params(), m.dir() + "/model.json");
  }
  void read_common(const scenario::ModelFile& m) {
    read_layout(m.params(), m.dir() + "/model.json");
    FG_CHECK(Input, m.params().contains("error_quantiles"), "{}/model.json: no 'error_quantiles'",
             m.dir());
    const auto& eq = m.params().at("error_quantiles");
    FG_CHECK(Input, eq.is_array() && eq.size() == task_.horizon,
             "{}/model.json: 'error_quantiles' must hold {} rows", m.dir(), task_.horizon);
    error_q_.clear();
    for (const auto& row : eq) {
      FG_CHECK(Input, row.is_array() && row.size() == task_.quantiles.size(),
               "{}/model.json: each 'error_quantiles' row must hold {} numbers", m.dir(),
               task_.quantiles.size());
      error_q_.push_back(row.get<std::vector<double>>());
    }
    fitted_ = true;
  }

 protected:
  virtual void fit_point(const Dataset& d, std::size_t begin, std::size_t end) = 0;
  virtual Eigen::MatrixXd point(const Dataset& d,
                                const std::vector<std::size_t>& origins) const = 0;
  virtual void save_params(nlohmann::json& /*params*/) const {}
  bool fitted_ = false;
  std::vector<std::vector<double>> error_q_;  // [H][Q]
};

/// Zero: the random walk of prices (a zero return); for a volatility target it is a floor.
class ZeroForecaster final : public BaselineForecaster {
 public:
  using BaselineForecaster::BaselineForecaster;
  std::string kind() const override { return "zero"; }
  std::string summary() const override { return "zero: every forecast is 0"; }

 protected:
  void fit_point(const Dataset&, std::size_t, std::size_t) override {}
  Eigen::MatrixXd point(const Dataset&, const std::vector<std::size_t>& o) const override {
    return Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(o.size()),
                                 static_cast<Eigen::Index>(task_.horizon));
  }
};

/// Naive: the last observed target value at every horizon (the random walk of the target).
class NaiveForecaster final : public BaselineForecaster {
 public:
  using BaselineForecaster::BaselineForecaster;
  std::string kind() const override { return "naive"; }
  std::string summary() const override { return "naive: the last observed value"; }

 protected:
  void fit_point(const Dataset&, std::size_t, std::size_t) override {}
  Eigen::MatrixXd point(const Dataset& d, const std::vector<std::size_t>& o) const override {
    Eigen::MatrixXd p(static_cast<Eigen::Index>(o.size()),
                      static_cast<Eigen::Index>(task_.horizon));
    for (std::size_t i = 0; i < o.size(); ++i)
      p.row(static_cast<Eigen::Index>(i)).setConstant(last_finite(d.y, o[i]));
    return p;
  }
};

/// Mean: the training block's mean target (for returns, the drift of a random walk with drift).
class MeanForecaster final : public BaselineForecaster {
 public:
  using BaselineForecaster::BaselineForecaster;
  std::string kind() const override { return "mean"; }
  std::string summary() const override { return fmt::format("mean: {:.6g}", mean_); }
  void set_mean(double m) { mean_ = m; }

 protected:
  void fit_point(const Dataset& d, std::size_t begin, std::size_t end) override {
    double s = 0;
    std::size_t n = 0;
    for (std::size_t t = begin; t < end; ++t)
      if (std::isfinite(d.y(static_cast<Eigen::Index>(t))))
        s += d.y(static_cast<Eigen::Index>(t)), ++n;
    FG_CHECK(Input, n > 0, "mean: no observed target in the training rows");
    mean_ = s / static_cast<double>(n);
  }
  Eigen::MatrixXd point(const Dataset&, const std::vector<std::size_t>& o) const override {
    return Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(o.size()),
                                     static_cast<Eigen::Index>(task_.horizon), mean_);
  }
  void save_params(nlohmann::json& p) const override { p["mean"] = mean_; }
  double mean_ = 0;
};

/// AR(p) on the target, order by AIC up to max_order, iterated to the horizon. Missing lags at
/// an origin are replaced by the model's own one-step forecasts.
class ArForecaster final : public BaselineForecaster {
 public:
  ArForecaster(Task task, std::size_t max_order)
      : BaselineForecaster(std::move(task)), max_order_(max_order) {
    FG_REQUIRE(max_order_ <= 60, "ar: max_order must be at most 60, got {}", max_order_);
  }
  std::string kind() const override { return "ar"; }
  nlohmann::json options() const override { return {{"max_order", max_order_}}; }
  std::string summary() const override {
    std::string s = fmt::format("ar: order {} (AIC, up to {}), intercept {:.6g}", model_.order,
                                max_order_, model_.intercept);
    for (std::size_t l = 0; l < model_.coef.size(); ++l)
      s += fmt::format(", phi{} {:.4f}", l + 1, model_.coef[l]);
    return s;
  }
  void set_model(ArModel m) { model_ = std::move(m); }
  const ArModel& model() const noexcept { return model_; }

 protected:
  void fit_point(const Dataset& d, std::size_t begin, std::size_t end) override {
    model_ = fit_ar_aic(d.y.data() + begin, end - begin, max_order_);
  }
  Eigen::MatrixXd point(const Dataset& d, const std::vector<std::size_t>& o) const override {
    const std::size_t p = model_.order, H = task_.horizon;
    Eigen::MatrixXd out(static_cast<Eigen::Index>(o.size()), static_cast<Eigen::Index>(H));
    const double mu = model_.order == 0 ? model_.intercept : unconditional();
    std::vector<double> buf;
    for (std::size_t i = 0; i < o.size(); ++i) {
      // The last p values up to the origin (oldest first); gaps filled by the model.
      const std::size_t t = o[i];
      const std::size_t from = t + 1 >= 2 * p ? t + 1 - 2 * p : 0;
      buf.clear();
      for (std::size_t s = from; s <= t; ++s) {
        const double v = d.y(static_cast<Eigen::Index>(s));
        buf.push_back(std::isfinite(v) ? v : (buf.size() >= p ? step(buf) : mu));
      }
      while (buf.size() < p) buf.insert(buf.begin(), mu);
      for (std::size_t h = 0; h < H; ++h) {
        const double f = step(buf);
        out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(h)) = f;
        buf.push_back(f);
      }
    }
    return out;
  }
  void save_params(nlohmann::json& p) const override {
    p["max_order"] = max_order_;
    p["order"] = model_.order;
    p["intercept"] = model_.intercept;
    p["coef"] = model_.coef;
    p["sigma2"] = model_.sigma2;
  }

 private:
  double step(const std::vector<double>& buf) const {
    double f = model_.intercept;
    const std::size_t n = buf.size();
    for (std::size_t l = 1; l <= model_.order; ++l) f += model_.coef[l - 1] * buf[n - l];
    return f;
  }
  double unconditional() const {
    double s = 1;
    for (double c : model_.coef) s -= c;
    return std::abs(s) > 1e-8 ? model_.intercept / s : model_.intercept;
  }
  std::size_t max_order_;
  ArModel model_;
};

/// GARCH(1,1) (Student-t by default) on the target asset's returns. Returns target: the mean mu,
/// quantiles mu + sigma_{t+h} q(level) from the fitted innovation. Volatility target: the
/// forecast of rv at t+h, sqrt(mean of the k variances at t+h-k+1..t+h), realised squares for the
/// days up to the origin and forecast variances after it.
class GarchForecaster final : public Forecaster {
 public:
  GarchForecaster(Task task, scenario::Innovation inn) : Forecaster(std::move(task)), inn_(inn) {}
  std::string kind() const override { return "garch"; }
  nlohmann::json options() const override { return {{"innovation", scenario::to_string(inn_)}}; }
  bool fitted() const override { return fitted_; }
  std::string summary() const override {
    return fmt::format("garch: mu {:.3g}, omega {:.3g}, alpha {:.4f}, beta {:.4f}{}", m_.mu,
                       m_.omega, m_.alpha, m_.beta,
                       m_.innovation == scenario::Innovation::StudentT
                           ? fmt::format(", nu {:.2f}", m_.shape)
                           : "");
  }
  void fit(const Dataset& d, std::size_t begin, std::size_t end) override {
    FG_REQUIRE(begin < end && end <= d.rows(), "garch: fit rows [{}, {}) outside the data", begin,
               end);
    std::vector<double> r;
    for (std::size_t t = begin; t < end; ++t)
      if (std::isfinite(d.returns(static_cast<Eigen::Index>(t))))
        r.push_back(d.returns(static_cast<Eigen::Index>(t)));
    FG_CHECK(Input, r.size() >= 100, "garch: {} observed returns in the training rows; need 100",
             r.size());
    bind(d);
    m_ = scenario::fit_garch11(r.data(), r.size(), inn_).model;
    fitted_ = true;
  }
  Forecast predict(const Dataset& d, const std::vector<std::size_t>& origins) const override {
    FG_REQUIRE(fitted_, "garch: predict() before fit()");
    check_layout(d);
    const std::size_t H = task_.horizon, k = d.vol_window;
    // Filtered variance h_{t+1} for every row (gaps: no shock, h carries forward by persistence).
    const Eigen::Index n = static_cast<Eigen::Index>(d.rows());
    const double pers = m_.alpha + m_.beta;
    double h =
        std::isfinite(m_.unconditional_variance()) ? m_.unconditional_variance() : m_.omega / 0.01;
    Eigen::VectorXd next(n);  // next(t) = sigma^2_{t+1} given rows <= t
    for (Eigen::Index t = 0; t < n; ++t) {
      const double r = d.returns(t);
      h = std::isfinite(r) ? m_.omega + m_.alpha * (r - m_.mu) * (r - m_.mu) + m_.beta * h
                           : m_.omega + pers * h;
      next(t) = h;
    }
    Forecast f;
    f.point.resize(static_cast<Eigen::Index>(origins.size()), static_cast<Eigen::Index>(H));
    f.quantiles.assign(task_.quantiles.size(), f.point);
    std::vector<double> z(task_.quantiles.size());
    for (std::size_t q = 0; q < z.size(); ++q) z[q] = innovation_quantile(task_.quantiles[q]);
    std::vector<double> var(H);
    for (std::size_t i = 0; i < origins.size(); ++i) {
      const std::size_t t = origins[i];
      FG_REQUIRE(t < d.rows(), "garch: origin {} outside the data", t);
      var[0] = next(static_cast<Eigen::Index>(t));
      for (std::size_t j = 1; j < H; ++j) var[j] = m_.omega + pers * var[j - 1];
      for (std::size_t j = 0; j < H; ++j) {
        const auto I = static_cast<Eigen::Index>(i), J = static_cast<Eigen::Index>(j);
        if (d.kind == TargetKind::Direction) {
          // P(r > 0) = P(eps > -mu / sigma) under the fitted innovation.
          const double pr = 1 - innovation_cdf(-m_.mu / std::sqrt(var[j]));
          f.point(I, J) = pr;
          for (std::size_t q = 0; q < z.size(); ++q)
            f.quantiles[q](I, J) = task_.quantiles[q] <= 1 - pr ? 0.0 : 1.0;
        } else if (d.kind == TargetKind::Returns) {
          f.point(I, J) = m_.mu;
          for (std::size_t q = 0; q < z.size(); ++q)
            f.quantiles[q](I, J) = m_.mu + std::sqrt(var[j]) * z[q];
        } else {
          // Days t+j+1-k+1 .. t+j+1: realised squares up to t, forecasts after.
          double s = 0;
          std::size_t m = 0;
          for (std::size_t back = 0; back < k; ++back) {
            const std::ptrdiff_t day =
                static_cast<std::ptrdiff_t>(t + j + 1) - static_cast<std::ptrdiff_t>(back);
            if (day < 0) break;
            if (static_cast<std::size_t>(day) > t) {
              s += var[static_cast<std::size_t>(day) - t - 1] + m_.mu * m_.mu;
              ++m;
            } else if (std::isfinite(d.returns(day))) {
              s += d.returns(day) * d.returns(day);
              ++m;
            }
          }
          f.point(I, J) = std::sqrt(s / static_cast<double>(std::max<std::size_t>(m, 1)));
          for (std::size_t q = 0; q < z.size(); ++q) f.quantiles[q](I, J) = f.point(I, J);
        }
      }
    }
    return f;
  }
  void save(const std::string& dir) const override {
    FG_REQUIRE(fitted_, "garch: save() before fit()");
    scenario::ModelFile m("forecast-" + kind(), {columns_.target});
    save_layout(m.params());
    m.params()["innovation"] = scenario::to_string(inn_);
    m.params()["mu"] = m_.mu;
    m.params()["omega"] = m_.omega;
    m.params()["alpha"] = m_.alpha;
    m.params()["beta"] = m_.beta;
    if (inn_ == scenario::Innovation::StudentT) m.params()["shape"] = m_.shape;
    m.write(dir);
  }
  void restore(const scenario::Garch11& g, const scenario::ModelFile& m) {
    read_layout(m.params(), m.dir() + "/model.json");
    m_ = g;
    fitted_ = true;
  }

 private:
  double innovation_cdf(double x) const {
    if (m_.innovation == scenario::Innovation::StudentT) {
      const double nu = m_.shape;
      return boost::math::cdf(boost::math::students_t_distribution<double>(nu),
                              x / std::sqrt((nu - 2) / nu));
    }
    return boost::math::cdf(boost::math::normal_distribution<double>(), x);
  }
  double innovation_quantile(double p) const {
    if (m_.innovation == scenario::Innovation::StudentT) {
      // Standardised t: unit variance.
      const double nu = m_.shape;
      return boost::math::quantile(boost::math::students_t_distribution<double>(nu), p) *
             std::sqrt((nu - 2) / nu);
    }
    return boost::math::quantile(boost::math::normal_distribution<double>(), p);
  }
  scenario::Innovation inn_;
  scenario::Garch11 m_;
  bool fitted_ = false;
};

#define FG_AR_OPTIONS(X) X(std::size_t, max_order, 10, "largest AR order tried (AIC picks)")
#define FG_GARCH_F_OPTIONS(X) \
  X(std::string, innovation, "t", "innovations: t (Student-t) or normal")

std::map<std::string, ForecasterKind>& registry() {
  static std::map<std::string, ForecasterKind> r;
  return r;
}
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

/// Loader for a baseline saved as model.json of kind `file_kind`.
template <class F, class Make>
ForecasterLoader baseline_loader(const std::string& kind, Make make) {
  const std::string file_kind = "forecast-" + kind;
  return [file_kind, make](const std::string& dir) -> std::unique_ptr<Forecaster> {
    const scenario::ModelFile m = scenario::ModelFile::read(dir, file_kind);
    std::unique_ptr<F> f = make(m, BaselineForecaster::read_task(m));
    f->read_common(m);
    return f;
  };
}

const bool g_registered = [] {
  register_forecaster(
      {"zero",
       "zero return (the random walk of prices)",
       {},
       [](const nlohmann::json&, const Task& t) { return std::make_unique<ZeroForecaster>(t); },
       baseline_loader<ZeroForecaster>(
           "zero",
           [](const scenario::ModelFile&, Task t) { return std::make_unique<ZeroForecaster>(t); }),
       true});
  register_forecaster(
      {"naive",
       "the last observed value (the random walk of the target)",
       {},
       [](const nlohmann::json&, const Task& t) { return std::make_unique<NaiveForecaster>(t); },
       baseline_loader<NaiveForecaster>(
           "naive",
           [](const scenario::ModelFile&, Task t) { return std::make_unique<NaiveForecaster>(t); }),
       true});
  register_forecaster(
      {"mean",
       "the training mean (for returns: the drift)",
       {},
       [](const nlohmann::json&, const Task& t) { return std::make_unique<MeanForecaster>(t); },
       baseline_loader<MeanForecaster>("mean",
                                       [](const scenario::ModelFile& m, Task t) {
                                         auto f = std::make_unique<MeanForecaster>(t);
                                         f->set_mean(m.number("mean"));
                                         return f;
                                       }),
       true});
  register_forecaster(
      {"ar",
       "AR(p) by least squares, order by AIC, iterated to the horizon",
       {FG_AR_OPTIONS(FG_OPTION_INFO)},
       [](const nlohmann::json& j, const Task& t) {
         return std::make_unique<ArForecaster>(t, j.value("max_order", std::size_t{10}));
       },
       baseline_loader<ArForecaster>("ar",
                                     [](const scenario::ModelFile& m, Task t) {
                                       auto f =
                                           std::make_unique<ArForecaster>(t, m.count("max_order"));
                                       ArModel a;
                                       a.order = m.count("order");
                                       FG_CHECK(Input, a.order <= m.count("max_order"),
                                                "{}/model.json: 'order' above 'max_order'",
                                                m.dir());
                                       a.intercept = m.number("intercept");
                                       const Eigen::VectorXd c = m.vector("coef", a.order);
                                       a.coef.assign(c.data(), c.data() + c.size());
                                       a.sigma2 = m.number("sigma2");
                                       f->set_model(std::move(a));
                                       return f;
                                     }),
       true});
  register_forecaster(
      {"garch",
       "GARCH(1,1) on the target's returns: mean and quantiles, or volatility",
       {FG_GARCH_F_OPTIONS(FG_OPTION_INFO)},
       [](const nlohmann::json& j, const Task& t) {
         return std::make_unique<GarchForecaster>(
             t, scenario::parse_innovation(j.value("innovation", std::string("t"))));
       },
       [](const std::string& dir) -> std::unique_ptr<Forecaster> {
         const scenario::ModelFile m = scenario::ModelFile::read(dir, "forecast-garch");
         const Task t = read_task(m.params(), m.dir() + "/model.json");
         scenario::Garch11 g;
         g.innovation = scenario::parse_innovation(m.text("innovation"));
         g.mu = m.number("mu");
         g.omega = m.number("omega");
         g.alpha = m.number("alpha");
         g.beta = m.number("beta");
         FG_CHECK(Input, g.omega > 0 && g.alpha >= 0 && g.beta >= 0 && g.alpha + g.beta < 1,
                  "{}/model.json: GARCH parameters out of range (omega > 0, alpha, beta >= 0, "
                  "alpha + beta < 1)",
                  m.dir());
         if (g.innovation == scenario::Innovation::StudentT) {
           g.shape = m.number("shape");
           FG_CHECK(Input, g.shape > 2 && g.shape <= 1000,
                    "{}/model.json: 'shape' must be in "
                    "(2, 1000]",
                    m.dir());
         }
         auto f = std::make_unique<GarchForecaster>(t, g.innovation);
         f->restore(g, m);
         return f;
       },
       true});
  return true;
}();

std::string known_kinds() {
  std::string names;
  for (const auto& [k, v] : registry()) names += (names.empty() ? "" : ", ") + k;
  return names;
}
}  // namespace

void register_forecaster(ForecasterKind kind) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  const std::string name = kind.name;
  registry()[name] = std::move(kind);
}

const ForecasterKind& forecaster_kind(const std::string& name) {
  (void)g_registered;
  std::lock_guard<std::mutex> lock(registry_mutex());
  const auto it = registry().find(name);
  FG_REQUIRE(it != registry().end(), "unknown forecaster '{}': expected {}", name, known_kinds());
  return it->second;
}

std::vector<std::string> forecaster_kinds() {
  (void)g_registered;
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& [k, v] : registry()) out.push_back(k);
  return out;
}

std::unique_ptr<Forecaster> make_forecaster(const std::string& kind, const nlohmann::json& options,
                                            const Task& task, const std::string& where) {
  const ForecasterKind& k = forecaster_kind(kind);
  const std::string at = where.empty() ? kind + " options" : where;
  const nlohmann::json opts = options.is_null() ? nlohmann::json::object() : options;
  check_option_keys(opts, k.options, at);
  for (const auto& info : k.options)
    if (opts.contains(info.name)) detail::checked_option_value(opts, info.name, info.type, at);
  return k.make(opts, task);
}

std::unique_ptr<Forecaster> load_forecaster(const std::string& dir) {
  std::string kind = scenario::ModelFile::kind_in(dir);
  if (kind.rfind("forecast-", 0) != 0)
    throw_input_error({dir + "/model.json", 0, {}},
                      fmt::format("model '{}' is a scenario generator, not a forecaster", kind));
  kind = kind.substr(9);
  ForecasterLoader loader;
  {
    (void)g_registered;
    std::lock_guard<std::mutex> lock(registry_mutex());
    const auto it = registry().find(kind);
    if (it == registry().end() || !it->second.load)
      throw_input_error(
          {dir + "/model.json", 0, {}},
          fmt::format("model '{}' is not a forecaster this build knows ({})", kind, known_kinds()));
    loader = it->second.load;
  }
  return loader(dir);
}

}  // namespace fingen::forecast
