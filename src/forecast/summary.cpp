// The forecast section of a run: forecast.json, written and read back.
#include "fingen/forecast/summary.hpp"

#include <cmath>
#include <limits>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/json_numbers.hpp"

namespace fingen::forecast {

ForecastSummary summarize(const WalkForwardResult& r, const Dataset& d) {
  ForecastSummary s;
  s.tables = to_json(r);
  for (std::size_t i = 0; i < r.origins.size(); ++i) {
    s.dates.push_back(d.label(r.origins[i] + 1));
    s.actual.push_back(r.actual(static_cast<Eigen::Index>(i), 0));
  }
  for (const auto& m : r.models) {
    s.models.push_back(m.spec.name);
    const Eigen::VectorXd p = m.forecast.point.col(0);
    s.point.emplace_back(p.data(), p.data() + p.size());
    if (s.band_model.empty() && m.forecast.quantiles.size() >= 2) {
      const auto levels = s.tables.at("quantiles").get<std::vector<double>>();
      s.band_model = m.spec.name;
      s.lower_level = levels.front();
      s.upper_level = levels.back();
      const Eigen::VectorXd lo = m.forecast.quantiles.front().col(0),
                            hi = m.forecast.quantiles.back().col(0);
      s.lower.assign(lo.data(), lo.data() + lo.size());
      s.upper.assign(hi.data(), hi.data() + hi.size());
    }
  }
  return s;
}

nlohmann::json to_json(const ForecastSummary& s) {
  nlohmann::json j = {{"tables", s.tables},
                      {"dates", s.dates},
                      {"actual", json_numbers(s.actual)},
                      {"models", s.models},
                      {"band_model", s.band_model},
                      {"lower_level", s.lower_level},
                      {"upper_level", s.upper_level},
                      {"lower", json_numbers(s.lower)},
                      {"upper", json_numbers(s.upper)}};
  j["point"] = nlohmann::json::array();
  for (const auto& p : s.point) j["point"].push_back(json_numbers(p));
  return j;
}

ForecastSummary read_forecast_summary(const std::string& file) {
  ForecastSummary s;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(file));
    s.tables = j.at("tables");
    s.dates = j.at("dates").get<std::vector<std::string>>();
    s.actual = numbers_from_json(j.at("actual"));
    s.models = j.at("models").get<std::vector<std::string>>();
    for (const auto& p : j.at("point")) s.point.push_back(numbers_from_json(p));
    s.band_model = j.at("band_model").get<std::string>();
    s.lower_level = j.at("lower_level").get<double>();
    s.upper_level = j.at("upper_level").get<double>();
    s.lower = numbers_from_json(j.at("lower"));
    s.upper = numbers_from_json(j.at("upper"));
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, fmt::format("not a forecast summary: {}", e.what()));
  }
  FG_CHECK(Input, s.actual.size() == s.dates.size() && s.point.size() == s.models.size(),
           "{}: the forecast series do not match their dates or models", file);
  for (const auto& p : s.point)
    FG_CHECK(Input, p.size() == s.dates.size(), "{}: a model's forecasts do not match the dates",
             file);
  FG_CHECK(Input,
           s.band_model.empty() ||
               (s.lower.size() == s.dates.size() && s.upper.size() == s.dates.size()),
           "{}: the quantile band does not match the dates", file);
  return s;
}

}  // namespace fingen::forecast
