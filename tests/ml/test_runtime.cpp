#include "fingen/ml/runtime.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fingen/core/error.hpp"

namespace fingen::ml {
namespace {

TEST(MlRuntime, ReportsTheLinkedLibTorch) {
  const RuntimeInfo info = runtime_info();
  EXPECT_EQ(info.torch_version, TORCH_VERSION);
  EXPECT_GE(info.intra_op_threads, 1);
  EXPECT_EQ(info.cuda_available, torch::cuda::is_available());
  EXPECT_FALSE(info.parallel_info.empty());
}

TEST(MlRuntime, ThreadsAndSeeds) {
  set_threads(1);
  EXPECT_EQ(runtime_info().intra_op_threads, 1);
  EXPECT_THROW(set_threads(0), Error);
  manual_seed(42);
  const torch::Tensor a = torch::randn({64});
  manual_seed(42);
  const torch::Tensor b = torch::randn({64});
  EXPECT_TRUE(torch::equal(a, b));
  manual_seed(43);
  EXPECT_FALSE(torch::equal(a, torch::randn({64})));
}

}  // namespace
}  // namespace fingen::ml
