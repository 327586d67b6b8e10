// The SMA 20/100 crossover with costs: one series (the bundled S&P 500, 5,105 bars) and many
// synthetic paths. bench/trading_vs_numpy runs it beside a vectorised NumPy version.
//   bench_trading make FILE PATHS HORIZON   writes seeded normal log returns (timing input only)
//   bench_trading single DATA_FILE          {"seconds", "bars", "net_total_return", "net_sharpe"}
//   bench_trading paths FILE                {"seconds", "paths", "bars", "median_net_sharpe"}
// Times are the best of 5 (single: of 50), one thread unless OMP_NUM_THREADS says otherwise.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "fingen/core/rng.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/trading/backtest.hpp"
#include "fingen/trading/robustness.hpp"
#include "fingen/trading/strategy.hpp"

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace fingen;
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "make" && argc == 5) {
      Scenarios s(std::stoul(argv[3]), std::stoul(argv[4]), 1);
      Rng rng(3);
      for (double& v : s.data) v = 0.0003 + 0.012 * rng.normal();
      write_npy(argv[2], s);
      return 0;
    }
    const auto sma = trading::make_strategy("sma", {{"fast", 20}, {"slow", 100}}, "");
    // Fills at the next close and no volume impact: what the vectorised version computes.
    const auto options = trading::BacktestOptions().fill("next_close");
    if (mode == "single" && argc == 3) {
      data::ReturnsSource src;
      src.file = argv[2];
      const trading::Market m = trading::closes_only(trading::read_market(src));
      double best = 1e300;
      trading::BacktestResult r;
      for (int rep = 0; rep < 50; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        r = trading::backtest(m, sma->weights(m), options, false, false);
        best = std::min(best, seconds_since(t0));
      }
      std::cout << nlohmann::json{{"seconds", best},
                                  {"bars", m.bars()},
                                  {"net_total_return", r.net.metrics.total_return},
                                  {"net_sharpe", r.net.metrics.sharpe}}
                << '\n';
      return 0;
    }
    if (mode == "paths" && argc == 3) {
      const Scenarios s = read_scenarios_npy(argv[2]);
      double best = 1e300;
      trading::RobustnessResult r;
      for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        r = trading::run_over_paths(s, *sma, options);
        best = std::min(best, seconds_since(t0));
      }
      std::cout << nlohmann::json{{"seconds", best},
                                  {"paths", s.paths},
                                  {"bars", s.horizon + 1},
                                  {"median_net_sharpe", r.summary.front().median}}
                << '\n';
      return 0;
    }
    std::cerr << "usage: bench_trading make FILE PATHS HORIZON | single DATA_FILE | paths FILE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_trading: " << e.what() << '\n';
    return 1;
  }
}
