/// @file runtime.hpp
/// @brief What the program can use and how to stop it, without depending on the deep-learning
/// backend: the backend (fingen_ml) registers a description of itself when it is linked, and
/// training loops poll the stop flag that a signal handler sets.
#pragma once

#include <functional>
#include <string>

namespace fingen {

struct BackendInfo {
  std::string torch_version = "not built (FINGEN_WITH_TORCH=OFF)";
  int intra_op_threads = 0;
  bool cuda_available = false;
  int cuda_devices = 0;
  std::string parallel_info;  ///< the backend's own description of its thread pools and BLAS
};

/// The linked backend's description (the default above when none is linked).
BackendInfo backend_info();
/// Called by a backend at static initialisation.
void register_backend(std::function<BackendInfo()> describe);

/// Asks running training loops to checkpoint and stop after the current step (safe to call from a
/// signal handler).
void request_stop() noexcept;
/// True once request_stop() was called; take_stop_request() also clears it.
bool stop_requested() noexcept;
bool take_stop_request() noexcept;

}  // namespace fingen
