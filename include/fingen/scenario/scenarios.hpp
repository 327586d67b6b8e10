/// @file scenarios.hpp
/// @brief Scenarios: simulated return paths, [path, time, asset], and their .npy / CSV files.
///
/// Values are per-period returns of the kind the generator was fitted on (log returns by default).
/// The layout is path-major (C order), so one path is contiguous and a .npy file of shape
/// (paths, horizon, assets) maps onto it byte for byte. The .npy format is NumPy's version 1.0:
/// magic "\x93NUMPY", version, header length, a Python dict literal, raw little-endian float64.
/// Sizes are bounded: a Scenarios holds at most kMaxScenarioValues values (4e9 float64, 32 GB),
/// a file at most kMaxNpyAssets series, and every product of dimensions is computed with
/// checked arithmetic (core/checked.hpp), so a crafted header cannot wrap a size around.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fingen {

/// Most values one Scenarios may hold: 4e9 float64 values, 32 GB.
inline constexpr std::size_t kMaxScenarioValues = 4'000'000'000ULL;
/// Most series (assets) a scenarios or history .npy file may declare.
inline constexpr std::size_t kMaxNpyAssets = 1'000'000;

struct Scenarios {
  std::size_t paths = 0;
  std::size_t horizon = 0;
  std::size_t assets = 0;
  std::vector<std::string> names;  ///< one per asset (not stored in .npy; see manifest.json)
  std::vector<double> data;        ///< paths * horizon * assets values

  Scenarios() = default;
  /// Zero-filled scenarios; throws Error(Usage) when paths x horizon x assets overflows or exceeds
  /// kMaxScenarioValues.
  Scenarios(std::size_t n_paths, std::size_t n_horizon, std::size_t n_assets)
      : paths(n_paths),
        horizon(n_horizon),
        assets(n_assets),
        data(value_count(n_paths, n_horizon, n_assets), 0.0) {}

  /// paths x horizon x assets, computed without overflow; throws Error(Usage) when the product
  /// overflows or exceeds kMaxScenarioValues.
  static std::size_t value_count(std::size_t paths, std::size_t horizon, std::size_t assets);

  double& at(std::size_t p, std::size_t t, std::size_t a) {
    return data[(p * horizon + t) * assets + a];
  }
  double at(std::size_t p, std::size_t t, std::size_t a) const {
    return data[(p * horizon + t) * assets + a];
  }
  /// Pointer to the first value of path p ([horizon, assets] row-major).
  const double* path(std::size_t p) const { return data.data() + p * horizon * assets; }
  double* path(std::size_t p) { return data.data() + p * horizon * assets; }
};

/// Throws Error(Numeric) "WHO: generated a non-finite value (V) at path P, step T, series A" when
/// any value is NaN or infinite; every generator calls it before returning scenarios.
void check_finite(const Scenarios& s, const std::string& who);

/// The bytes of a float64 .npy file holding an array of the given shape.
std::string npy_bytes(const double* data, const std::vector<std::size_t>& shape);
/// The header of such a file (magic, version, the shape padded to a multiple of 64 bytes): the
/// values follow it, so a file can be written in pieces.
std::string npy_header(const std::vector<std::size_t>& shape);
/// The bytes of the (paths, horizon, assets) .npy file of scenarios.
std::string npy_bytes(const Scenarios& s);
/// Writes a float64 array of the given shape as .npy (atomically).
void write_npy(const std::string& file, const double* data, const std::vector<std::size_t>& shape);
/// Reads a little-endian float64 .npy in C order; returns its shape. Throws Error(Input) naming the
/// file for anything else (other dtype, Fortran order, truncated data, bad magic).
std::vector<std::size_t> read_npy(const std::string& file, std::vector<double>& data);

void write_npy(const std::string& file, const Scenarios& s);
/// Reads a 3-dimensional .npy as scenarios (a 2-dimensional one is taken as one asset).
Scenarios read_scenarios_npy(const std::string& file);

/// Long CSV: path,step,ASSET1,ASSET2,... one row per (path, step).
std::string scenarios_csv(const Scenarios& s);
/// Its header line, and the rows of `s` numbered from path `first` on (a file written in pieces).
std::string scenarios_csv_header(const Scenarios& s);
std::string scenarios_csv_rows(const Scenarios& s, std::size_t first);
void write_scenarios_csv(const std::string& file, const Scenarios& s);

}  // namespace fingen
