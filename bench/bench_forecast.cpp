// The LSTM forecaster's training step and batch inference, timed through the public API (the
// same code `fingen forecast` runs): S&P 500 log returns, input = returns (+ mask), window 60,
// hidden 32, direct horizon 1, Huber loss, Adam(1e-3, weight decay 1e-4), batch 64.
// Prints one JSON object; bench/forecast_vs_pytorch runs it beside the PyTorch equivalent.
//   bench_forecast [STEPS=300] [THREADS=1] [ORIGINS=4096]
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "fingen/data/load.hpp"
#include "fingen/forecast/forecaster.hpp"
#include "fingen/ml/runtime.hpp"

int main(int argc, char** argv) {
  using namespace fingen;
  const long steps = argc > 1 ? std::atol(argv[1]) : 300;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  const long n_origins = argc > 3 ? std::atol(argv[3]) : 4096;
  ml::set_threads(threads);
  data::ReturnsSource src;
  src.file = std::string(FINGEN_BUNDLED_DATA_DIR) + "/sp500_ohlcv_2000_2020.csv";
  const forecast::Dataset d = forecast::make_dataset(data::load_returns(src), {});
  const nlohmann::json options = {{"window", 60},        {"hidden", 32},
                                  {"steps", steps},      {"validation_fraction", 0.0},
                                  {"eval_every", steps}, {"threads", threads}};
  auto f = forecast::make_forecaster("lstm", options, forecast::Task{1, {}});
  const auto t0 = std::chrono::steady_clock::now();
  f->fit(d, 0, d.rows());
  const double fit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::size_t> origins;
  for (long i = 0; i < n_origins; ++i)
    origins.push_back(d.rows() - 1 - static_cast<std::size_t>(i) % (d.rows() - 1));
  (void)f->predict(d, {origins.front()});  // warm-up
  const auto t1 = std::chrono::steady_clock::now();
  const forecast::Forecast out = f->predict(d, origins);
  const double pred_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::cout << nlohmann::json{{"torch", ml::runtime_info().torch_version},
                              {"steps", steps},
                              {"threads", threads},
                              {"seconds_per_step", fit_s / static_cast<double>(steps)},
                              {"origins", n_origins},
                              {"forecasts_per_second", static_cast<double>(n_origins) / pred_s},
                              {"check", out.point(0, 0)}}
                   .dump()
            << '\n';
}
