/// @file model_file.hpp
/// @brief model.json: the self-describing file every saved generator starts with.
///
///   {"format": "fingen-model", "format_version": 1, "model": "garch", "fingen_version": "0.1.0",
///    "names": ["close"], "params": {...}}
/// Reading checks each of these and names the file and the key when something is off, so a corrupt
/// or foreign file gives a clear error rather than garbage scenarios. Data files that model.json
/// refers to ("history_file", "weights_file", ...) are resolved with data_file(), which accepts
/// only a plain file name (validate_name in core/io.hpp) inside the model directory: a model
/// directory from elsewhere cannot make fingen read "../../x.npy" or "/etc/passwd".
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace fingen::scenario {

class ModelFile {
 public:
  /// A new file for `model` with the given asset names.
  ModelFile(std::string model, std::vector<std::string> names);
  /// Reads dir/model.json and checks that it holds a model of kind `model` (empty: any kind).
  static ModelFile read(const std::string& dir, const std::string& model = "");
  /// The model kind stored in dir/model.json.
  static std::string kind_in(const std::string& dir);
  /// Writes dir/model.json atomically.
  void write(const std::string& dir) const;

  const std::string& model() const noexcept { return model_; }
  const std::vector<std::string>& names() const noexcept { return names_; }
  nlohmann::json& params() noexcept { return params_; }
  const nlohmann::json& params() const noexcept { return params_; }

  // Typed access to params with errors naming the file and the key.
  double number(const std::string& key) const;
  std::size_t count(const std::string& key) const;
  std::string text(const std::string& key) const;
  /// dir/NAME for the file name stored under params()[key]. Throws Error(Input) naming model.json
  /// and the key unless NAME is a plain name (letters, digits, '-', '_', '.'; no '/', not "." or
  /// "..", at most 128 characters), so the file is always directly inside the model directory.
  std::string data_file(const std::string& key) const;
  /// dir/name for a file name given by the code that saves a model; same checks as data_file(),
  /// reported against model.json. For loaders that keep a file name outside params().
  std::string resolve(const std::string& name, const std::string& what) const;
  /// The model directory (empty for a ModelFile not read from disk).
  const std::string& dir() const noexcept { return dir_; }
  Eigen::VectorXd vector(const std::string& key, std::size_t size) const;
  Eigen::MatrixXd matrix(const std::string& key, std::size_t rows, std::size_t cols) const;

  static nlohmann::json to_json(const Eigen::MatrixXd& m);
  static nlohmann::json to_json(const Eigen::VectorXd& v);

 private:
  const nlohmann::json& get(const std::string& key) const;
  std::string file_;
  std::string dir_;
  std::string model_;
  std::vector<std::string> names_;
  nlohmann::json params_ = nlohmann::json::object();
};

}  // namespace fingen::scenario
