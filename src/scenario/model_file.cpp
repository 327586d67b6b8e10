#include "fingen/scenario/model_file.hpp"

#include <cmath>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/version.hpp"

namespace fingen::scenario {

namespace {
constexpr int kFormatVersion = 1;
std::string model_path(const std::string& dir) {
  return dir + "/model.json";
}

nlohmann::json parse_model_json(const std::string& file) {
  const std::string text = read_file(file);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}},
                      fmt::format("not a fingen model file (invalid JSON: {})", e.what()));
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != "fingen-model")
    throw_input_error({file, 0, {}}, "not a fingen model file (no \"format\": \"fingen-model\")");
  if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
      j["format_version"].get<int>() != kFormatVersion)
    throw_input_error(
        {file, 0, {}},
        fmt::format("unsupported model format version {} (this fingen reads {})",
                    j.value("format_version", nlohmann::json()).dump(), kFormatVersion));
  if (!j.contains("model") || !j["model"].is_string())
    throw_input_error({file, 0, {}}, "missing \"model\"");
  return j;
}
}  // namespace

ModelFile::ModelFile(std::string model, std::vector<std::string> names)
    : model_(std::move(model)), names_(std::move(names)) {}

std::string ModelFile::kind_in(const std::string& dir) {
  return parse_model_json(model_path(dir))["model"].get<std::string>();
}

ModelFile ModelFile::read(const std::string& dir, const std::string& model) {
  const std::string file = model_path(dir);
  const nlohmann::json j = parse_model_json(file);
  const std::string kind = j["model"].get<std::string>();
  if (!model.empty() && kind != model)
    throw_input_error({file, 0, {}}, fmt::format("holds a '{}' model, expected '{}'", kind, model));
  ModelFile m(kind, {});
  m.file_ = file;
  m.dir_ = dir;
  try {
    m.names_ = j.at("names").get<std::vector<std::string>>();
    m.params_ = j.at("params");
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}},
                      fmt::format("missing or malformed \"names\"/\"params\": {}", e.what()));
  }
  if (m.names_.empty()) throw_input_error({file, 0, {}}, "\"names\" is empty");
  if (!m.params_.is_object()) throw_input_error({file, 0, {}}, "\"params\" is not an object");
  return m;
}

void ModelFile::write(const std::string& dir) const {
  const nlohmann::json j{{"format", "fingen-model"}, {"format_version", kFormatVersion},
                         {"model", model_},          {"fingen_version", FINGEN_VERSION_STRING},
                         {"names", names_},          {"params", params_}};
  write_file_atomic(model_path(dir), j.dump(2) + "\n");
}

const nlohmann::json& ModelFile::get(const std::string& key) const {
  if (!params_.contains(key))
    throw_input_error({file_, 0, {}}, fmt::format("missing parameter \"{}\"", key));
  return params_.at(key);
}

double ModelFile::number(const std::string& key) const {
  const nlohmann::json& v = get(key);
  if (!v.is_number())
    throw_input_error({file_, 0, {}}, fmt::format("parameter \"{}\" is not a number", key));
  const double x = v.get<double>();
  if (!std::isfinite(x))
    throw_input_error({file_, 0, {}}, fmt::format("parameter \"{}\" is not finite", key));
  return x;
}

std::size_t ModelFile::count(const std::string& key) const {
  const nlohmann::json& v = get(key);
  if (!v.is_number_unsigned())
    throw_input_error({file_, 0, {}},
                      fmt::format("parameter \"{}\" is not a non-negative integer", key));
  return v.get<std::size_t>();
}

std::string ModelFile::text(const std::string& key) const {
  const nlohmann::json& v = get(key);
  if (!v.is_string())
    throw_input_error({file_, 0, {}}, fmt::format("parameter \"{}\" is not a string", key));
  return v.get<std::string>();
}

std::string ModelFile::resolve(const std::string& name, const std::string& what) const {
  try {
    validate_name(name, what);
  } catch (const Error& e) {
    throw_input_error({file_, 0, {}},
                      fmt::format("{} (a data file must be a plain file name inside the model "
                                  "directory)",
                                  e.what()));
  }
  return dir_ + "/" + name;
}

std::string ModelFile::data_file(const std::string& key) const {
  return resolve(text(key), fmt::format("parameter \"{}\"", key));
}

Eigen::VectorXd ModelFile::vector(const std::string& key, std::size_t size) const {
  const nlohmann::json& v = get(key);
  if (!v.is_array() || v.size() != size)
    throw_input_error({file_, 0, {}},
                      fmt::format("parameter \"{}\" should be an array of {} numbers", key, size));
  Eigen::VectorXd out(static_cast<Eigen::Index>(size));
  for (std::size_t i = 0; i < size; ++i) {
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
      throw_input_error({file_, 0, {}},
                        fmt::format("parameter \"{}\"[{}] is not a finite number", key, i));
    out(static_cast<Eigen::Index>(i)) = v[i].get<double>();
  }
  return out;
}

Eigen::MatrixXd ModelFile::matrix(const std::string& key, std::size_t rows,
                                  std::size_t cols) const {
  const nlohmann::json& v = get(key);
  if (!v.is_array() || v.size() != rows)
    throw_input_error({file_, 0, {}},
                      fmt::format("parameter \"{}\" should be a {}x{} matrix", key, rows, cols));
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  for (std::size_t i = 0; i < rows; ++i) {
    if (!v[i].is_array() || v[i].size() != cols)
      throw_input_error(
          {file_, 0, {}},
          fmt::format("parameter \"{}\" row {} should hold {} numbers", key, i, cols));
    for (std::size_t j = 0; j < cols; ++j) {
      if (!v[i][j].is_number() || !std::isfinite(v[i][j].get<double>()))
        throw_input_error(
            {file_, 0, {}},
            fmt::format("parameter \"{}\"[{}][{}] is not a finite number", key, i, j));
      out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v[i][j].get<double>();
    }
  }
  return out;
}

nlohmann::json ModelFile::to_json(const Eigen::MatrixXd& m) {
  nlohmann::json out = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    out.push_back(row);
  }
  return out;
}

nlohmann::json ModelFile::to_json(const Eigen::VectorXd& v) {
  nlohmann::json out = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(v(i));
  return out;
}

}  // namespace fingen::scenario
