#include "fingen/report/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/load.hpp"
#include "fingen/eval/classification.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/stats/descriptive.hpp"

#ifndef FINGEN_INSTALLED_VEGA_DIR
#define FINGEN_INSTALLED_VEGA_DIR ""
#endif
#ifndef FINGEN_VEGA_DIR
#define FINGEN_VEGA_DIR ""
#endif

namespace fingen::report {
namespace {
using nlohmann::json;

const char* const kRealSeries = "real (held out)";

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

json read_json(const std::string& path) {
  try {
    return json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw_input_error({path, 0, {}}, fmt::format("invalid JSON: {}", e.what()));
  }
}

// Held-out real log returns of the run's data, read exactly as `fingen evaluate` reads them.
Panel held_out(const json& manifest) {
  const json data = manifest.value("config_content", json::object()).value("data", json::object());
  return data::load_returns({manifest.at("data").at("file").get<std::string>(),
                             data.value("series", std::vector<std::string>{}),
                             data.value("returns", false), "log",
                             manifest.at("test_start").get<std::string>(), ""});
}

struct Chart {
  std::string title;
  json spec;
};

json line_layer(const std::string& x, const std::string& y, const std::string& color,
                const json& extra = json::object()) {
  json enc = {{"x", {{"field", x}, {"type", "quantitative"}}},
              {"y", {{"field", y}, {"type", "quantitative"}}},
              {"color", {{"field", color}, {"type", "nominal"}}}};
  enc.update(extra);
  return enc;
}

// One line per `series` of `values`, 800 pixels wide.
Chart line_chart(const std::string& title, const json& values, const std::string& x,
                 const std::string& y, int height, const json& mark = "line") {
  return {title,
          {{"data", {{"values", values}}},
           {"mark", mark},
           {"encoding", line_layer(x, y, "series")},
           {"width", 800},
           {"height", height}}};
}

std::vector<double> first_series(const Panel& real) {
  return std::vector<double>(real.values.col(0).data(), real.values.col(0).data() + real.rows());
}

// The first asset's daily returns of every path, pooled.
std::vector<double> pooled_first_asset(const Scenarios& s) {
  std::vector<double> day;
  day.reserve(s.paths * s.horizon);
  for (std::size_t t = 0; t < s.horizon; ++t)
    for (std::size_t p = 0; p < s.paths; ++p) day.push_back(s.at(p, t, 0));
  return day;
}

// --- Distributions of the first asset: sample paths, fan chart, density, QQ. ---

// The rows of the four distribution charts: the held-out real series, then model by model.
class Distributions {
 public:
  explicit Distributions(const Panel& real) : real_sorted_(first_series(real)) {
    std::sort(real_sorted_.begin(), real_sorted_.end());
    lo_ = stats::quantile_sorted(real_sorted_.data(), real_sorted_.size(), 0.001);
    hi_ = stats::quantile_sorted(real_sorted_.data(), real_sorted_.size(), 0.999);
    add_real_path(real);
    add_density(real_sorted_, kRealSeries);
  }

  void add_model(const std::string& name, const Scenarios& s) {
    add_sample_paths(name, s);
    add_fan(name, s);
    std::vector<double> day = pooled_first_asset(s);
    add_density(day, name);
    std::sort(day.begin(), day.end());
    add_qq(name, day);
  }

  Chart sample_paths_chart(const std::string& asset) const;
  Chart fan_chart() const;
  Chart density_chart() const {
    return line_chart("Daily return density: held-out real vs each model", dens_, "return",
                      "density", 300);
  }
  Chart qq_chart() const;

 private:
  void add_real_path(const Panel& real);
  void add_sample_paths(const std::string& name, const Scenarios& s);
  void add_fan(const std::string& name, const Scenarios& s);
  void add_density(const std::vector<double>& x, const std::string& who);
  void add_qq(const std::string& name, const std::vector<double>& day_sorted);

  static constexpr int kBins = 60;
  std::vector<double> real_sorted_;
  double lo_ = 0, hi_ = 0;  ///< the density's range: 0.1% and 99.9% quantiles of the real returns
  json paths_ = json::array(), fan_ = json::array(), dens_ = json::array(), qq_ = json::array();
};

void Distributions::add_real_path(const Panel& real) {
  double c = 0;
  for (std::size_t t = 0; t < real.rows(); ++t) {
    c += real.values(static_cast<Eigen::Index>(t), 0);
    paths_.push_back({{"step", t + 1},
                      {"cumulative_return", std::expm1(c)},
                      {"series", kRealSeries},
                      {"path", -1}});
  }
}

// The first 20 paths' cumulative returns.
void Distributions::add_sample_paths(const std::string& name, const Scenarios& s) {
  const std::size_t show = std::min<std::size_t>(20, s.paths);
  for (std::size_t p = 0; p < show; ++p) {
    double c = 0;
    for (std::size_t t = 0; t < s.horizon; ++t) {
      c += s.at(p, t, 0);
      paths_.push_back(
          {{"step", t + 1}, {"cumulative_return", std::expm1(c)}, {"series", name}, {"path", p}});
    }
  }
}

// Quantiles of the cumulative return over the paths at each step.
void Distributions::add_fan(const std::string& name, const Scenarios& s) {
  std::vector<double> cum(s.paths, 0.0);
  for (std::size_t t = 0; t < s.horizon; ++t) {
    for (std::size_t p = 0; p < s.paths; ++p) cum[p] += s.at(p, t, 0);
    std::vector<double> sorted = cum;
    std::sort(sorted.begin(), sorted.end());
    auto q = [&](double pr) {
      return std::expm1(stats::quantile_sorted(sorted.data(), sorted.size(), pr));
    };
    fan_.push_back({{"model", name},
                    {"step", t + 1},
                    {"q05", q(0.05)},
                    {"q25", q(0.25)},
                    {"q50", q(0.5)},
                    {"q75", q(0.75)},
                    {"q95", q(0.95)}});
  }
}

// Histogram density on kBins bins over [lo, hi); values outside are left out.
void Distributions::add_density(const std::vector<double>& x, const std::string& who) {
  std::vector<double> count(kBins, 0.0);
  const double width = (hi_ - lo_) / kBins;
  for (double v : x) {
    const auto b = static_cast<long>(std::floor((v - lo_) / width));
    if (b >= 0 && b < kBins) count[static_cast<std::size_t>(b)] += 1;
  }
  for (int b = 0; b < kBins; ++b)
    dens_.push_back(
        {{"return", lo_ + (b + 0.5) * width},
         {"density", count[static_cast<std::size_t>(b)] / (static_cast<double>(x.size()) * width)},
         {"series", who}});
}

// The model's 1%..99% quantiles against the real ones.
void Distributions::add_qq(const std::string& name, const std::vector<double>& day_sorted) {
  for (int i = 1; i < 100; ++i) {
    const double pr = i / 100.0;
    qq_.push_back({{"real", stats::quantile_sorted(real_sorted_.data(), real_sorted_.size(), pr)},
                   {"synthetic", stats::quantile_sorted(day_sorted.data(), day_sorted.size(), pr)},
                   {"model", name}});
  }
}

Chart Distributions::sample_paths_chart(const std::string& asset) const {
  return {
      fmt::format("Sample paths: cumulative return of {} (20 per model) and the held-out real path",
                  asset),
      {{"data", {{"values", paths_}}},
       {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
       {"encoding", line_layer("step", "cumulative_return", "series",
                               {{"detail", {{"field", "path"}, {"type", "nominal"}}},
                                {"opacity",
                                 {{"condition", {{"test", "datum.path < 0"}, {"value", 1}}},
                                  {"value", 0.35}}}})},
       {"width", 800},
       {"height", 320}}};
}

// An x/y(/y2) encoding of quantitative fields.
json xy_encoding(const std::string& x, const std::string& y, const json& y_extra = json::object()) {
  json y_enc = {{"field", y}, {"type", "quantitative"}};
  y_enc.update(y_extra);
  return {{"x", {{"field", x}, {"type", "quantitative"}}}, {"y", y_enc}};
}

// A band between two quantile fields.
json fan_band(const std::string& low, const std::string& high, double opacity,
              const json& y_extra = json::object()) {
  json enc = xy_encoding("step", low, y_extra);
  enc["y2"] = {{"field", high}};
  return {{"mark", {{"type", "area"}, {"opacity", opacity}}}, {"encoding", enc}};
}

Chart Distributions::fan_chart() const {
  const json layers = json::array({fan_band("q05", "q95", 0.25, {{"title", "cumulative return"}}),
                                   fan_band("q25", "q75", 0.45),
                                   {{"mark", "line"}, {"encoding", xy_encoding("step", "q50")}}});
  return {"Fan chart: 5/25/50/75/95% quantiles of the cumulative return per model",
          {{"data", {{"values", fan_}}},
           {"facet", {{"field", "model"}, {"type", "nominal"}}},
           {"columns", 2},
           {"spec", {{"width", 360}, {"height", 200}, {"layer", layers}}}}};
}

Chart Distributions::qq_chart() const {
  const json diagonal = {{"mark", {{"type", "line"}, {"color", "gray"}, {"strokeDash", {4, 4}}}},
                         {"encoding", xy_encoding("real", "real")}};
  return {"QQ plot: model quantiles against held-out real quantiles (1%..99%)",
          {{"data", {{"values", qq_}}},
           {"layer", json::array({{{"mark", {{"type", "point"}, {"size", 18}}},
                                   {"encoding", line_layer("real", "synthetic", "model")}},
                                  diagonal})},
           {"width", 500},
           {"height", 400}}};
}

// --- Dependence in time, from metrics.json: ACF of |r| and the leverage effect. ---

std::vector<Chart> curve_charts(const std::vector<std::string>& names,
                                const eval::Comparison& metrics) {
  json acf = json::array(), lev = json::array();
  auto push = [](json& arr, const std::vector<double>& curve, const std::string& who) {
    for (std::size_t k = 0; k < curve.size(); ++k)
      arr.push_back({{"lag", k + 1}, {"value", curve[k]}, {"series", who}});
  };
  bool real_added = false;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (metrics.curves[i].empty()) continue;
    const eval::Curves& c = metrics.curves[i].front();  // the first asset
    if (!real_added) {
      push(acf, c.acf_abs_real, kRealSeries);
      push(lev, c.leverage_real, kRealSeries);
      real_added = true;
    }
    push(acf, c.acf_abs_synthetic, names[i]);
    push(lev, c.leverage_synthetic, names[i]);
  }
  return {line_chart("Volatility clustering: ACF of |r|", acf, "lag", "value", 280),
          line_chart("Leverage effect: corr(r_t, r_{t+k}^2)", lev, "lag", "value", 280)};
}

// --- GAN training losses (models/NAME/train_log.csv: step, discriminator, generator). ---

json gan_losses(const RunData& run) {
  json losses = json::array();
  for (const auto& [name, log] : run.training)
    for (const auto& r : log) {
      if (!std::isfinite(r.d_loss) || !std::isfinite(r.g_loss)) continue;
      const double step = static_cast<double>(r.step);
      losses.push_back({{"step", step}, {"loss", r.d_loss}, {"series", name + " discriminator"}});
      losses.push_back({{"step", step}, {"loss", r.g_loss}, {"series", name + " generator"}});
    }
  return losses;
}

// --- The VaR backtest: daily losses, VaR and exceptions; the test table. ---

// A layer of points or a line over the dates.
json dated_layer(const std::string& y, const json& mark) {
  return {{"mark", mark},
          {"encoding",
           {{"x", {{"field", "date"}, {"type", "temporal"}}},
            {"y", {{"field", y}, {"type", "quantitative"}}}}}};
}

Chart var_backtest_chart(const std::vector<risk::VarBacktestDayRecord>& days) {
  json bt = json::array();
  for (const auto& d : days)
    bt.push_back({{"model", d.model},
                  {"date", d.date},
                  {"loss", d.loss},
                  {"var", d.var},
                  {"exception", d.exception}});
  json exceptions = dated_layer("loss", {{"type", "point"}, {"size", 14}, {"color", "red"}});
  exceptions["transform"] = json::array({{{"filter", "datum.exception"}}});
  const json layers =
      json::array({dated_layer("loss", {{"type", "point"}, {"size", 4}, {"color", "#bbb"}}),
                   dated_layer("var", {{"type", "line"}, {"strokeWidth", 1}}), exceptions});
  return {"VaR backtest: daily loss (grey), VaR forecast (line) and exceptions (red)",
          {{"data", {{"values", bt}}},
           {"facet", {{"row", {{"field", "model"}, {"type", "nominal"}}}}},
           {"spec", {{"width", 800}, {"height", 120}, {"layer", layers}}}}};
}

// The test results of the VaR backtest as an HTML table.
std::string backtest_table(const std::vector<risk::VarBacktestSummary>& tests) {
  std::string table =
      "<table><tr><th>model</th><th>days</th><th>exceptions</th><th>expected</th><th>p "
      "Kupiec</th><th>p independence</th><th>p cond. coverage</th><th>zone</th><th>passes "
      "(5%)</th></tr>";
  for (const auto& r : tests)
    table += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.4f}</td><td>{:.4f}</"
        "td><td>{:.4f}</td><td>{}</td><td>{}</td></tr>",
        escape_html(r.model), r.days, r.exceptions, r.expected, r.p_kupiec, r.p_independence,
        r.p_conditional_coverage, escape_html(r.zone), r.passes ? "yes" : "no");
  return table + "</table>";
}

// --- The metrics table: best per row in bold (eval::best_in_row). ---

std::string number_cell(double v, const char* missing) {
  return std::isfinite(v) ? fmt::format("{:.5g}", v) : missing;
}

// Rows sorted by metric name (the order of metrics.json), whichever order the comparison has.
std::string metrics_table(const eval::Comparison& metrics) {
  const auto& names = metrics.names;
  std::string table = "<table><tr><th>metric</th><th>real</th>";
  for (const auto& n : names) table += "<th>" + escape_html(n) + "</th>";
  table += "</tr>";
  std::vector<const eval::ComparisonRow*> rows;
  for (const auto& row : metrics.rows) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto* a, const auto* b) { return a->key < b->key; });
  for (const auto* r : rows) {
    const eval::ComparisonRow& row = *r;
    table +=
        "<tr><td>" + escape_html(row.key) + "</td><td>" + number_cell(row.target, "-") + "</td>";
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string text = number_cell(row.values[i], "n/a");
      table += i == row.best && names.size() > 1 ? "<td><b>" + text + "</b></td>"
                                                 : "<td>" + text + "</td>";
    }
    table += "</tr>";
  }
  return table + "</table>";
}

// --- Trading: the strategy's equity gross and net against buy-and-hold, its drawdown, and the
// Sharpe ratio over each model's synthetic markets with the historical value marked. ---

std::vector<Chart> trading_charts(const trading::TradingSummary& t) {
  json eq = json::array(), dd = json::array();
  const std::pair<const char*, const std::vector<double>*> curves[] = {
      {"strategy gross", &t.gross}, {"strategy net", &t.net}, {"buy-and-hold net", &t.hold_net}};
  for (const auto& [name, curve] : curves) {
    double peak = 0;
    for (std::size_t k = 0; k < t.dates.size(); ++k) {
      const double e = (*curve)[k];
      peak = std::max(peak, e);
      eq.push_back({{"date", t.dates[k]}, {"equity", e}, {"series", name}});
      if (std::string(name) != "strategy gross")
        dd.push_back(
            {{"date", t.dates[k]}, {"drawdown", peak > 0 ? e / peak - 1 : 0.0}, {"series", name}});
    }
  }
  auto dated = [](const json& values, const std::string& y, int height) {
    return json{{"data", {{"values", values}}},
                {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
                {"encoding",
                 {{"x", {{"field", "date"}, {"type", "temporal"}}},
                  {"y", {{"field", y}, {"type", "quantitative"}}},
                  {"color", {{"field", "series"}, {"type", "nominal"}}}}},
                {"width", 800},
                {"height", height}};
  };
  std::vector<Chart> charts = {
      {fmt::format("Trading: {} equity, gross and net of costs, and buy-and-hold", t.strategy),
       dated(eq, "equity", 260)},
      {"Trading: drawdown (net)", dated(dd, "drawdown", 160)}};
  if (t.sources.empty()) return charts;
  json hist = json::array(), marks = json::array();
  for (const auto& s : t.sources) {
    for (double v : s.sharpe)
      if (std::isfinite(v)) hist.push_back({{"sharpe", v}, {"model", s.name}});
    if (std::isfinite(s.sharpe_distribution.historical))
      marks.push_back({{"sharpe", s.sharpe_distribution.historical}, {"model", s.name}});
  }
  // Facets need one data source: the histogram's, with the historical value on every row.
  json values = hist;
  for (const auto& m : marks)
    values.push_back({{"historical", m.at("sharpe")}, {"model", m.at("model")}});
  const json spec = {
      {"data", {{"values", values}}},
      {"facet", {{"row", {{"field", "model"}, {"type", "nominal"}}}}},
      {"spec",
       {{"width", 800},
        {"height", 120},
        {"layer",
         json::array(
             {{{"mark", "bar"},
               {"encoding",
                {{"x",
                  {{"field", "sharpe"},
                   {"type", "quantitative"},
                   {"bin", {{"maxbins", 40}}},
                   {"title", "net Sharpe ratio of a synthetic market"}}},
                 {"y", {{"aggregate", "count"}, {"type", "quantitative"}}}}}},
              {{"mark", {{"type", "rule"}, {"color", "red"}, {"strokeWidth", 2}}},
               {"encoding", {{"x", {{"field", "historical"}, {"type", "quantitative"}}}}}}})}}}};
  charts.push_back(
      {"Trading: the strategy's Sharpe ratio over each model's synthetic markets "
       "(red: the historical value)",
       spec});
  return charts;
}

std::string trading_table(const trading::TradingSummary& t) {
  std::string table =
      "<table><tr><th>metric</th><th>strategy gross</th><th>strategy "
      "net</th><th>buy-and-hold net</th></tr>";
  for (const auto& name : trading::metric_names()) {
    table += "<tr><td>" + escape_html(name) + "</td>";
    for (const auto* m : {&t.gross_metrics, &t.net_metrics, &t.hold_net_metrics})
      table += "<td>" + number_cell(trading::metric_value(*m, name), "n/a") + "</td>";
    table += "</tr>";
  }
  table += "</table>";
  for (const auto& s : t.sources) table += "<p>" + escape_html(s.sentence) + ".</p>";
  return table;
}

// --- Portfolios: the frontier with each optimiser on it, the weights, the out-of-sample equity.
// ---

std::vector<Chart> portfolio_charts(const portfolio::PortfolioSummary& p) {
  json fr = json::array(), pts = json::array(), w = json::array(), eq = json::array();
  for (const auto& f : p.frontier) fr.push_back({{"sd", f.sd}, {"mean", f.mean}});
  for (const auto& h : p.historical)
    pts.push_back({{"sd", h.sd}, {"mean", h.mean}, {"portfolio", h.method}});
  auto weights = [&](const std::string& label, const std::vector<double>& x) {
    for (std::size_t i = 0; i < x.size() && i < p.assets.size(); ++i)
      w.push_back({{"asset", p.assets[i]}, {"weight", x[i]}, {"portfolio", label}});
  };
  for (const auto& h : p.historical) weights(h.method, h.weights);
  for (const auto& [model, q] : p.by_model) weights("mean_cvar on " + model, q.weights);
  for (const auto& b : p.backtest)
    for (std::size_t k = 0; k < b.equity.size() && k < p.dates.size(); ++k)
      eq.push_back({{"date", p.dates[k]}, {"equity", b.equity[k]}, {"series", b.method}});
  const json frontier = {
      {"layer",
       json::array(
           {{{"data", {{"values", fr}}},
             {"mark", {{"type", "line"}, {"color", "#888"}}},
             {"encoding",
              {{"x", {{"field", "sd"}, {"type", "quantitative"}, {"title", "sd per day"}}},
               {"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", "mean per day"}}}}}},
            {{"data", {{"values", pts}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 80}}},
             {"encoding",
              {{"x", {{"field", "sd"}, {"type", "quantitative"}}},
               {"y", {{"field", "mean"}, {"type", "quantitative"}}},
               {"color", {{"field", "portfolio"}, {"type", "nominal"}}}}}}})},
      {"width", 600},
      {"height", 300}};
  const json bars = {{"data", {{"values", w}}},
                     {"mark", "bar"},
                     {"encoding",
                      {{"x", {{"field", "asset"}, {"type", "nominal"}}},
                       {"xOffset", {{"field", "portfolio"}, {"type", "nominal"}}},
                       {"y", {{"field", "weight"}, {"type", "quantitative"}}},
                       {"color", {{"field", "portfolio"}, {"type", "nominal"}}}}},
                     {"width", 800},
                     {"height", 260}};
  const json equity = {{"data", {{"values", eq}}},
                       {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
                       {"encoding",
                        {{"x", {{"field", "date"}, {"type", "temporal"}}},
                         {"y", {{"field", "equity"}, {"type", "quantitative"}}},
                         {"color", {{"field", "series"}, {"type", "nominal"}}}}},
                       {"width", 800},
                       {"height", 260}};
  return {
      {fmt::format("Portfolios: the efficient frontier of {} and each optimiser", p.estimated_on),
       frontier},
      {"Portfolios: weights (on the training data, and mean-CVaR over each model's scenarios)",
       bars},
      {fmt::format("Portfolios: out-of-sample equity net of costs (estimates from {} bars, "
                   "rebalanced every {})",
                   p.window, p.every),
       equity}};
}

std::string portfolio_table(const portfolio::PortfolioSummary& p) {
  std::string t =
      "<table><tr><th>method</th><th>return/y</th><th>vol/y</th><th>Sharpe net</th><th>Sharpe "
      "gross</th><th>max drawdown</th><th>" +
      fmt::format("CVaR {:.0f}%", 100 * (1 - p.alpha)) +
      "</th><th>turnover/y</th><th>rebalances</th></tr>";
  for (const auto& b : p.backtest)
    t += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}"
        "</td><td>{}</td></tr>",
        escape_html(b.method), number_cell(b.net.annual_return, "n/a"),
        number_cell(b.net.annual_volatility, "n/a"), number_cell(b.net.sharpe, "n/a"),
        number_cell(b.gross.sharpe, "n/a"), number_cell(b.net.max_drawdown, "n/a"),
        number_cell(b.realised_cvar, "n/a"), number_cell(b.net.turnover, "n/a"), b.rebalances);
  t += "</table><p>Weights:</p><table><tr><th>portfolio</th>";
  for (const auto& a : p.assets) t += "<th>" + escape_html(a) + "</th>";
  t += "</tr>";
  auto row = [&](const std::string& label, const std::vector<double>& w) {
    t += "<tr><td>" + escape_html(label) + "</td>";
    for (double v : w) t += "<td>" + number_cell(v, "n/a") + "</td>";
    t += "</tr>";
  };
  for (const auto& h : p.historical) row(h.method + " (" + p.estimated_on + ")", h.weights);
  for (const auto& [model, q] : p.by_model) row("mean_cvar on " + model + " scenarios", q.weights);
  t += "</table>";
  for (const auto& [model, r] : p.screens) {
    t += fmt::format(
        "<p>Screen under the {} scenarios: {} candidates, the best {} that passed "
        "(buy and hold over the horizon):</p>",
        escape_html(model), r.evaluated, r.passed.size());
    t += fmt::format(
        "<table><tr><th>candidate</th><th>expected return</th><th>CVaR {:.0f}%</th>"
        "<th>Sharpe</th><th>P(drawdown)</th>",
        100 * (1 - p.alpha));
    for (const auto& a : p.assets) t += "<th>" + escape_html(a) + "</th>";
    t += "<th>why it passed</th></tr>";
    for (const auto& c : r.passed) {
      t += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                       escape_html(c.label), number_cell(c.expected_return, "n/a"),
                       number_cell(c.cvar, "n/a"), number_cell(c.sharpe, "n/a"),
                       number_cell(c.drawdown_probability, "n/a"));
      for (double v : c.weights) t += "<td>" + number_cell(v, "n/a") + "</td>";
      t += "<td>" + escape_html(fmt::format("{}", fmt::join(c.checks, "; "))) + "</td></tr>";
    }
    t += "</table>";
  }
  return t;
}

// --- Forecasts: one step ahead against the realised values, the accuracy and DM table. ---

std::vector<Chart> forecast_charts(const forecast::ForecastSummary& f) {
  json rows = json::array(), band = json::array();
  for (std::size_t i = 0; i < f.dates.size(); ++i) {
    if (std::isfinite(f.actual[i]))
      rows.push_back({{"date", f.dates[i]}, {"value", f.actual[i]}, {"series", "realised"}});
    for (std::size_t m = 0; m < f.models.size(); ++m)
      rows.push_back({{"date", f.dates[i]}, {"value", f.point[m][i]}, {"series", f.models[m]}});
    if (!f.band_model.empty())
      band.push_back({{"date", f.dates[i]}, {"lower", f.lower[i]}, {"upper", f.upper[i]}});
  }
  const json x = {{"field", "date"}, {"type", "temporal"}, {"title", nullptr}};
  json layers = json::array();
  if (!band.empty())
    layers.push_back({{"data", {{"values", band}}},
                      {"mark", {{"type", "area"}, {"opacity", 0.25}, {"color", "#888"}}},
                      {"encoding",
                       {{"x", x},
                        {"y", {{"field", "lower"}, {"type", "quantitative"}}},
                        {"y2", {{"field", "upper"}}}}}});
  layers.push_back(
      {{"data", {{"values", rows}}},
       {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
       {"encoding",
        {{"x", x},
         {"y",
          {{"field", "value"}, {"type", "quantitative"}, {"title", f.tables.value("kind", "")}}},
         {"color", {{"field", "series"}, {"type", "nominal"}}}}}});
  const std::string band_text = f.band_model.empty()
                                    ? std::string()
                                    : fmt::format(" (grey: the {:g}-{:g} quantile band of {})",
                                                  f.lower_level, f.upper_level, f.band_model);
  return {{"Forecasts one step ahead against the realised " + f.tables.value("kind", "target") +
               band_text,
           {{"width", 900}, {"height", 300}, {"layer", layers}}}};
}

std::string forecast_table(const forecast::ForecastSummary& f) {
  const json& t = f.tables;
  std::vector<std::string> bench;
  for (const auto& d : t.at("dm"))
    if (std::find(bench.begin(), bench.end(), d.at("benchmark").get<std::string>()) == bench.end())
      bench.push_back(d.at("benchmark").get<std::string>());
  auto cell = [](const json& v) {
    return v.is_number() ? number_cell(v.get<double>(), "n/a") : std::string("n/a");
  };
  std::string s = fmt::format(
      "<p>{} of {}: {} forecast origins {} .. {}, horizon {}; Diebold–Mariano p-values (two-sided, "
      "squared errors, HLN correction) at horizon 1, with the sign of the statistic (- = more "
      "accurate than the benchmark).</p>",
      escape_html(t.value("kind", "")), escape_html(t.value("target", "")), t.value("origins", 0),
      escape_html(t.value("first_origin", "")), escape_html(t.value("last_origin", "")),
      t.value("horizon", 1));
  s += "<table><tr><th>model</th><th>MAE</th><th>RMSE</th><th>MASE</th><th>directional</th>"
       "<th>pinball</th><th>coverage</th>";
  for (const auto& b : bench) s += "<th>DM vs " + escape_html(b) + "</th>";
  s += "</tr>";
  for (const auto& m : t.at("models")) {
    const json& a = m.at("overall");
    const std::string name = m.at("name").get<std::string>();
    s += "<tr><td>" + escape_html(name) + "</td><td>" + cell(a.at("mae")) + "</td><td>" +
         cell(a.at("rmse")) + "</td><td>" + cell(a.at("mase")) + "</td><td>" +
         cell(a.at("directional")) + "</td><td>" + cell(a.at("pinball")) + "</td><td>" +
         cell(a.at("coverage")) + "</td>";
    for (const auto& b : bench) {
      std::string c;
      for (const auto& d : t.at("dm"))
        if (d.at("model") == name && d.at("benchmark") == b && d.at("horizon") == 1)
          c = d.at("p_value").is_number()
                  ? fmt::format("{:.3f} ({})", d.at("p_value").get<double>(),
                                d.at("statistic").get<double>() < 0 ? '-' : '+')
                  : "n/a";
      s += "<td>" + escape_html(c) + "</td>";
    }
    s += "</tr>";
  }
  return s + "</table>";
}

// --- Credit and fraud: out-of-fold ROC and precision-recall curves, score histograms. ---

std::string credit_label(const credit::CvResult& r) {
  return r.oversampling == "none" ? r.name : r.name + " + " + r.oversampling;
}

std::vector<Chart> credit_charts(const credit::EvaluateReport& c) {
  json roc = json::array(), pr = json::array(), hist = json::array();
  for (const auto& r : c.results) {
    const auto pts = eval::curve(r.oof, c.labels);
    // At most ~300 points per curve: every k-th, and the last.
    const std::size_t step = std::max<std::size_t>(1, pts.size() / 300);
    const std::string label = credit_label(r);
    for (std::size_t i = 0; i < pts.size(); i += step) {
      roc.push_back({{"fpr", pts[i].fpr}, {"tpr", pts[i].recall}, {"model", label}, {"i", i}});
      if (i > 0)
        pr.push_back({{"recall", pts[i].recall},
                      {"precision", pts[i].precision},
                      {"model", label},
                      {"i", i}});
      if (i + step >= pts.size() && i + 1 != pts.size()) i = pts.size() - 1 - step;
    }
    if (r.oversampling != "none") continue;
    // Histograms of each model's score percentile (scores of different models are on different
    // scales), by class: the share of each class's rows in each of 20 bins.
    std::vector<std::size_t> order(r.oof.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r.oof[a] < r.oof[b]; });
    constexpr int kBins = 20;
    std::vector<double> counts[2] = {std::vector<double>(kBins, 0), std::vector<double>(kBins, 0)};
    double n[2] = {0, 0};
    for (std::size_t k = 0; k < order.size(); ++k) {
      const int cls = c.labels[order[k]] ? 1 : 0;
      const int bin = std::min(kBins - 1, static_cast<int>(kBins * static_cast<double>(k) /
                                                           static_cast<double>(order.size())));
      counts[cls][static_cast<std::size_t>(bin)] += 1;
      n[cls] += 1;
    }
    for (int cls : {0, 1})
      for (int b = 0; b < kBins; ++b)
        hist.push_back({{"model", label},
                        {"percentile", (b + 0.5) / kBins},
                        {"share", counts[cls][static_cast<std::size_t>(b)] / std::max(1.0, n[cls])},
                        {"class", cls ? c.positive : "other"}});
  }
  auto lines = [](const json& values, const char* x, const char* y, const char* xt,
                  const char* yt) {
    return json{{"width", 600},
                {"height", 320},
                {"data", {{"values", values}}},
                {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
                {"encoding",
                 {{"x", {{"field", x}, {"type", "quantitative"}, {"title", xt}}},
                  {"y", {{"field", y}, {"type", "quantitative"}, {"title", yt}}},
                  {"order", {{"field", "i"}, {"type", "quantitative"}}},
                  {"color", {{"field", "model"}, {"type", "nominal"}}}}}};
  };
  const json histogram = {
      {"data", {{"values", hist}}},
      {"facet", {{"field", "model"}, {"type", "nominal"}, {"title", nullptr}}},
      {"columns", 3},
      {"spec",
       {{"width", 260},
        {"height", 140},
        {"mark", {{"type", "bar"}, {"opacity", 0.6}}},
        {"encoding",
         {{"x",
           {{"field", "percentile"},
            {"type", "quantitative"},
            {"bin", {{"step", 0.05}}},
            {"title", "score percentile"}}},
          {"y", {{"field", "share"}, {"type", "quantitative"}, {"stack", nullptr}}},
          {"color", {{"field", "class"}, {"type", "nominal"}}}}}}}};
  const std::string of = fmt::format(" (out-of-fold scores, first repeat; {} of {} rows positive)",
                                     c.positives, c.rows);
  // Calibration of the supervised models' probabilities: observed share against mean predicted.
  json cal = json::array();
  for (const auto& r : c.results)
    if (r.supervised)
      for (const auto& b : eval::calibration(r.oof, c.labels, 10))
        if (b.n > 0)
          cal.push_back({{"predicted", b.mean_predicted},
                         {"observed", b.observed},
                         {"model", credit_label(r)},
                         {"i", b.lower}});
  cal.push_back({{"predicted", 0}, {"observed", 0}, {"model", "perfect"}, {"i", 0}});
  cal.push_back({{"predicted", 1}, {"observed", 1}, {"model", "perfect"}, {"i", 1}});
  return {{"Credit / fraud: ROC curves" + of,
           lines(roc, "fpr", "tpr", "false-positive rate", "true-positive rate (recall)")},
          {"Credit / fraud: precision-recall curves" + of,
           lines(pr, "recall", "precision", "recall", "precision")},
          {"Credit / fraud: score percentiles by class (a model that separates the classes puts "
           "the positives at the right)",
           histogram},
          {"Credit / fraud: calibration of the probabilities" + of +
               " (oversampled models are trained on more positives than the data has, so they "
               "overstate the probability)",
           lines(cal, "predicted", "observed", "mean predicted probability (decile bins)",
                 "observed share of positives")}};
}

std::string credit_table(const credit::EvaluateReport& c) {
  std::string s = fmt::format(
      "<p>{}: {} rows, {} positive ('{}' of {}); {} x {}-fold stratified cross-validation{}; 95% "
      "intervals by the corrected resampled t statistic (Nadeau &amp; Bengio 2003).</p>",
      escape_html(c.data), c.rows, c.positives, escape_html(c.positive), escape_html(c.label),
      c.repeats, c.folds,
      c.oversample_to > 0
          ? fmt::format(", supervised models also with the positives of each training fold "
                        "oversampled to {:.0f}%",
                        100 * c.oversample_to)
          : "");
  s += "<table><tr><th>model</th><th>oversampling</th><th>learns from</th><th>AUROC [95% "
       "CI]</th><th>AUPRC [95% CI]</th><th>recall at 1% FPR</th><th>seconds</th></tr>";
  for (const auto& r : c.results)
    s += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3f} [{:.3f}, {:.3f}]</td><td>{:.3f} [{:.3f}, "
        "{:.3f}]</td><td>{:.3f}</td><td>{:.1f}</td></tr>",
        escape_html(r.name), escape_html(r.oversampling),
        r.supervised ? "both classes" : "negatives", r.auroc_ci.mean, r.auroc_ci.lower,
        r.auroc_ci.upper, r.auprc_ci.mean, r.auprc_ci.lower, r.auprc_ci.upper, r.recall_at_1pct_fpr,
        r.seconds);
  s += "</table>";
  if (!c.privacy.empty()) {
    s += "<p>Privacy of the oversamplers' rows (standardised columns): distance to the closest "
         "real positive.</p><table><tr><th>oversampler</th><th>rows</th><th>median</th><th>5%</"
         "th><th>real to real: median</th><th>5%</th><th>exact copies</th></tr>";
    for (const auto& p : c.privacy)
      s += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</"
          "td><td>{}</td></tr>",
          escape_html(p.oversampler), p.check.synthetic, p.check.synthetic_median,
          p.check.synthetic_q05, p.check.real_median, p.check.real_q05, p.check.exact_copies);
    s += "</table>";
  }
  return s;
}

std::string detect_table(const detect::MarketResult& d) {
  std::string s = fmt::format(
      "<p>Unsupervised detectors fitted on {} normal windows of {} days, scored on {} test "
      "windows from {}: AUROC (AUPRC) per anomaly injected into copies of the test windows with "
      "known labels, and on the windows holding the largest real moves.</p><table><tr><th>"
      "detector</th>",
      d.train_windows, d.window, d.test_windows, escape_html(d.first_test));
  for (const auto& t : d.types) s += "<th>" + escape_html(t) + "</th>";
  s += "</tr>";
  std::vector<std::string> dets;
  for (const auto& r : d.rows)
    if (std::find(dets.begin(), dets.end(), r.detector) == dets.end()) dets.push_back(r.detector);
  for (const auto& name : dets) {
    s += "<tr><td>" + escape_html(name) + "</td>";
    for (const auto& t : d.types)
      for (const auto& r : d.rows)
        if (r.detector == name && r.anomaly == t)
          s += fmt::format("<td>{:.3f} ({:.3f})</td>", r.auroc, r.auprc);
    s += "</tr>";
  }
  return s + "</table>";
}

// --- The page. ---

// Replaces every "</" (or "</script") in text inlined in a <script> element by "<\/".
void escape_script_end(std::string& code, const char* end) {
  for (std::size_t at = code.find(end); at != std::string::npos; at = code.find(end, at + 2))
    code.replace(at, 2, "<\\/");
}

// The charting library, inlined.
std::string inline_scripts(const std::string& assets_dir) {
  std::string js;
  for (const char* f : {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js"}) {
    const std::string path = assets_dir + "/" + f;
    FG_CHECK(Io, std::filesystem::exists(path),
             "report: charting library {} not found (assets directory '{}')", path, assets_dir);
    std::string code = read_file(path);
    escape_script_end(code, "</script");
    js += "<script>" + code + "</script>\n";
  }
  return js;
}

// The tables and charts of the page, in order.
struct Sections {
  std::string metrics_table, backtest_table, trading_table, portfolio_table, forecast_table,
      credit_table, detect_table;
  std::vector<Chart> charts;
};

std::string page(const RunData& in, const Sections& sections, const std::string& js) {
  std::string body;
  json specs = json::array();
  for (std::size_t i = 0; i < sections.charts.size(); ++i) {
    body += fmt::format("<h2>{}</h2><div class=\"chart\" id=\"chart{}\"></div>\n",
                        escape_html(sections.charts[i].title), i);
    json spec = sections.charts[i].spec;
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json";
    specs.push_back(spec);
  }
  std::string specs_text = specs.dump();
  escape_script_end(specs_text, "</");
  const Panel& real = in.real;
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fingen report: "
      "{name}</title>\n"
      "<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:"
      "collapse;font-size:13px}}"
      "td,th{{border:1px solid #ccc;padding:2px "
      "8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}"
      "pre{{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}}</style>\n{js}</"
      "head><body>\n"
      "<h1>fingen report: {name}</h1>\n<p>Held-out real data: {asset}, {first} .. {last} ({n} "
      "days). Models: {models}.</p>\n"
      "<h2>Fidelity metrics (best per row in bold: closest to real, or lowest "
      "distance)</h2>\n{table}\n"
      "{bt_head}{bt}\n{tr_head}{tr}\n{pf_head}{pf}\n{fc_head}{fc}\n{cr_head}{cr}\n{dt_head}{dt}\n{"
      "body}"
      "<h2>Run manifest</h2><pre>{manifest}</pre>\n"
      "<script>\nconst specs = {specs};\nwindow.fingenCharts = {{rendered: 0, failed: 0}};\n"
      "specs.forEach((s, i) => vegaEmbed('#chart' + i, s, {{renderer: 'svg', actions: false}})\n"
      "  .then(() => {{ window.fingenCharts.rendered++; }})\n"
      "  .catch(e => {{ window.fingenCharts.failed++; console.error('chart ' + i + ': ' + e); "
      "}}));\n</script>\n</body></html>\n",
      fmt::arg("name", escape_html(in.manifest.value("config_content", json::object())
                                       .value("name", std::string("run")))),
      fmt::arg("js", js), fmt::arg("asset", escape_html(real.names.front())),
      fmt::arg("first", format_index(real.kind, real.index.front())),
      fmt::arg("last", format_index(real.kind, real.index.back())), fmt::arg("n", real.rows()),
      fmt::arg("models", escape_html(fmt::format("{}", fmt::join(in.names, ", ")))),
      fmt::arg("table", sections.metrics_table),
      fmt::arg("bt_head", sections.backtest_table.empty() ? "" : "<h2>VaR backtest</h2>\n"),
      fmt::arg("bt", sections.backtest_table),
      fmt::arg("tr_head",
               sections.trading_table.empty()
                   ? ""
                   : "<h2>Trading (fills at the next close, as in the synthetic markets)</h2>\n"),
      fmt::arg("tr", sections.trading_table),
      fmt::arg("pf_head", sections.portfolio_table.empty()
                              ? ""
                              : "<h2>Portfolios (out of sample: rolling estimates, rebalanced "
                                "with costs)</h2>\n"),
      fmt::arg("pf", sections.portfolio_table),
      fmt::arg("fc_head", sections.forecast_table.empty()
                              ? ""
                              : "<h2>Forecasts (walk-forward, refitted on past data only)</h2>\n"),
      fmt::arg("fc", sections.forecast_table),
      fmt::arg("cr_head", sections.credit_table.empty()
                              ? ""
                              : "<h2>Credit and fraud scores (cross-validated)</h2>\n"),
      fmt::arg("cr", sections.credit_table),
      fmt::arg("dt_head", sections.detect_table.empty()
                              ? ""
                              : "<h2>Market anomalies (injected and real)</h2>\n"),
      fmt::arg("dt", sections.detect_table), fmt::arg("body", body),
      fmt::arg("manifest", escape_html(in.manifest.dump(2))), fmt::arg("specs", specs_text));
}

// Every chart and table of the run, in page order.
Sections build_sections(const RunData& in) {
  FG_REQUIRE(in.scenarios.size() == in.names.size(), "{} scenario sets for {} models",
             in.scenarios.size(), in.names.size());
  FG_REQUIRE(in.real.rows() > 0 && in.real.cols() > 0, "no held-out data to report against");
  Sections out;
  Distributions dist(in.real);
  for (std::size_t i = 0; i < in.names.size(); ++i) dist.add_model(in.names[i], in.scenarios[i]);
  out.charts = {dist.sample_paths_chart(in.real.names.front()), dist.fan_chart(),
                dist.density_chart(), dist.qq_chart()};
  for (Chart& c : curve_charts(in.names, in.metrics)) out.charts.push_back(std::move(c));
  const json losses = gan_losses(in);
  if (!losses.empty())
    out.charts.push_back(line_chart("GAN training losses", losses, "step", "loss", 280,
                                    {{"type", "line"}, {"strokeWidth", 1}}));
  if (!in.var_days.empty()) out.charts.push_back(var_backtest_chart(in.var_days));
  if (!in.var_tests.empty()) out.backtest_table = backtest_table(in.var_tests);
  if (in.trading) {
    for (Chart& c : trading_charts(*in.trading)) out.charts.push_back(std::move(c));
    out.trading_table = trading_table(*in.trading);
  }
  if (in.portfolio) {
    for (Chart& c : portfolio_charts(*in.portfolio)) out.charts.push_back(std::move(c));
    out.portfolio_table = portfolio_table(*in.portfolio);
  }
  if (in.forecast) {
    for (Chart& c : forecast_charts(*in.forecast)) out.charts.push_back(std::move(c));
    out.forecast_table = forecast_table(*in.forecast);
  }
  if (in.credit) {
    for (Chart& c : credit_charts(*in.credit)) out.charts.push_back(std::move(c));
    out.credit_table = credit_table(*in.credit);
  }
  if (in.detect) out.detect_table = detect_table(*in.detect);
  out.metrics_table = metrics_table(in.metrics);
  return out;
}

}  // namespace

std::string default_assets_dir() {
  // The first that exists: $FINGEN_ASSETS_DIR; the installed copy next to the running program
  // (PREFIX/bin/fingen -> PREFIX/share/fingen/vega); the source tree of this build; the install
  // prefix it was configured with.
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("FINGEN_ASSETS_DIR"); env != nullptr && *env != '\0')
    candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share" / "fingen" / "vega");
  candidates.emplace_back(FINGEN_VEGA_DIR);
  candidates.emplace_back(FINGEN_INSTALLED_VEGA_DIR);
  for (const auto& c : candidates)
    if (!c.empty() && fs::is_directory(c, ec)) return c.string();
  return FINGEN_VEGA_DIR;
}

RunData read_run(const std::string& run_dir) {
  RunData in;
  in.dir = run_dir;
  in.manifest = read_json(run_dir + "/manifest.json");
  const std::string manifest_file = run_dir + "/manifest.json";
  try {
    in.names = in.manifest.at("models").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw_input_error({manifest_file, 0, {}}, fmt::format("no list of models: {}", e.what()));
  }
  for (const auto& name : in.names) {  // each becomes scenarios/NAME.npy
    try {
      validate_name(name, "model name");
    } catch (const Error& e) {
      throw_input_error({manifest_file, 0, {}}, e.what());
    }
    in.scenarios.push_back(read_scenarios_npy(run_dir + "/scenarios/" + name + ".npy"));
    const std::string log = run_dir + "/models/" + name + "/" + scenario::kTrainLogFile;
    if (std::filesystem::exists(log)) in.training.emplace_back(name, scenario::read_train_log(log));
  }
  in.metrics = eval::read_metrics_json(run_dir + "/metrics.json", in.names);
  try {
    in.real = held_out(in.manifest);
  } catch (const json::exception& e) {
    throw_input_error({manifest_file, 0, {}}, fmt::format("no data section: {}", e.what()));
  }
  if (std::filesystem::exists(run_dir + "/trading.json"))
    in.trading = trading::read_trading_summary(run_dir + "/trading.json");
  if (std::filesystem::exists(run_dir + "/portfolio.json"))
    in.portfolio = portfolio::read_portfolio_summary(run_dir + "/portfolio.json");
  if (std::filesystem::exists(run_dir + "/forecast.json"))
    in.forecast = forecast::read_forecast_summary(run_dir + "/forecast.json");
  if (std::filesystem::exists(run_dir + "/credit.json"))
    in.credit = credit::evaluate_report_from_json(read_json(run_dir + "/credit.json"),
                                                  run_dir + "/credit.json");
  if (std::filesystem::exists(run_dir + "/detect.json")) {
    const json dj = read_json(run_dir + "/detect.json");
    if (!dj.contains("result"))
      throw_input_error({run_dir + "/detect.json", 0, "result"}, "missing");
    in.detect = detect::market_result_from_json(dj.at("result"), run_dir + "/detect.json");
  }
  if (std::filesystem::exists(run_dir + "/backtest_days.csv")) {
    in.var_days = risk::read_var_backtest_days_csv(run_dir + "/backtest_days.csv");
    in.var_tests = risk::read_var_backtest_json(run_dir + "/backtest.json");
  }
  return in;
}

int write_report(const RunData& run, const std::string& out_html, const std::string& assets_dir) {
  const Sections sections = build_sections(run);
  write_file_atomic(out_html, page(run, sections, inline_scripts(assets_dir)));
  return static_cast<int>(sections.charts.size());
}

int write_run_report(const std::string& run_dir, const std::string& out_html,
                     const std::string& assets_dir) {
  return write_report(read_run(run_dir), out_html, assets_dir);
}

}  // namespace fingen::report
