/// @file run.hpp
/// @brief Credit and fraud work from table files, as `fingen credit evaluate|fit|score` and the
///        `credit` section of `fingen run` configs call it: the cross-validated comparison with
///        oversampling and its privacy check; fitting one detector into a model directory; scoring
///        a new table with it under the encoding fixed at fit time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/credit/detector.hpp"
#include "fingen/credit/evaluate.hpp"
#include "fingen/data/readers.hpp"

namespace fingen::credit {

/// How a table's features become design columns (treatment contrasts), fixed when a model is
/// fitted so a later table encodes the same way.
struct Encoding {
  struct Column {
    std::string name;
    bool categorical = false;
    std::vector<std::string> levels;  ///< categorical: in byte order, the first is the reference
  };
  std::vector<Column> features;
  std::string label, positive, negative;

  std::vector<std::string> design_names() const;
  std::vector<int> design_groups() const;
};
Encoding encoding_of(const data::LabelledTable& table);
/// Features that hold one value in every row (a numeric column with one distinct value, a
/// categorical column with one level; missing values aside). They carry no information: they are
/// kept (centred, not scaled; logistic regression leaves their design column aliased), and the
/// commands report them by name.
std::vector<std::string> constant_features(const data::LabelledTable& table);
/// A one-line note naming the constant features, or "" when there are none.
std::string format_constant_features(const std::vector<std::string>& names);
/// The design matrix of `table` under `e`. Error(Input) naming the file, row and column for a
/// column that is missing or of another type, a categorical level not seen in training, or a
/// missing value.
Eigen::MatrixXd encode(const data::LabelledTable& table, const Encoding& e);
nlohmann::json to_json(const Encoding& e);
/// Error(Input) naming `file` for a malformed encoding.
Encoding encoding_from_json(const nlohmann::json& j, const std::string& file);

struct OversamplerSpec {
  std::string name, kind;
  nlohmann::json options = nlohmann::json::object();
};

struct EvaluateRequest {
  std::string data;
  data::TableOptions table;
  std::vector<DetectorSpec> models;
  std::vector<OversamplerSpec> oversamplers;
  CvOptions cv;  ///< groups are set from the table's design
  std::function<void(const std::string&)> progress;
};

struct EvaluateReport {
  std::string data, label, positive;
  std::size_t rows = 0, positives = 0, columns = 0;
  std::vector<std::string> constant_features;  ///< see constant_features()
  int folds = 0, repeats = 0;
  std::uint64_t seed = 0;
  double oversample_to = 0;
  std::vector<CvResult> results;
  struct Privacy {
    std::string oversampler;
    PrivacyCheck check;
  };
  std::vector<Privacy> privacy;
  /// Labels of the rows, for the out-of-fold scores of each result (CvResult::oof).
  std::vector<int> labels;
};

/// Reads the table, cross-validates every model (with each oversampler for the supervised ones
/// when cv.oversample_to > 0) and checks each oversampler's rows against the real positives:
/// columns standardised over all rows, as many rows made from the whole table as it has
/// positives. Error(Usage) for unknown kinds or options, naming the model.
EvaluateReport evaluate_table(const EvaluateRequest& request);
nlohmann::json to_json(const EvaluateReport& r);
/// Error(Input) naming `file` when `j` is not what to_json wrote.
EvaluateReport evaluate_report_from_json(const nlohmann::json& j, const std::string& file);
std::string format_report(const EvaluateReport& r);

struct FitRequest {
  std::string data;
  data::TableOptions table;
  std::string kind;
  nlohmann::json options = nlohmann::json::object();
  std::uint64_t seed = 1;
  std::string out;  ///< model directory (created; removed again if the fit fails)
};

struct FitSummary {
  std::size_t rows = 0, positives = 0, columns = 0;
  std::vector<std::string> constant_features;  ///< see constant_features()
  double seconds = 0;
  double train_auroc = 0;  ///< in-sample, on the rows it was fitted on
};

/// Fits a detector on every row of the table (columns standardised over all rows; unsupervised
/// kinds learn from the negatives) and saves model.json (kind "credit-detector": the detector,
/// its options and state, the encoding and the scaling), weight files and manifest.json.
FitSummary fit_and_save(const FitRequest& request);

/// A fitted detector with the encoding and scaling of the table it was fitted on.
struct CreditModel {
  std::string kind;
  Encoding encoding;
  Eigen::RowVectorXd mean, sd;
  std::unique_ptr<Detector> detector;
  /// Scores of every row of `table` (read with label_optional, or labelled).
  Eigen::VectorXd score(const data::LabelledTable& table) const;
};
CreditModel load_model(const std::string& dir);

struct ScoreSummary {
  std::size_t rows = 0;
  bool labelled = false;
  double auroc = 0, auprc = 0;  ///< when the table holds the label with both classes
};
/// Scores `data` with the model in `dir` and writes out_csv (row, score) atomically. The label
/// column is optional; when it is there with both classes, AUROC and AUPRC are returned.
ScoreSummary score_table(const std::string& dir, const std::string& data,
                         const std::string& out_csv);

/// Enlarging a table with synthetic rows of the positive (rare) class (`fingen credit augment`).
struct AugmentRequest {
  std::string data;
  data::TableOptions table;
  OversamplerSpec oversampler{"gan", "gan"};
  /// Synthetic rows; 0: as many as bring the positives to `share` of the table.
  std::size_t rows = 0;
  double share = 0.5;
  std::uint64_t seed = 1;
  bool synthetic_only = false;  ///< write only the synthetic rows
  std::string out;              ///< CSV in the table's columns, the label last
};
struct AugmentSummary {
  std::size_t real_rows = 0, positives = 0, synthetic = 0;
  PrivacyCheck privacy;  ///< synthetic rows against the real positives (standardised columns)
};
/// The oversampler, fed the whole standardised table, makes the rows; they are mapped back to the
/// table's columns (numeric values unscaled, rounded to integers where every real value is one;
/// each categorical column the level whose one-hot column is largest, the reference level when
/// none exceeds one half) and written with the real rows (unless synthetic_only) to out
/// atomically, with out's manifest (counts, privacy check).
AugmentSummary augment_table(const AugmentRequest& request);

}  // namespace fingen::credit
