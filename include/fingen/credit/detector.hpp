/// @file detector.hpp
/// @brief One interface for credit-default models and fraud/anomaly detectors: fit on rows,
///        score rows (higher = more likely positive: default, fraud, anomaly).
///
/// Supervised kinds learn from both classes and score probabilities (logistic: P(positive); mlp
/// in fingen_ml).
/// Unsupervised kinds learn what normal rows look like from the negative class only and score
/// how far a row departs from it (mahalanobis, isolation-forest; autoencoder in fingen_ml).
/// Kinds register like the generators and forecasters: make_detector(kind, options).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "fingen/core/options.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::credit {

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string kind() const = 0;
  /// True when fit() uses the labels of both classes; false: it learns from rows with y = 0.
  virtual bool supervised() const = 0;
  /// Rows [n, columns] (standardised by the caller) and labels (1 = positive).
  virtual void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) = 0;
  virtual Eigen::VectorXd score(const Eigen::MatrixXd& x) const = 0;
  /// Which columns belong together, before fit(): -1 for a numeric column, else the categorical
  /// feature whose one-hot column it is (Design::groups). Detectors that model rows (gan) use it
  /// to generate valid levels; the others ignore it.
  virtual void set_groups(const std::vector<int>& groups) { (void)groups; }
  /// Writes the fitted state as keys of model.json's params() (and weight files into `dir`, named
  /// there). Error(Usage) before fit().
  virtual void save(scenario::ModelFile& model, const std::string& dir) const = 0;
  /// Restores what save() wrote, into a detector made with the same kind and options; errors name
  /// model.json and the key.
  virtual void load(const scenario::ModelFile& model) = 0;
};

using DetectorMaker =
    std::function<std::unique_ptr<Detector>(const nlohmann::json& options, std::uint64_t seed)>;

struct DetectorKind {
  std::string name, description;
  std::vector<OptionInfo> options;
  DetectorMaker make;
};

void register_detector(DetectorKind kind);
const DetectorKind& detector_kind(const std::string& name);
std::vector<std::string> detector_kinds();
/// An unfitted detector; options checked against the kind's (Error(Usage) naming `where`).
std::unique_ptr<Detector> make_detector(const std::string& kind, const nlohmann::json& options,
                                        std::uint64_t seed, const std::string& where = "");

/// Average path length of an unsuccessful search in a binary search tree of n points,
/// c(n) = 2 H(n - 1) - 2 (n - 1) / n (Liu, Ting & Zhou 2008), the isolation forest's normaliser.
double isolation_c(double n);

}  // namespace fingen::credit
