/// @file transform.hpp
/// @brief Returns, scalers, sliding windows and leakage-free splits.
///
/// Simple return R_t = P_t / P_{t-h} - 1, log return r_t = ln P_t - ln P_{t-h} (h = horizon).
/// Scalers are fitted on training rows only and invert exactly (up to rounding):
/// z-score (x - mean) / sd, min-max (x - min) / (max - min), robust (x - median) / IQR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "fingen/core/panel.hpp"

namespace fingen::data {

enum class ReturnKind { Simple, Log };
ReturnKind parse_return_kind(const std::string& text);

/// Returns over `horizon` rows. Overlapping: one per row from row `horizon` on; otherwise every
/// `horizon`-th row. A return is NaN when either price is missing. The index is that of the later
/// price.
Panel to_returns(const Panel& prices, ReturnKind kind, std::size_t horizon = 1,
                 bool overlapping = true);

/// Inverse of to_returns with horizon 1: prices from returns and the price row before the first
/// return (`initial`, one value per column, at index `initial_index`).
Panel to_prices(const Panel& returns, ReturnKind kind, const Eigen::RowVectorXd& initial,
                std::int64_t initial_index);

enum class ScalerKind { ZScore, MinMax, Robust };
ScalerKind parse_scaler_kind(const std::string& text);
const char* to_string(ScalerKind kind) noexcept;

/// Per-column affine scaler x' = (x - center) / scale, fitted ignoring NaN. A column with zero
/// spread gets scale 1 so that it maps to 0 instead of dividing by zero.
class Scaler {
 public:
  explicit Scaler(ScalerKind kind = ScalerKind::ZScore) : kind_(kind) {}
  /// Fits center and scale on the rows of x ([time, series]); throws if a column has no value.
  Scaler& fit(const Eigen::MatrixXd& x);
  Eigen::MatrixXd transform(const Eigen::MatrixXd& x) const;
  Eigen::MatrixXd inverse(const Eigen::MatrixXd& z) const;
  bool fitted() const noexcept { return center_.size() > 0; }
  ScalerKind kind() const noexcept { return kind_; }
  const Eigen::RowVectorXd& center() const noexcept { return center_; }
  const Eigen::RowVectorXd& scale() const noexcept { return scale_; }
  /// Restores a fitted scaler (e.g. from a checkpoint).
  static Scaler from_parameters(ScalerKind kind, Eigen::RowVectorXd center,
                                Eigen::RowVectorXd scale);

 private:
  ScalerKind kind_;
  Eigen::RowVectorXd center_;
  Eigen::RowVectorXd scale_;
};

/// Sliding windows over rows [begin, end) of x: window w covers rows start[w] .. start[w]+length-1.
/// data is [count, length, series] in row-major order.
struct Windows {
  std::size_t count = 0;
  std::size_t length = 0;
  std::size_t series = 0;
  std::vector<std::size_t> start;
  std::vector<double> data;
  /// Element (window w, step t, series s).
  double at(std::size_t w, std::size_t t, std::size_t s) const {
    return data[(w * length + t) * series + s];
  }
};

/// Windows of `length` rows every `stride` rows, all inside [begin, end) (end = 0 means all rows),
/// so windows drawn from one split never see rows of another.
Windows make_windows(const Eigen::MatrixXd& x, std::size_t length, std::size_t stride = 1,
                     std::size_t begin = 0, std::size_t end = 0);

/// Row ranges of a chronological split: train [0, train_end), validation [train_end, valid_end),
/// test [valid_end, rows).
struct Split {
  std::size_t train_end = 0;
  std::size_t valid_end = 0;
  std::size_t rows = 0;
};

/// Split at dates: validation starts at the first row with index >= valid_start, test at the first
/// row >= test_start. Each part must be non-empty except validation when valid_start == test_start.
Split split_by_index(const Panel& panel, std::int64_t valid_start, std::int64_t test_start);

/// Split by fractions of rows: train gets floor(train * rows), validation floor(valid * rows).
Split split_by_fraction(std::size_t rows, double train, double valid);

}  // namespace fingen::data
