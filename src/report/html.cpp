#include "fingen/report/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/load.hpp"
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

int write_run_report(const std::string& run_dir, const std::string& out_html,
                     const std::string& assets_dir) {
  const json manifest = read_json(run_dir + "/manifest.json");
  const json metrics = read_json(run_dir + "/metrics.json");
  const auto names = manifest.at("models").get<std::vector<std::string>>();
  for (const auto& name : names) {  // each becomes scenarios/NAME.npy
    try {
      validate_name(name, "model name");
    } catch (const Error& e) {
      throw_input_error({run_dir + "/manifest.json", 0, {}}, e.what());
    }
  }
  const Panel real = held_out(manifest);
  const std::string asset = real.names.front();
  std::vector<Chart> charts;

  // 1-2. Sample paths and fan charts of cumulative returns (first series).
  json paths = json::array(), fan = json::array(), dens = json::array(), qq = json::array();
  {
    double c = 0;
    for (std::size_t t = 0; t < real.rows(); ++t) {
      c += real.values(static_cast<Eigen::Index>(t), 0);
      paths.push_back({{"step", t + 1},
                       {"cumulative_return", std::expm1(c)},
                       {"series", "real (held out)"},
                       {"path", -1}});
    }
  }
  std::vector<double> real_r(real.values.col(0).data(), real.values.col(0).data() + real.rows());
  std::vector<double> real_sorted = real_r;
  std::sort(real_sorted.begin(), real_sorted.end());
  const double lo = stats::quantile_sorted(real_sorted.data(), real_sorted.size(), 0.001);
  const double hi = stats::quantile_sorted(real_sorted.data(), real_sorted.size(), 0.999);
  const int bins = 60;
  auto add_density = [&](const std::vector<double>& x, const std::string& who) {
    std::vector<double> count(bins, 0.0);
    const double width = (hi - lo) / bins;
    for (double v : x) {
      const auto b = static_cast<long>(std::floor((v - lo) / width));
      if (b >= 0 && b < bins) count[static_cast<std::size_t>(b)] += 1;
    }
    for (int b = 0; b < bins; ++b)
      dens.push_back({{"return", lo + (b + 0.5) * width},
                      {"density", count[static_cast<std::size_t>(b)] /
                                      (static_cast<double>(x.size()) * width)},
                      {"series", who}});
  };
  add_density(real_r, "real (held out)");
  for (const auto& name : names) {
    const Scenarios s = read_scenarios_npy(run_dir + "/scenarios/" + name + ".npy");
    const std::size_t show = std::min<std::size_t>(20, s.paths);
    for (std::size_t p = 0; p < show; ++p) {
      double c = 0;
      for (std::size_t t = 0; t < s.horizon; ++t) {
        c += s.at(p, t, 0);
        paths.push_back(
            {{"step", t + 1}, {"cumulative_return", std::expm1(c)}, {"series", name}, {"path", p}});
      }
    }
    std::vector<double> cum(s.paths, 0.0), day;
    day.reserve(s.paths * s.horizon);
    for (std::size_t t = 0; t < s.horizon; ++t) {
      for (std::size_t p = 0; p < s.paths; ++p) {
        cum[p] += s.at(p, t, 0);
        day.push_back(s.at(p, t, 0));
      }
      std::vector<double> sorted = cum;
      std::sort(sorted.begin(), sorted.end());
      auto q = [&](double pr) {
        return std::expm1(stats::quantile_sorted(sorted.data(), sorted.size(), pr));
      };
      fan.push_back({{"model", name},
                     {"step", t + 1},
                     {"q05", q(0.05)},
                     {"q25", q(0.25)},
                     {"q50", q(0.5)},
                     {"q75", q(0.75)},
                     {"q95", q(0.95)}});
    }
    add_density(day, name);
    std::sort(day.begin(), day.end());
    for (int i = 1; i < 100; ++i) {
      const double pr = i / 100.0;
      qq.push_back({{"real", stats::quantile_sorted(real_sorted.data(), real_sorted.size(), pr)},
                    {"synthetic", stats::quantile_sorted(day.data(), day.size(), pr)},
                    {"model", name}});
    }
  }
  charts.push_back(
      {fmt::format(
           "Sample paths: cumulative return of {} (20 per model) and the held-out real path",
           asset),
       {{"data", {{"values", paths}}},
        {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
        {"encoding", line_layer("step", "cumulative_return", "series",
                                {{"detail", {{"field", "path"}, {"type", "nominal"}}},
                                 {"opacity",
                                  {{"condition", {{"test", "datum.path < 0"}, {"value", 1}}},
                                   {"value", 0.35}}}})},
        {"width", 800},
        {"height", 320}}});
  charts.push_back(
      {"Fan chart: 5/25/50/75/95% quantiles of the cumulative return per model",
       {{"data", {{"values", fan}}},
        {"facet", {{"field", "model"}, {"type", "nominal"}}},
        {"columns", 2},
        {"spec",
         {{"width", 360},
          {"height", 200},
          {"layer",
           json::array(
               {{{"mark", {{"type", "area"}, {"opacity", 0.25}}},
                 {"encoding",
                  {{"x", {{"field", "step"}, {"type", "quantitative"}}},
                   {"y",
                    {{"field", "q05"}, {"type", "quantitative"}, {"title", "cumulative return"}}},
                   {"y2", {{"field", "q95"}}}}}},
                {{"mark", {{"type", "area"}, {"opacity", 0.45}}},
                 {"encoding",
                  {{"x", {{"field", "step"}, {"type", "quantitative"}}},
                   {"y", {{"field", "q25"}, {"type", "quantitative"}}},
                   {"y2", {{"field", "q75"}}}}}},
                {{"mark", "line"},
                 {"encoding",
                  {{"x", {{"field", "step"}, {"type", "quantitative"}}},
                   {"y", {{"field", "q50"}, {"type", "quantitative"}}}}}}})}}}}});
  charts.push_back({"Daily return density: held-out real vs each model",
                    {{"data", {{"values", dens}}},
                     {"mark", "line"},
                     {"encoding", line_layer("return", "density", "series")},
                     {"width", 800},
                     {"height", 300}}});
  charts.push_back(
      {"QQ plot: model quantiles against held-out real quantiles (1%..99%)",
       {{"data", {{"values", qq}}},
        {"layer",
         json::array({{{"mark", {{"type", "point"}, {"size", 18}}},
                       {"encoding", line_layer("real", "synthetic", "model")}},
                      {{"mark", {{"type", "line"}, {"color", "gray"}, {"strokeDash", {4, 4}}}},
                       {"encoding",
                        {{"x", {{"field", "real"}, {"type", "quantitative"}}},
                         {"y", {{"field", "real"}, {"type", "quantitative"}}}}}}})},
        {"width", 500},
        {"height", 400}}});

  // 5. ACF of |r| and leverage curves from metrics.json.
  json acf = json::array(), lev = json::array();
  bool real_added = false;
  for (const auto& name : names) {
    const json& per = metrics.at("curves").at(name);
    if (per.empty()) continue;
    const json& c = per[0];
    auto push = [&](json& arr, const json& curve, const std::string& who) {
      for (std::size_t k = 0; k < curve.size(); ++k)
        arr.push_back({{"lag", k + 1}, {"value", curve[k]}, {"series", who}});
    };
    if (!real_added) {
      push(acf, c.at("acf_abs_real"), "real (held out)");
      push(lev, c.at("leverage_real"), "real (held out)");
      real_added = true;
    }
    push(acf, c.at("acf_abs"), name);
    push(lev, c.at("leverage"), name);
  }
  charts.push_back({"Volatility clustering: ACF of |r|",
                    {{"data", {{"values", acf}}},
                     {"mark", "line"},
                     {"encoding", line_layer("lag", "value", "series")},
                     {"width", 800},
                     {"height", 280}}});
  charts.push_back({"Leverage effect: corr(r_t, r_{t+k}^2)",
                    {{"data", {{"values", lev}}},
                     {"mark", "line"},
                     {"encoding", line_layer("lag", "value", "series")},
                     {"width", 800},
                     {"height", 280}}});

  // 7. GAN training losses.
  json losses = json::array();
  for (const auto& name : names) {
    const std::string log = run_dir + "/models/" + name + "/train_log.csv";
    if (!std::filesystem::exists(log)) continue;
    const data::CsvDocument doc = data::CsvDocument::open(log);
    data::CsvRow row;
    data::CsvCursor cur = doc.rows();
    while (cur.next(row)) {
      double step = 0, d = 0, g = 0;
      if (!data::parse_double(row.fields[0], step) || !data::parse_double(row.fields[1], d) ||
          !data::parse_double(row.fields[2], g))
        continue;
      losses.push_back({{"step", step}, {"loss", d}, {"series", name + " discriminator"}});
      losses.push_back({{"step", step}, {"loss", g}, {"series", name + " generator"}});
    }
  }
  if (!losses.empty())
    charts.push_back({"GAN training losses",
                      {{"data", {{"values", losses}}},
                       {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
                       {"encoding", line_layer("step", "loss", "series")},
                       {"width", 800},
                       {"height", 280}}});

  // 8. VaR backtest.
  std::string backtest_table;
  if (std::filesystem::exists(run_dir + "/backtest_days.csv")) {
    json bt = json::array();
    const data::CsvDocument doc = data::CsvDocument::open(run_dir + "/backtest_days.csv");
    data::CsvRow row;
    data::CsvCursor cur = doc.rows();
    while (cur.next(row)) {
      double loss = 0, var = 0, exc = 0;
      data::parse_double(row.fields[2], loss);
      data::parse_double(row.fields[3], var);
      data::parse_double(row.fields[6], exc);
      bt.push_back({{"model", std::string(row.fields[0])},
                    {"date", std::string(row.fields[1])},
                    {"loss", loss},
                    {"var", var},
                    {"exception", exc > 0}});
    }
    charts.push_back(
        {"VaR backtest: daily loss (grey), VaR forecast (line) and exceptions (red)",
         {{"data", {{"values", bt}}},
          {"facet", {{"row", {{"field", "model"}, {"type", "nominal"}}}}},
          {"spec",
           {{"width", 800},
            {"height", 120},
            {"layer",
             json::array({{{"mark", {{"type", "point"}, {"size", 4}, {"color", "#bbb"}}},
                           {"encoding",
                            {{"x", {{"field", "date"}, {"type", "temporal"}}},
                             {"y", {{"field", "loss"}, {"type", "quantitative"}}}}}},
                          {{"mark", {{"type", "line"}, {"strokeWidth", 1}}},
                           {"encoding",
                            {{"x", {{"field", "date"}, {"type", "temporal"}}},
                             {"y", {{"field", "var"}, {"type", "quantitative"}}}}}},
                          {{"transform", json::array({{{"filter", "datum.exception"}}})},
                           {"mark", {{"type", "point"}, {"size", 14}, {"color", "red"}}},
                           {"encoding",
                            {{"x", {{"field", "date"}, {"type", "temporal"}}},
                             {"y", {{"field", "loss"}, {"type", "quantitative"}}}}}}})}}}}});
    const json res = read_json(run_dir + "/backtest.json");
    backtest_table =
        "<table><tr><th>model</th><th>days</th><th>exceptions</th><th>expected</th><th>p "
        "Kupiec</th><th>p independence</th><th>p cond. coverage</th><th>zone</th><th>passes "
        "(5%)</th></tr>";
    for (const auto& r : res.at("results"))
      backtest_table += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.4f}</td><td>{:.4f}</"
          "td><td>{:.4f}</td><td>{}</td><td>{}</td></tr>",
          escape_html(r.at("model").get<std::string>()), r.at("days").get<long>(),
          r.at("exceptions").get<long>(), r.at("expected").get<double>(),
          r.at("kupiec").at("p_value").get<double>(),
          r.at("christoffersen_independence").at("p_value").get<double>(),
          r.at("conditional_coverage").at("p_value").get<double>(),
          escape_html(r.at("traffic_light").at("zone").get<std::string>()),
          r.at("passes_at_5pct").get<bool>() ? "yes" : "no");
    backtest_table += "</table>";
  }

  // Metrics table (best per row in bold).
  std::string table = "<table><tr><th>metric</th><th>real</th>";
  for (const auto& n : names) table += "<th>" + escape_html(n) + "</th>";
  table += "</tr>";
  const json& models = metrics.at("models");
  const json& targets = metrics.value("targets", json::object());
  for (const auto& [key, first] : models.at(names.front()).items()) {
    const bool has_target = targets.contains(key) && targets[key].is_number();
    std::size_t best = 0;
    double best_bad = INFINITY;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const json& v = models.at(names[i]).value(key, json());
      if (!v.is_number()) continue;
      const double bad =
          has_target ? std::abs(v.get<double>() - targets[key].get<double>()) : v.get<double>();
      if (bad < best_bad) {
        best_bad = bad;
        best = i;
      }
    }
    table += "<tr><td>" + escape_html(key) + "</td><td>" +
             (has_target ? fmt::format("{:.5g}", targets[key].get<double>()) : "-") + "</td>";
    for (std::size_t i = 0; i < names.size(); ++i) {
      const json& v = models.at(names[i]).value(key, json());
      const std::string text = v.is_number() ? fmt::format("{:.5g}", v.get<double>()) : "n/a";
      table +=
          i == best && names.size() > 1 ? "<td><b>" + text + "</b></td>" : "<td>" + text + "</td>";
    }
    table += "</tr>";
  }
  table += "</table>";

  // Assemble the page.
  std::string js;
  for (const char* f : {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js"}) {
    const std::string path = assets_dir + "/" + f;
    FG_CHECK(Io, std::filesystem::exists(path),
             "report: charting library {} not found (assets directory '{}')", path, assets_dir);
    std::string code = read_file(path);
    for (std::size_t at = code.find("</script"); at != std::string::npos;
         at = code.find("</script", at + 2))
      code.replace(at, 2, "<\\/");
    js += "<script>" + code + "</script>\n";
  }
  std::string body;
  json specs = json::array();
  for (std::size_t i = 0; i < charts.size(); ++i) {
    body += fmt::format("<h2>{}</h2><div class=\"chart\" id=\"chart{}\"></div>\n",
                        escape_html(charts[i].title), i);
    json spec = charts[i].spec;
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json";
    specs.push_back(spec);
  }
  std::string specs_text = specs.dump();
  for (std::size_t at = specs_text.find("</"); at != std::string::npos;
       at = specs_text.find("</", at + 2))
    specs_text.replace(at, 2, "<\\/");
  const std::string html = fmt::format(
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
      "{bt_head}{bt}\n{body}"
      "<h2>Run manifest</h2><pre>{manifest}</pre>\n"
      "<script>\nconst specs = {specs};\nwindow.fingenCharts = {{rendered: 0, failed: 0}};\n"
      "specs.forEach((s, i) => vegaEmbed('#chart' + i, s, {{renderer: 'svg', actions: false}})\n"
      "  .then(() => {{ window.fingenCharts.rendered++; }})\n"
      "  .catch(e => {{ window.fingenCharts.failed++; console.error('chart ' + i + ': ' + e); "
      "}}));\n</script>\n</body></html>\n",
      fmt::arg("name", escape_html(manifest.value("config_content", json::object())
                                       .value("name", std::string("run")))),
      fmt::arg("js", js), fmt::arg("asset", escape_html(asset)),
      fmt::arg("first", format_index(real.kind, real.index.front())),
      fmt::arg("last", format_index(real.kind, real.index.back())), fmt::arg("n", real.rows()),
      fmt::arg("models", escape_html(fmt::format("{}", fmt::join(names, ", ")))),
      fmt::arg("table", table),
      fmt::arg("bt_head", backtest_table.empty() ? "" : "<h2>VaR backtest</h2>\n"),
      fmt::arg("bt", backtest_table), fmt::arg("body", body),
      fmt::arg("manifest", escape_html(manifest.dump(2))), fmt::arg("specs", specs_text));
  write_file_atomic(out_html, html);
  return static_cast<int>(charts.size());
}

}  // namespace fingen::report
