#include "fingen/data/transform.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fingen/core/error.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::data {

ReturnKind parse_return_kind(const std::string& text) {
  if (text == "log") return ReturnKind::Log;
  if (text == "simple") return ReturnKind::Simple;
  FG_FAIL(Usage, "unknown return kind '{}': expected log or simple", text);
}

Panel to_returns(const Panel& prices, ReturnKind kind, std::size_t horizon, bool overlapping) {
  prices.validate();
  FG_REQUIRE(prices.values_kind == ValueKind::Prices, "to_returns needs prices; {} holds returns",
             prices.source.empty() ? std::string("the panel") : prices.source);
  FG_REQUIRE(horizon >= 1, "return horizon must be at least 1");
  FG_REQUIRE(prices.rows() > horizon, "{} rows are too few for {}-period returns", prices.rows(),
             horizon);
  const std::size_t step = overlapping ? 1 : horizon;
  Panel out;
  out.kind = prices.kind;
  out.values_kind = ValueKind::Returns;
  out.names = prices.names;
  out.source = prices.source;
  std::vector<std::size_t> rows;
  for (std::size_t t = horizon; t < prices.rows(); t += step) rows.push_back(t);
  out.values.resize(static_cast<Eigen::Index>(rows.size()), prices.values.cols());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto t = static_cast<Eigen::Index>(rows[k]);
    const auto s = static_cast<Eigen::Index>(rows[k] - horizon);
    out.index.push_back(prices.index[rows[k]]);
    for (Eigen::Index j = 0; j < prices.values.cols(); ++j) {
      const double p1 = prices.values(t, j), p0 = prices.values(s, j);
      out.values(static_cast<Eigen::Index>(k), j) =
          kind == ReturnKind::Log ? std::log(p1) - std::log(p0) : p1 / p0 - 1.0;
    }
  }
  return out;
}

Panel to_prices(const Panel& returns, ReturnKind kind, const Eigen::RowVectorXd& initial,
                std::int64_t initial_index) {
  returns.validate();
  FG_REQUIRE(static_cast<std::size_t>(initial.size()) == returns.cols(),
             "need one initial price per series: {} given for {} series", initial.size(),
             returns.cols());
  FG_REQUIRE(returns.rows() == 0 || initial_index < returns.index.front(),
             "the initial price must come before the first return");
  for (Eigen::Index j = 0; j < initial.size(); ++j)
    FG_REQUIRE(initial(j) > 0 && std::isfinite(initial(j)),
               "initial price of '{}' must be positive, got {}",
               returns.names[static_cast<std::size_t>(j)], initial(j));
  Panel out;
  out.kind = returns.kind;
  out.values_kind = ValueKind::Prices;
  out.names = returns.names;
  out.source = returns.source;
  out.index.reserve(returns.rows() + 1);
  out.index.push_back(initial_index);
  out.index.insert(out.index.end(), returns.index.begin(), returns.index.end());
  out.values.resize(returns.values.rows() + 1, returns.values.cols());
  out.values.row(0) = initial;
  for (Eigen::Index j = 0; j < returns.values.cols(); ++j) {
    // Log prices accumulate returns; working in logs keeps long paths exact to rounding.
    double log_price = std::log(initial(j));
    for (Eigen::Index t = 0; t < returns.values.rows(); ++t) {
      const double r = returns.values(t, j);
      if (kind == ReturnKind::Log) {
        log_price += r;
        out.values(t + 1, j) = std::exp(log_price);
      } else {
        out.values(t + 1, j) = out.values(t, j) * (1.0 + r);
      }
    }
  }
  return out;
}

ScalerKind parse_scaler_kind(const std::string& text) {
  if (text == "zscore" || text == "standard") return ScalerKind::ZScore;
  if (text == "minmax") return ScalerKind::MinMax;
  if (text == "robust") return ScalerKind::Robust;
  FG_FAIL(Usage, "unknown scaler '{}': expected zscore, minmax or robust", text);
}

const char* to_string(ScalerKind kind) noexcept {
  switch (kind) {
    case ScalerKind::ZScore:
      return "zscore";
    case ScalerKind::MinMax:
      return "minmax";
    case ScalerKind::Robust:
      return "robust";
  }
  return "unknown";
}

Scaler& Scaler::fit(const Eigen::MatrixXd& x) {
  FG_REQUIRE(x.cols() > 0, "cannot fit a scaler on data with no columns");
  center_.resize(x.cols());
  scale_.resize(x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    std::vector<double> v;
    v.reserve(static_cast<std::size_t>(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (!std::isnan(x(i, j))) v.push_back(x(i, j));
    FG_REQUIRE(!v.empty(), "scaler: column {} has no observed values", j);
    double c = 0, s = 0;
    switch (kind_) {
      case ScalerKind::ZScore: {
        const stats::Moments m = v.size() >= 2 ? stats::moments(v) : stats::Moments{};
        c = v.size() >= 2 ? m.mean : v[0];
        s = m.sd;
        break;
      }
      case ScalerKind::MinMax: {
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        c = *lo;
        s = *hi - *lo;
        break;
      }
      case ScalerKind::Robust: {
        std::sort(v.begin(), v.end());
        c = stats::quantile_sorted(v.data(), v.size(), 0.5);
        s = stats::quantile_sorted(v.data(), v.size(), 0.75) -
            stats::quantile_sorted(v.data(), v.size(), 0.25);
        break;
      }
    }
    center_(j) = c;
    scale_(j) = s > 0 ? s : 1.0;  // zero spread: map the constant to 0
  }
  return *this;
}

Eigen::MatrixXd Scaler::transform(const Eigen::MatrixXd& x) const {
  FG_REQUIRE(fitted(), "scaler used before fit");
  FG_REQUIRE(x.cols() == center_.size(), "scaler fitted on {} columns, given {}", center_.size(),
             x.cols());
  return (x.rowwise() - center_).array().rowwise() / scale_.array();
}

Eigen::MatrixXd Scaler::inverse(const Eigen::MatrixXd& z) const {
  FG_REQUIRE(fitted(), "scaler used before fit");
  FG_REQUIRE(z.cols() == center_.size(), "scaler fitted on {} columns, given {}", center_.size(),
             z.cols());
  return (z.array().rowwise() * scale_.array()).matrix().rowwise() + center_;
}

Scaler Scaler::from_parameters(ScalerKind kind, Eigen::RowVectorXd center,
                               Eigen::RowVectorXd scale) {
  FG_REQUIRE(center.size() == scale.size() && center.size() > 0,
             "scaler parameters: {} centers and {} scales", center.size(), scale.size());
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    FG_REQUIRE(scale(j) > 0 && std::isfinite(scale(j)) && std::isfinite(center(j)),
               "scaler parameters for column {} are invalid (center {}, scale {})", j, center(j),
               scale(j));
  Scaler s(kind);
  s.center_ = std::move(center);
  s.scale_ = std::move(scale);
  return s;
}

Windows make_windows(const Eigen::MatrixXd& x, std::size_t length, std::size_t stride,
                     std::size_t begin, std::size_t end) {
  const auto rows = static_cast<std::size_t>(x.rows());
  if (end == 0) end = rows;
  FG_REQUIRE(length >= 1 && stride >= 1, "window length and stride must be positive ({} and {})",
             length, stride);
  FG_REQUIRE(begin <= end && end <= rows, "window range [{}, {}) outside {} rows", begin, end,
             rows);
  Windows w;
  w.length = length;
  w.series = static_cast<std::size_t>(x.cols());
  for (std::size_t s = begin; s + length <= end; s += stride) w.start.push_back(s);
  w.count = w.start.size();
  w.data.resize(w.count * length * w.series);
  for (std::size_t k = 0; k < w.count; ++k)
    for (std::size_t t = 0; t < length; ++t)
      for (std::size_t j = 0; j < w.series; ++j)
        w.data[(k * length + t) * w.series + j] =
            x(static_cast<Eigen::Index>(w.start[k] + t), static_cast<Eigen::Index>(j));
  return w;
}

Split split_by_index(const Panel& panel, std::int64_t valid_start, std::int64_t test_start) {
  panel.validate();
  FG_REQUIRE(valid_start <= test_start, "validation must start no later than test ({} > {})",
             format_index(panel.kind, valid_start), format_index(panel.kind, test_start));
  Split s;
  s.rows = panel.rows();
  s.train_end = static_cast<std::size_t>(
      std::lower_bound(panel.index.begin(), panel.index.end(), valid_start) - panel.index.begin());
  s.valid_end = static_cast<std::size_t>(
      std::lower_bound(panel.index.begin(), panel.index.end(), test_start) - panel.index.begin());
  FG_REQUIRE(s.train_end > 0, "no training rows before {}", format_index(panel.kind, valid_start));
  FG_REQUIRE(s.valid_end < s.rows, "no test rows from {} on (data end at {})",
             format_index(panel.kind, test_start), format_index(panel.kind, panel.index.back()));
  FG_REQUIRE(valid_start == test_start || s.valid_end > s.train_end,
             "no validation rows between {} and {}", format_index(panel.kind, valid_start),
             format_index(panel.kind, test_start));
  return s;
}

Split split_by_fraction(std::size_t rows, double train, double valid) {
  FG_REQUIRE(train > 0 && valid >= 0 && train + valid < 1,
             "split fractions must satisfy 0 < train, "
             "0 <= validation, train + validation < 1; got {} and {}",
             train, valid);
  Split s;
  s.rows = rows;
  s.train_end = static_cast<std::size_t>(std::floor(train * static_cast<double>(rows)));
  s.valid_end =
      s.train_end + static_cast<std::size_t>(std::floor(valid * static_cast<double>(rows)));
  FG_REQUIRE(s.train_end > 0 && s.valid_end < rows, "{} rows are too few for this split", rows);
  return s;
}

}  // namespace fingen::data
