// fingen data clean: align several files on one calendar, fill or drop gaps, optionally turn prices
// into returns, find or treat outliers, and write one clean CSV.
#include <numeric>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/clean.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/data/writers.hpp"
#include "fingen/version.hpp"

namespace fingen::cli {

int run_data_clean(const DataCleanArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.files.empty(), "no input file given");
    FG_REQUIRE(!args.out.empty(), "no output file given (--out)");
    // Validate every option before touching data, so bad options fail fast with exit code 2.
    const data::MissingPolicy missing = data::parse_missing_policy(args.missing);
    const data::JoinPolicy join = data::parse_join_policy(args.join);
    const bool outliers = args.outliers != "none";
    const data::OutlierAction action =
        outliers ? data::parse_outlier_action(args.outliers) : data::OutlierAction::Report;
    const data::ReturnKind return_kind = data::parse_return_kind(args.return_kind);
    FG_REQUIRE(!(args.returns && args.to_returns),
               "--to-returns needs price files, but --returns says they hold returns");

    const ValueKind kind = args.returns ? ValueKind::Returns : ValueKind::Prices;
    std::vector<Panel> panels;
    for (const auto& f : args.files) {
      const data::CsvDocument doc = data::CsvDocument::open(f);
      Panel p = data::detect_format(doc) == data::FileFormat::Ohlcv
                    ? data::read_ohlcv(doc, data::ReadOptions().values(kind))
                    : data::read_panel(doc, data::ReadOptions().values(kind));
      if (args.files.size() > 1 && data::detect_format(doc) == data::FileFormat::Ohlcv) {
        // Several OHLCV files: keep each one's close, named after its file.
        std::string stem = f.substr(f.find_last_of('/') + 1);
        stem = stem.substr(0, stem.find_last_of('.'));
        p = p.select({p.column("close")});
        p.names[0] = stem;
      }
      panels.push_back(std::move(p));
    }
    nlohmann::json report{{"fingen_version", FINGEN_VERSION_STRING},
                          {"command", "data clean"},
                          {"inputs", args.files}};
    Panel panel = panels.size() == 1 ? panels[0] : data::align(panels, join, args.max_fill);
    std::size_t input_rows = 0;
    for (const auto& p : panels) input_rows = std::max(input_rows, p.rows());
    report["aligned_rows"] = panel.rows();
    const data::MissingReport mr = data::clean_missing(panel, missing, args.limit);
    report["missing"] = {{"policy", args.missing},
                         {"per_column", mr.missing},
                         {"filled", mr.filled},
                         {"rows_dropped", mr.rows_dropped}};
    out << fmt::format(
        "read {} file(s): {} rows after alignment ({}), {} missing values, {} filled "
        "({}), {} rows dropped\n",
        args.files.size(), report["aligned_rows"].get<std::size_t>(), args.join,
        std::accumulate(mr.missing.begin(), mr.missing.end(), std::size_t{0}), mr.filled,
        args.missing, mr.rows_dropped);
    FG_CHECK(Input, panel.rows() >= 2, "fewer than 2 rows left after cleaning; nothing to write");
    if (args.to_returns) {
      panel = data::to_returns(panel, return_kind);
      out << fmt::format("converted to {} returns: {} rows\n", args.return_kind, panel.rows());
    }
    if (outliers) {
      const std::vector<std::int64_t> index_before = panel.index;  // Drop removes rows
      const data::OutlierReport orep = data::treat_outliers(panel, args.threshold, action);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& o : orep.outliers)
        list.push_back({{"index", format_index(panel.kind, index_before[o.row])},
                        {"series", panel.names[o.column]},
                        {"value", o.value},
                        {"z", o.z}});
      report["outliers"] = {{"action", args.outliers},
                            {"threshold", args.threshold},
                            {"found", orep.outliers.size()},
                            {"rows_dropped", orep.rows_dropped},
                            {"list", list}};
      out << fmt::format("outliers (|robust z| > {}): {} found, action {}\n", args.threshold,
                         orep.outliers.size(), args.outliers);
      constexpr std::size_t kShown = 10;
      for (std::size_t k = 0; k < orep.outliers.size() && k < kShown; ++k) {
        const auto& o = orep.outliers[k];
        out << fmt::format("  {}  {:<10} value {:>12.6g}  z {:>8.2f}\n",
                           format_index(panel.kind, index_before[o.row]), panel.names[o.column],
                           o.value, o.z);
      }
      if (orep.outliers.size() > kShown)
        out << fmt::format(
            "  ... {} more{}\n", orep.outliers.size() - kShown,
            args.report.empty() ? " (--report FILE lists them all)" : " in the report");
    }
    report["output"] = {{"file", args.out}, {"rows", panel.rows()}, {"columns", panel.names}};
    data::write_csv(args.out, panel);
    out << fmt::format("wrote {} ({} rows x {} series)\n", args.out, panel.rows(), panel.cols());
    if (!args.report.empty()) write_file_atomic(args.report, report.dump(2) + "\n");
    return static_cast<int>(kOk);
  });
}

void add_data_clean(CLI::App& data, DataCleanArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd =
      data.add_subcommand("clean", "Align, fill gaps, treat outliers and write a clean CSV");
  cmd->footer(
      "Several files are aligned on one calendar (inner join, or forward-fill up to --max-fill "
      "rows);\n"
      "an OHLCV file contributes its close. Outliers are judged by the robust z-score\n"
      "(x - median) / (1.4826 MAD), on returns when --to-returns is given.\n\n"
      "Examples:\n"
      "  fingen data clean data/dow_jones_30.csv --to-returns --outliers winsorize --out "
      "dj_returns.csv\n"
      "  fingen data clean data/eu_stock_markets.csv data/swiss_indices_2000_2007.csv --join ffill "
      "\\\n"
      "      --max-fill 3 --out europe.csv --report europe.json");
  cmd->add_option("files", args.files, "Input CSV files (prices unless --returns)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args.out, "Output CSV file")->required();
  cmd->add_option("--missing", args.missing, "drop, ffill or interpolate");
  cmd->add_option("--limit", args.limit, "Longest gap to fill, in rows (0 = any)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--join", args.join, "Alignment of several files: inner or ffill");
  cmd->add_option("--max-fill", args.max_fill,
                  "Rows a series may be carried forward when --join ffill")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--outliers", args.outliers, "none, report, winsorize or drop");
  cmd->add_option("--threshold", args.threshold, "Robust z-score threshold for outliers");
  cmd->add_flag("--returns", args.returns, "The inputs hold returns, not prices");
  cmd->add_flag("--to-returns", args.to_returns,
                "Convert prices to returns before outlier treatment");
  cmd->add_option("--return-kind", args.return_kind, "log or simple");
  cmd->add_option("--report", args.report, "Write what was done as JSON");
  cmd->callback([&] { code = run_data_clean(args, out); });
}

}  // namespace fingen::cli
