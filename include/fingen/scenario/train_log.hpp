/// @file train_log.hpp
/// @brief The training log of an adversarially trained generator, as saved in its model
/// directory (train_log.csv) and read back by the report.
///
/// train_log.csv: the header `step,d_loss,g_loss,wasserstein,validation,seconds`, then one line per
/// logged step; numbers in their shortest exact form; `wasserstein` is empty when the loss has no
/// Wasserstein estimate and `validation` empty on steps without a validation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fingen::scenario {

/// One line of the training log.
struct TrainLogRow {
  std::int64_t step = 0;
  double d_loss = 0, g_loss = 0;
  double wasserstein = 0;  ///< critic's estimate E[D(x)] - E[D(G(z))] (wgan-gp), else NaN
  double validation = -1;  ///< validation distance at this step, -1 if not evaluated
  double seconds = 0;      ///< wall time since the start of this run
};

/// The file name inside a model directory.
inline constexpr const char* kTrainLogFile = "train_log.csv";

/// The CSV text of `rows` (format above).
std::string train_log_csv(const std::vector<TrainLogRow>& rows);

/// Reads a train_log.csv. Error(Input) naming the file, line and field for anything that is not
/// such a file.
std::vector<TrainLogRow> read_train_log(const std::string& path);

}  // namespace fingen::scenario
