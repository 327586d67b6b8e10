/// @file runtime.hpp
/// @brief What the deep-learning backend (LibTorch) of this build can use: version, threads, CUDA.
///
/// This header does not include torch, so code outside src/ml can ask about the backend without
/// paying LibTorch's compile time.
#pragma once

#include <cstdint>
#include <string>

namespace fingen::ml {

struct RuntimeInfo {
  std::string torch_version;
  int intra_op_threads = 1;
  bool cuda_available = false;
  int cuda_devices = 0;
  std::string parallel_info;  ///< LibTorch's own description of its thread pools and BLAS
};

RuntimeInfo runtime_info();

/// Sets LibTorch's intra-op thread count (results are reproducible for a fixed count).
void set_threads(int threads);

/// Seeds LibTorch's CPU (and CUDA, when present) generators.
void manual_seed(std::uint64_t seed);

}  // namespace fingen::ml
