#include "fingen/ml/runtime.hpp"

#include <ATen/Parallel.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "fingen/core/error.hpp"

namespace fingen::ml {

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.torch_version = TORCH_VERSION;
  info.intra_op_threads = at::get_num_threads();
  info.cuda_available = torch::cuda::is_available();
  info.cuda_devices = info.cuda_available ? static_cast<int>(torch::cuda::device_count()) : 0;
  info.parallel_info = at::get_parallel_info();
  return info;
}

void set_threads(int threads) {
  FG_REQUIRE(threads >= 1, "thread count must be at least 1, got {}", threads);
  at::set_num_threads(threads);
}

void manual_seed(std::uint64_t seed) {
  torch::manual_seed(seed);
}

}  // namespace fingen::ml
