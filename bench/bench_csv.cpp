// Reading speed of the OHLCV reader (parse + validate) on a large CSV.
//
//   bench_csv make FILE [ROWS] [SEED]   writes a benchmark input: ROWS daily bars from a seeded
//                                       random walk (synthetic, for timing only, not market data)
//   FINGEN_BENCH_CSV=FILE bench_csv [Google Benchmark flags]
//                                       times read_ohlcv on FILE (default: a 1,000,000-row file
//                                       made in the temp directory)
// bench/csv_vs_pandas runs both and compares with pandas.read_csv on the same file.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "fingen/core/io.hpp"
#include "fingen/core/time.hpp"
#include "fingen/data/readers.hpp"

namespace {

void make_file(const std::string& path, std::size_t rows, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.012);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  fmt::format_to(out, "date,open,high,low,close,adjclose,volume\n");
  double close = 100.0;
  // Consecutive calendar days from 1900-01-01: one million rows span ~2,700 years.
  const std::int64_t day0 = fingen::days_from_civil(1900, 1, 1);
  for (std::size_t i = 0; i < rows; ++i) {
    const double open = close;
    close = open * std::exp(z(rng));
    const double high = std::max(open, close) * (1.0 + 0.005 * u(rng));
    const double low = std::min(open, close) * (1.0 - 0.005 * u(rng));
    const auto volume = static_cast<long long>(1e8 * (0.5 + u(rng)));
    fmt::format_to(
        out, "{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{}\n",
        fingen::format_index(fingen::IndexKind::Date, day0 + static_cast<std::int64_t>(i)), open,
        high, low, close, close, volume);
  }
  fingen::write_file_atomic(path, std::string_view(buf.data(), buf.size()));
}

std::string bench_file() {
  if (const char* env = std::getenv("FINGEN_BENCH_CSV")) return env;
  const std::string path =
      (std::filesystem::temp_directory_path() / "fingen_bench_1m.csv").string();
  if (!std::filesystem::exists(path)) make_file(path, 1000000, 42);
  return path;
}

void BM_ReadOhlcv(benchmark::State& state) {
  const std::string path = bench_file();
  std::size_t rows = 0;
  for (auto _ : state) {
    const fingen::Panel p = fingen::data::read_ohlcv(path);
    rows = p.rows();
    benchmark::DoNotOptimize(p.values.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
}
BENCHMARK(BM_ReadOhlcv)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "make") {
    try {
      make_file(argv[2], argc > 3 ? std::stoul(argv[3]) : 1000000,
                argc > 4 ? static_cast<unsigned>(std::stoul(argv[4])) : 42);
    } catch (const std::exception& e) {
      std::cerr << "bench_csv: " << e.what() << '\n';
      return 1;
    }
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
