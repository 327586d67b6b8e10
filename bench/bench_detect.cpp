// The autoencoder detector's training step and scoring throughput, timed through the public API
// (the code `fingen credit` and `fingen detect` run): the Lending Club design matrix
// (standardised), autoencoder hidden 32, code 8, Adam(1e-3, weight decay 1e-4), batch 64, MSE;
// scoring = per-row mean squared reconstruction error of ROWS rows in one call.
// Prints one JSON object; bench/detect_vs_pytorch runs it beside the PyTorch equivalent.
//   bench_detect [STEPS=600] [THREADS=1] [ROWS=200000]
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "fingen/credit/detector.hpp"
#include "fingen/credit/logistic.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/ml/runtime.hpp"

int main(int argc, char** argv) {
  using namespace fingen;
  const long steps = argc > 1 ? std::atol(argv[1]) : 600;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  const long rows = argc > 3 ? std::atol(argv[3]) : 200000;
  ml::set_threads(threads);
  const auto table = data::read_labelled(std::string(FINGEN_BUNDLED_DATA_DIR) + "/lending_club.csv",
                                         data::TableOptions().positive("bad"));
  const credit::Design d = credit::treatment_design(table);
  const Eigen::RowVectorXd mean = d.x.colwise().mean();
  Eigen::RowVectorXd sd = ((d.x.rowwise() - mean).array().square().colwise().mean()).sqrt();
  for (Eigen::Index j = 0; j < sd.size(); ++j)
    if (!(sd(j) > 1e-12)) sd(j) = 1;
  const Eigen::MatrixXd x = (d.x.rowwise() - mean).array().rowwise() / sd.array();
  auto ae = credit::make_detector("autoencoder", {{"steps", steps}, {"threads", threads}}, 1);
  const auto t0 = std::chrono::steady_clock::now();
  ae->fit(x, d.y);
  const double fit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Eigen::MatrixXd many(rows, x.cols());
  for (long i = 0; i < rows; ++i) many.row(i) = x.row(i % x.rows());
  (void)ae->score(x.topRows(10));  // warm-up
  const auto t1 = std::chrono::steady_clock::now();
  const Eigen::VectorXd s = ae->score(many);
  const double score_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::cout << nlohmann::json{{"torch", ml::runtime_info().torch_version},
                              {"steps", steps},
                              {"threads", threads},
                              {"columns", x.cols()},
                              {"seconds_per_step", fit_s / static_cast<double>(steps)},
                              {"rows", rows},
                              {"rows_per_second", static_cast<double>(rows) / score_s},
                              {"check", s(0)}}
                   .dump()
            << '\n';
}
