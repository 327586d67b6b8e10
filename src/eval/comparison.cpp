#include "fingen/eval/comparison.hpp"

#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"

namespace fingen::eval {
namespace {
using nlohmann::json;
namespace keys = metrics_keys;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

json number_or_null(double v) {
  return std::isfinite(v) ? json(v) : json();
}
double number_or_nan(const json& v) {
  return v.is_number() ? v.get<double>() : kNaN;
}

// The fields of one Curves object in metrics.json, with their JSON keys.
using CurveField = std::vector<double> Curves::*;
const std::vector<std::pair<const char*, CurveField>>& curve_fields() {
  static const std::vector<std::pair<const char*, CurveField>> fields = {
      {"acf_r_real", &Curves::acf_r_real},       {"acf_r", &Curves::acf_r_synthetic},
      {"acf_abs_real", &Curves::acf_abs_real},   {"acf_abs", &Curves::acf_abs_synthetic},
      {"acf_sq_real", &Curves::acf_sq_real},     {"acf_sq", &Curves::acf_sq_synthetic},
      {"leverage_real", &Curves::leverage_real}, {"leverage", &Curves::leverage_synthetic}};
  return fields;
}

json curves_json(const std::vector<Curves>& curves) {
  json per = json::array();
  for (const auto& c : curves) {
    json one = {{"asset", c.asset}};
    for (const auto& [key, field] : curve_fields()) one[key] = c.*field;
    per.push_back(one);
  }
  return per;
}

std::vector<Curves> curves_from_json(const json& per) {
  std::vector<Curves> out;
  for (const auto& one : per) {
    Curves c;
    c.asset = one.at("asset").get<std::string>();
    for (const auto& [key, field] : curve_fields())
      for (const auto& v : one.at(key)) (c.*field).push_back(number_or_nan(v));
    out.push_back(std::move(c));
  }
  return out;
}

// The rows of a metrics.json object, in its key order (that of the first model's metrics).
std::vector<ComparisonRow> rows_from_json(const json& j, const std::vector<std::string>& names) {
  const json& models = j.at(keys::kModels);
  const json targets = j.value(keys::kTargets, json::object());
  std::vector<ComparisonRow> rows;
  for (const auto& [key, first] : models.at(names.front()).items()) {
    ComparisonRow row;
    row.key = key;
    row.distance = !targets.contains(key);
    if (!row.distance) row.target = number_or_nan(targets.at(key));
    for (const auto& name : names)
      row.values.push_back(number_or_nan(models.at(name).value(key, json())));
    row.best = best_in_row(row.values, row.distance, row.target);
    rows.push_back(std::move(row));
  }
  return rows;
}
}  // namespace

std::size_t best_in_row(const std::vector<double>& values, bool distance, double target) {
  auto badness = [&](double v) {
    const double b = distance ? v : std::abs(v - target);
    return std::isfinite(b) ? b : std::numeric_limits<double>::infinity();
  };
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i)
    if (badness(values[i]) < badness(values[best])) best = i;
  return best;
}

std::map<std::string, int> Comparison::rows_won() const {
  std::map<std::string, int> wins;
  if (names.size() < 2) return wins;
  for (const auto& n : names) wins[n] = 0;
  for (const auto& row : rows) ++wins[names[row.best]];
  return wins;
}

Comparison compare_models(const std::vector<std::string>& names,
                          const std::vector<FidelityReport>& reports,
                          double predictive_score_train_on_real) {
  FG_REQUIRE(!reports.empty() && names.size() == reports.size(), "{} names for {} reports",
             names.size(), reports.size());
  Comparison c;
  c.names = names;
  c.predictive_score_train_on_real = predictive_score_train_on_real;
  const auto& first = reports.front().metrics;
  for (const auto& r : reports)
    FG_REQUIRE(r.metrics.size() == first.size(),
               "reports with {} and {} metrics cannot be compared", first.size(), r.metrics.size());
  for (std::size_t m = 0; m < first.size(); ++m) {
    ComparisonRow row;
    row.key = first[m].key;
    row.distance = first[m].is_distance();
    row.target = first[m].target;
    for (const auto& r : reports) row.values.push_back(r.metrics[m].value);
    row.best = best_in_row(row.values, row.distance, row.target);
    c.rows.push_back(std::move(row));
  }
  for (const auto& r : reports) c.curves.push_back(r.curves);
  return c;
}

json metrics_json(const Comparison& c) {
  json models = json::object(), targets = json::object(), curves = json::object();
  for (const auto& n : c.names) models[n] = json::object();
  for (const auto& row : c.rows) {
    for (std::size_t i = 0; i < c.names.size(); ++i)
      models[c.names[i]][row.key] = number_or_null(row.values[i]);
    if (!row.distance) targets[row.key] = row.target;
  }
  for (std::size_t i = 0; i < c.names.size(); ++i) curves[c.names[i]] = curves_json(c.curves[i]);
  return {{keys::kNames, c.names},
          {keys::kTargets, targets},
          {keys::kModels, models},
          {keys::kRowsWon, c.rows_won()},
          {keys::kCurves, curves},
          {keys::kPredictiveTrainOnReal, number_or_null(c.predictive_score_train_on_real)}};
}

Comparison read_metrics_json(const std::string& path, const std::vector<std::string>& names) {
  FG_REQUIRE(!names.empty(), "no model names to read from {}", path);
  try {
    const json j = json::parse(read_file(path));
    Comparison c;
    c.names = names;
    c.rows = rows_from_json(j, names);
    for (const auto& n : names) c.curves.push_back(curves_from_json(j.at(keys::kCurves).at(n)));
    c.predictive_score_train_on_real = number_or_nan(j.value(keys::kPredictiveTrainOnReal, json()));
    return c;
  } catch (const json::exception& e) {
    throw_input_error({path, 0, {}}, fmt::format("not a metrics file: {}", e.what()));
  }
}

}  // namespace fingen::eval
