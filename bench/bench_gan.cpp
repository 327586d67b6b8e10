// Time per training step of fingen's GAN (LSTM generator, MLP discriminator, non-saturating loss)
// and generation throughput, on S&P 500 log returns. Prints one JSON object.
//   bench_gan [STEPS=64] [BATCH=64] [WINDOW=64] [HIDDEN=64] [THREADS=1]
// bench/gan_vs_pytorch runs it beside the same model in PyTorch.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/ml/gan.hpp"
#include "fingen/ml/runtime.hpp"

int main(int argc, char** argv) {
  using namespace fingen;
  auto arg = [&](int i, long def) { return argc > i ? std::atol(argv[i]) : def; };
  const long steps = arg(1, 64), batch = arg(2, 64), window = arg(3, 64), hidden = arg(4, 64),
             threads = arg(5, 1);
  try {
    const Panel px =
        data::read_ohlcv(std::string(FINGEN_BUNDLED_DATA_DIR) + "/sp500_ohlcv_2000_2020.csv");
    const Panel r = data::to_returns(px.select({px.column("close")}), data::ReturnKind::Log);
    ml::GanGenerator gan(ml::GanOptions()
                             .loss("ns")
                             .generator("lstm")
                             .discriminator("mlp")
                             // The plain network the PyTorch side builds (not the sv default).
                             .output("direct")
                             .burn_in(0)
                             .selection("w1")
                             .validation_fraction(0.15)
                             .window(window)
                             .hidden(hidden)
                             .layers(2)
                             .noise_dim(8)
                             .batch_size(batch)
                             .steps(steps)
                             .eval_every(steps)
                             .threads(static_cast<int>(threads)));
    gan.fit(r);
    const auto& log = gan.log();
    const std::size_t warm = std::min<std::size_t>(5, log.size() - 1);
    const double per_step =
        (log.back().seconds - log[warm - 1].seconds) / static_cast<double>(log.size() - warm);
    const std::size_t paths = 10000, horizon = 250;
    const auto t0 = std::chrono::steady_clock::now();
    const Scenarios s = gan.generate(paths, horizon, 1);
    const double gen_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << nlohmann::json{{"steps", steps},
                                {"batch", batch},
                                {"window", window},
                                {"hidden", hidden},
                                {"threads", threads},
                                {"torch", ml::runtime_info().torch_version},
                                {"seconds_per_step", per_step},
                                {"generate_paths", paths},
                                {"generate_horizon", horizon},
                                {"generate_seconds", gen_seconds},
                                {"paths_per_second", static_cast<double>(s.paths) / gen_seconds}}
                     .dump()
              << '\n';
  } catch (const std::exception& e) {
    std::cerr << "bench_gan: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
