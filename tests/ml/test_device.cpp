// Where the GAN's networks run (--device): a clear error for CUDA on a machine or LibTorch without
// it, and "auto" on such a machine the same model as "cpu". The GPU itself is tested in
// test_gpu.cpp (labelled gpu; it skips itself without a device).
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/ml/gan.hpp"
#include "fingen/scenario/generator.hpp"
#include "test_util.hpp"

namespace fingen::ml {
namespace {

Panel sp500_head() {
  const Panel px = data::read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv"));
  return data::to_returns(px.select({px.column("close")}), data::ReturnKind::Log)
      .slice_rows(0, 800);
}

GanOptions tiny() {
  return GanOptions().window(16).hidden(8).layers(2).batch_size(16).steps(4).eval_every(2).threads(
      1);
}

TEST(Device, CudaIsAClearErrorWithoutAGpu) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has a CUDA device";
  const Panel r = sp500_head();
  GanGenerator on_cuda(tiny().device("cuda"));
  test::expect_error([&] { on_cuda.fit(r); }, ErrorCategory::Usage,
                     {"device 'cuda'", "no CUDA device"});
  EXPECT_FALSE(on_cuda.fitted());
  test::expect_error([] { GanGenerator bad(tiny().device("tpu")); }, ErrorCategory::Usage,
                     {"device must be cpu, cuda or auto", "tpu"});
  // auto falls back to the CPU: the same model, the same paths.
  GanGenerator cpu(tiny()), automatic(tiny().device("auto"));
  cpu.fit(r);
  automatic.fit(r);
  EXPECT_EQ(cpu.generator_parameters(), automatic.generator_parameters());
  test::expect_error([&] { cpu.set_device("cuda"); }, ErrorCategory::Usage, {"no CUDA device"});
  const Scenarios before = cpu.generate(20, 30, 5);
  cpu.set_device("auto");
  EXPECT_EQ(cpu.generate(20, 30, 5).data, before.data);
  // Models without networks run on the CPU and say so.
  const auto garch = scenario::make_generator("garch", nlohmann::json::object(), "");
  test::expect_error([&] { garch->set_device("cuda"); }, ErrorCategory::Usage,
                     {"'garch' model has no networks"});
  garch->set_device("auto");
}

}  // namespace
}  // namespace fingen::ml
