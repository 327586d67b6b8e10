// fingen data inspect: shape, calendar, gaps and return statistics of data files.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/inspect.hpp"
#include "fingen/version.hpp"

namespace fingen::cli {
namespace {

using nlohmann::json;

void print_report(const data::InspectReport& r, std::ostream& out, bool returns, std::size_t lags) {
  out << fmt::format("{}  ({}, sha256 {})\n", r.file, data::to_string(r.format),
                     r.sha256.substr(0, 12));
  if (r.format == data::FileFormat::Labelled) {
    out << fmt::format("  rows {}, features {}, label '{}': {} positive ('{}', {:.2f}%)\n", r.rows,
                       r.features.size(), r.label, r.positives, r.positive_class,
                       100.0 * static_cast<double>(r.positives) / static_cast<double>(r.rows));
    std::size_t categorical = 0, missing = 0;
    for (const auto& f : r.features) {
      categorical += f.categorical;
      missing += f.missing;
    }
    out << fmt::format("  {} numeric and {} categorical features, {} missing values\n",
                       r.features.size() - categorical, categorical, missing);
    out << fmt::format("  {:<28} {:>11} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "feature", "type",
                       "missing", "mean|levels", "sd", "min", "max");
    for (const auto& f : r.features) {
      if (f.categorical)
        out << fmt::format("  {:<28} {:>11} {:>8} {:>12}\n", f.name, "categorical", f.missing,
                           f.levels);
      else
        out << fmt::format("  {:<28} {:>11} {:>8} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g}\n",
                           f.name, "numeric", f.missing, f.mean, f.sd, f.min, f.max);
    }
    return;
  }
  out << fmt::format("  rows {}, columns {}, {} {} .. {}\n", r.rows, r.columns,
                     to_string(r.index_kind), r.first, r.last);
  out << fmt::format("  statistics of {}:\n", returns ? "the values (returns)" : "log returns");
  out << fmt::format(
      "  {:<10} {:>7} {:>5} {:>7} {:>10} {:>9} {:>7} {:>8} {:>9} {:>9} {:>7} {:>7} "
      "{:>10} {:>8} {:>8} {:>8}\n",
      "series", "obs", "miss", "n_ret", "mean", "sd", "skew", "exkurt", "min", "max", "acf1",
      "acf1_r2", "JB", "p_JB", fmt::format("Q({})", lags), "p_Q");
  for (const auto& s : r.series) {
    if (!s.has_stats) {
      out << fmt::format("  {:<10} {:>7} {:>5} {:>7}\n", s.name, s.observations, s.missing,
                         s.returns == 0 ? std::string("-") : fmt::format("{}", s.returns));
      continue;
    }
    const auto& m = s.moments;
    out << fmt::format(
        "  {:<10} {:>7} {:>5} {:>7} {:>10.3e} {:>9.5f} {:>7.3f} {:>8.3f} {:>9.5f} "
        "{:>9.5f} {:>7.3f} {:>7.3f} {:>10.4g} {:>8.2g} {:>8.4g} {:>8.2g}\n",
        s.name, s.observations, s.missing, s.returns, m.mean, m.sd, m.skewness, m.excess_kurtosis,
        m.min, m.max, s.acf1, s.acf1_sq, s.jarque_bera.statistic, s.jarque_bera.p_value,
        s.ljung_box.statistic, s.ljung_box.p_value);
  }
}

}  // namespace

int run_data_inspect(const DataInspectArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.files.empty(), "no input file given");
    json files = json::array();
    for (std::size_t i = 0; i < args.files.size(); ++i) {
      const data::InspectReport r = data::inspect(args.files[i], data::InspectOptions()
                                                                     .format(args.format)
                                                                     .returns(args.returns)
                                                                     .delimiter(args.delimiter)
                                                                     .lags(args.lags));
      if (args.json != "-") {
        if (i > 0) out << '\n';
        print_report(r, out, args.returns, args.lags);
      }
      files.push_back(data::to_json(r, args.lags));
    }
    if (!args.json.empty()) {
      const json doc{
          {"fingen_version", FINGEN_VERSION_STRING}, {"command", "data inspect"}, {"files", files}};
      if (args.json == "-")
        out << doc.dump(2) << '\n';
      else
        write_file_atomic(args.json, doc.dump(2) + "\n");
    }
    return static_cast<int>(kOk);
  });
}

void add_data_inspect(CLI::App& data, DataInspectArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd = data.add_subcommand("inspect", "Validate data files and summarise them");
  cmd->footer(
      "For price files: rows, calendar, missing values and, for each series' log returns: mean, "
      "sd,\n"
      "skewness, excess kurtosis, min, max, lag-1 autocorrelation of r and r^2, Jarque-Bera and\n"
      "Ljung-Box Q(10) with p-values. For labelled tables: class balance and feature summaries.\n\n"
      "Examples:\n"
      "  fingen data inspect data/sp500_ohlcv_2000_2020.csv\n"
      "  fingen data inspect data/dow_jones_30.csv --json dow.json\n"
      "  fingen data inspect data/lending_club.csv\n"
      "  fingen data inspect data/*.csv --json -");
  cmd->add_option("files", args.files, "CSV files to inspect")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--json", args.json,
                  "Also write the report as JSON to this file ('-' = stdout only)");
  cmd->add_option("--format", args.format, "auto, ohlcv, panel or labelled")
      ->check(CLI::IsMember({"auto", "ohlcv", "panel", "labelled"}));
  cmd->add_flag("--returns", args.returns, "The file holds returns, not prices");
  cmd->add_option("--delimiter", args.delimiter, "Field separator (default: detected)");
  cmd->add_option("--lags", args.lags, "Ljung-Box lags")->check(CLI::Range(1, 1000));
  cmd->callback([&] { code = run_data_inspect(args, out); });
}

}  // namespace fingen::cli
