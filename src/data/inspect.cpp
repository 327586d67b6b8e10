#include "fingen/data/inspect.hpp"

#include <cmath>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"

namespace fingen::data {

SeriesSummary summarize_returns(const std::string& name, const std::vector<double>& returns,
                                std::size_t lags) {
  SeriesSummary s;
  s.name = name;
  std::vector<double> r;
  r.reserve(returns.size());
  for (double v : returns)
    if (!std::isnan(v)) r.push_back(v);
  s.returns = r.size();
  if (r.size() < lags + 2) return s;
  s.has_stats = true;
  s.moments = stats::moments(r);
  s.acf1 = stats::acf(r.data(), r.size(), 1)[1];
  std::vector<double> r2(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) r2[i] = r[i] * r[i];
  s.acf1_sq = stats::acf(r2.data(), r2.size(), 1)[1];
  s.jarque_bera = stats::jarque_bera(r.data(), r.size());
  s.ljung_box = stats::ljung_box(r.data(), r.size(), lags);
  return s;
}

namespace {

FileFormat resolve_format(const CsvDocument& doc, const std::string& wanted) {
  if (wanted == "auto") return detect_format(doc);
  if (wanted == "ohlcv") return FileFormat::Ohlcv;
  if (wanted == "panel") return FileFormat::Panel;
  if (wanted == "labelled" || wanted == "labeled" || wanted == "table") return FileFormat::Labelled;
  FG_FAIL(Usage, "unknown format '{}': expected auto, ohlcv, panel or labelled", wanted);
}

// Log returns between consecutive observed prices of one column.
std::vector<double> observed_log_returns(const Eigen::VectorXd& prices) {
  std::vector<double> r;
  double prev = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index i = 0; i < prices.size(); ++i) {
    const double p = prices(i);
    if (std::isnan(p)) continue;
    if (!std::isnan(prev)) r.push_back(std::log(p) - std::log(prev));
    prev = p;
  }
  return r;
}

}  // namespace

InspectReport inspect(const std::string& path, const InspectOptions& options) {
  const CsvDocument doc = CsvDocument::open(path, CsvOptions{options.delimiter()});
  InspectReport report;
  report.file = path;
  report.sha256 = sha256_hex(doc.text());  // the bytes already in memory
  report.format = resolve_format(doc, options.format());
  report.columns = doc.header().size();

  if (report.format == FileFormat::Labelled) {
    const LabelledTable t = read_labelled(doc, TableOptions().delimiter(options.delimiter()));
    report.rows = t.rows();
    report.label = t.label_name;
    report.positive_class = t.positive_class;
    report.positives = t.positives();
    for (const auto& f : t.features) {
      FeatureSummary fs;
      fs.name = f.name;
      fs.categorical = f.categorical;
      if (f.categorical) {
        fs.levels = f.levels.size();
        for (int c : f.codes) fs.missing += c < 0;
      } else {
        std::vector<double> v;
        for (double x : f.numeric) {
          if (std::isnan(x))
            ++fs.missing;
          else
            v.push_back(x);
        }
        if (v.size() >= 2) {
          const stats::Moments m = stats::moments(v);
          fs.mean = m.mean;
          fs.sd = m.sd;
          fs.min = m.min;
          fs.max = m.max;
        }
      }
      report.features.push_back(fs);
    }
    return report;
  }

  const ValueKind kind = options.returns() ? ValueKind::Returns : ValueKind::Prices;
  const Panel p = report.format == FileFormat::Ohlcv ? read_ohlcv(doc, ReadOptions().values(kind))
                                                     : read_panel(doc, ReadOptions().values(kind));
  report.rows = p.rows();
  report.index_kind = p.kind;
  report.first = format_index(p.kind, p.index.front());
  report.last = format_index(p.kind, p.index.back());
  for (std::size_t j = 0; j < p.cols(); ++j) {
    const bool price_series =
        report.format != FileFormat::Ohlcv || p.names[j] == "close" || p.names[j] == "adjusted";
    const Eigen::VectorXd col = p.values.col(static_cast<Eigen::Index>(j));
    SeriesSummary s;
    if (price_series) {
      const std::vector<double> r = options.returns()
                                        ? std::vector<double>(col.data(), col.data() + col.size())
                                        : observed_log_returns(col);
      s = summarize_returns(p.names[j], r, options.lags());
    }
    s.name = p.names[j];
    s.missing = p.missing(j);
    s.observations = p.rows() - s.missing;
    report.series.push_back(s);
  }
  return report;
}

using nlohmann::json;

namespace {
nlohmann::json test_json(const stats::TestResult& t) {
  return {{"statistic", t.statistic}, {"df", t.df}, {"p_value", t.p_value}};
}
}  // namespace

nlohmann::json to_json(const InspectReport& r, std::size_t lags) {
  json j{{"file", r.file},
         {"sha256", r.sha256},
         {"format", to_string(r.format)},
         {"rows", r.rows},
         {"columns", r.columns}};
  if (r.format == FileFormat::Labelled) {
    j["label"] = {
        {"column", r.label},
        {"positive_class", r.positive_class},
        {"positives", r.positives},
        {"positive_rate", static_cast<double>(r.positives) / static_cast<double>(r.rows)}};
    json features = json::array();
    for (const auto& f : r.features) {
      json fj{{"name", f.name},
              {"type", f.categorical ? "categorical" : "numeric"},
              {"missing", f.missing}};
      if (f.categorical)
        fj["levels"] = f.levels;
      else
        fj.update({{"mean", f.mean}, {"sd", f.sd}, {"min", f.min}, {"max", f.max}});
      features.push_back(fj);
    }
    j["features"] = features;
    return j;
  }
  j["index"] = {{"kind", to_string(r.index_kind)}, {"first", r.first}, {"last", r.last}};
  json series = json::array();
  for (const auto& s : r.series) {
    json sj{{"name", s.name}, {"observations", s.observations}, {"missing", s.missing}};
    if (s.has_stats) {
      const auto& m = s.moments;
      sj["log_returns"] = {{"n", m.n},
                           {"mean", m.mean},
                           {"sd", m.sd},
                           {"skewness", m.skewness},
                           {"excess_kurtosis", m.excess_kurtosis},
                           {"min", m.min},
                           {"max", m.max},
                           {"acf1", s.acf1},
                           {"acf1_squared", s.acf1_sq},
                           {"jarque_bera", test_json(s.jarque_bera)},
                           {"ljung_box", test_json(s.ljung_box)}};
      sj["log_returns"]["ljung_box"]["lags"] = lags;
    } else {
      sj["log_returns"] = nullptr;
    }
    series.push_back(sj);
  }
  j["series"] = series;
  return j;
}

}  // namespace fingen::data
