// Mean-CVaR over S scenarios of N assets with a factor structure, long-only with weights at most
// `cap`, the target return the mean of the assets' means. bench/portfolio_vs_fportfolio runs it
// beside R's fPortfolio on the same scenarios.
//   bench_portfolio make FILE S N   writes the seeded scenarios as CSV (one column per asset)
//   bench_portfolio solve FILE CAP  {"seconds", "cvar", "weights"}: reads FILE, times the solve
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fingen/core/rng.hpp"
#include "fingen/portfolio/optimize.hpp"

int main(int argc, char** argv) {
  using namespace fingen;
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "make" && argc == 5) {
      const long S = std::stol(argv[3]), N = std::stol(argv[4]);
      Rng rng(7);
      std::ofstream out(argv[2]);
      for (long i = 0; i < N; ++i) out << (i ? "," : "") << "A" << i + 1;
      out << '\n';
      for (long s = 0; s < S; ++s) {
        const double f = rng.normal();
        for (long i = 0; i < N; ++i)
          out << (i ? "," : "")
              << fmt::format("{:.10g}", 0.0001 * static_cast<double>(i % 9) +
                                            0.01 * (0.5 * f + 0.85 * rng.normal()));
        out << '\n';
      }
      return out ? 0 : 1;
    }
    if (mode == "solve" && argc == 4) {
      std::ifstream in(argv[2]);
      std::string line;
      std::getline(in, line);
      std::vector<std::vector<double>> rows;
      while (std::getline(in, line)) {
        std::vector<double> r;
        std::size_t at = 0;
        while (at <= line.size()) {
          const auto comma = std::min(line.find(',', at), line.size());
          r.push_back(std::stod(line.substr(at, comma - at)));
          at = comma + 1;
        }
        rows.push_back(std::move(r));
      }
      const auto S = static_cast<Eigen::Index>(rows.size());
      const auto N = static_cast<Eigen::Index>(rows.front().size());
      Eigen::MatrixXd R(S, N);
      for (Eigen::Index s = 0; s < S; ++s)
        for (Eigen::Index i = 0; i < N; ++i)
          R(s, i) = rows[static_cast<std::size_t>(s)][static_cast<std::size_t>(i)];
      const double target = R.colwise().mean().mean();
      const auto t0 = std::chrono::steady_clock::now();
      const portfolio::Portfolio p = portfolio::mean_cvar(
          R, 0.05, portfolio::Constraints::box(static_cast<std::size_t>(N), 0, std::stod(argv[3])),
          target);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cout << nlohmann::json{{"seconds", seconds}, {"cvar", p.cvar}, {"weights", p.weights}}
                << '\n';
      return 0;
    }
    std::cerr << "usage: bench_portfolio make FILE S N | solve FILE CAP\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_portfolio: " << e.what() << '\n';
    return 1;
  }
}
