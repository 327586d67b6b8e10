/// @file scenarios.hpp
/// @brief Scenarios: simulated return paths, [path, time, asset], and their .npy / CSV files.
///
/// Values are per-period returns of the kind the generator was fitted on (log returns by default).
/// The layout is path-major (C order), so one path is contiguous and a .npy file of shape
/// (paths, horizon, assets) maps onto it byte for byte. The .npy format is NumPy's version 1.0:
/// magic "\x93NUMPY", version, header length, a Python dict literal, raw little-endian float64.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fingen {

struct Scenarios {
  std::size_t paths = 0;
  std::size_t horizon = 0;
  std::size_t assets = 0;
  std::vector<std::string> names;  ///< one per asset (not stored in .npy; see manifest.json)
  std::vector<double> data;        ///< paths * horizon * assets values

  Scenarios() = default;
  Scenarios(std::size_t n_paths, std::size_t n_horizon, std::size_t n_assets)
      : paths(n_paths),
        horizon(n_horizon),
        assets(n_assets),
        data(n_paths * n_horizon * n_assets, 0.0) {}

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

/// Writes a float64 array of the given shape as .npy (atomically).
void write_npy(const std::string& file, const double* data, const std::vector<std::size_t>& shape);
/// Reads a little-endian float64 .npy in C order; returns its shape. Throws Error(Input) naming the
/// file for anything else (other dtype, Fortran order, truncated data, bad magic).
std::vector<std::size_t> read_npy(const std::string& file, std::vector<double>& data);

void write_npy(const std::string& file, const Scenarios& s);
/// Reads a 3-dimensional .npy as scenarios (a 2-dimensional one is taken as one asset).
Scenarios read_scenarios_npy(const std::string& file);

/// Long CSV: path,step,ASSET1,ASSET2,... one row per (path, step).
void write_scenarios_csv(const std::string& file, const Scenarios& s);

}  // namespace fingen
