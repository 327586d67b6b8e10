// The GAN on a CUDA device (labelled gpu; skips itself where LibTorch or the machine has none):
// training and generation on the GPU give the CPU's model and paths up to the kernels' rounding
// (the same noise is drawn on the CPU for both), and a model trained on the GPU saves, loads on
// the CPU and generates there.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/ml/gan.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/stats/descriptive.hpp"
#include "test_util.hpp"

namespace fingen::ml {
namespace {

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

TEST(Gpu, TrainsAndGeneratesLikeTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const Panel px = data::read_ohlcv(test::bundled("sp500_ohlcv_2000_2020.csv"));
  const Panel r =
      data::to_returns(px.select({px.column("close")}), data::ReturnKind::Log).slice_rows(0, 1500);
  const GanOptions o = GanOptions().window(32).hidden(16).batch_size(32).steps(10).eval_every(5);
  GanGenerator cpu(GanOptions(o).device("cpu")), gpu(GanOptions(o).device("cuda"));
  cpu.fit(r);
  gpu.fit(r);
  ASSERT_EQ(cpu.generator_parameters().size(), gpu.generator_parameters().size());
  const std::vector<float> pc = cpu.generator_parameters(), pg = gpu.generator_parameters();
  double worst = 0;
  for (std::size_t i = 0; i < pc.size(); ++i)
    worst = std::max(worst, static_cast<double>(std::abs(pc[i] - pg[i])));
  EXPECT_LT(worst, 1e-3) << "weights after 10 steps, CPU against GPU";
  // The GPU-trained model generates on the GPU and, loaded, on the CPU: the same paths up to
  // rounding (1e-4 of their sd).
  const Scenarios on_gpu = gpu.generate(512, 252, 3);
  test::TempDir dir;
  gpu.save(dir.path().string());
  const auto loaded = scenario::load_generator(dir.path().string());
  const Scenarios on_cpu = loaded->generate(512, 252, 3);
  const double sd = stats::moments(on_cpu.data).sd;
  EXPECT_LT(max_abs_difference(on_gpu.data, on_cpu.data), 1e-4 * sd);
  loaded->set_device("cuda");
  EXPECT_LT(max_abs_difference(loaded->generate(512, 252, 3).data, on_gpu.data), 1e-6 * sd);
}

}  // namespace
}  // namespace fingen::ml
