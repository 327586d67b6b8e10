// VaR and ES of a 10-asset portfolio over 1,000,000 one-step scenarios (losses + selection).
//   bench_var make FILE [PATHS] [ASSETS]   writes seeded normal scenarios (timing input only)
//   bench_var FILE [LEVEL]                  prints {"seconds": ..., "var": ..., "es": ...} (best of
//   5)
// bench/var_vs_numpy runs it beside NumPy on the same file.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "fingen/core/rng.hpp"
#include "fingen/risk/measures.hpp"

int main(int argc, char** argv) {
  using namespace fingen;
  try {
    if (argc >= 3 && std::string(argv[1]) == "make") {
      const std::size_t paths = argc > 3 ? std::stoul(argv[3]) : 1000000,
                        assets = argc > 4 ? std::stoul(argv[4]) : 10;
      Scenarios s(paths, 1, assets);
      Rng rng(7);
      for (double& v : s.data) v = 0.01 * rng.normal();
      write_npy(argv[2], s);
      return 0;
    }
    if (argc < 2) {
      std::cerr << "usage: bench_var make FILE [PATHS] [ASSETS] | bench_var FILE [LEVEL]\n";
      return 2;
    }
    const Scenarios s = read_scenarios_npy(argv[1]);
    const double level = argc > 2 ? std::atof(argv[2]) : 0.99;
    const std::vector<double> w(s.assets, 1.0 / static_cast<double>(s.assets));
    double best = 1e300;
    risk::VarEs v;
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<double> losses = risk::scenario_losses(s, w, 1);
      v = risk::empirical_var_es(losses, level);
      best = std::min(best,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::cout << nlohmann::json{{"seconds", best},
                                {"var", v.var},
                                {"es", v.es},
                                {"paths", s.paths},
                                {"assets", s.assets}}
                     .dump()
              << '\n';
  } catch (const std::exception& e) {
    std::cerr << "bench_var: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
