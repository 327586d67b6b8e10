// fingen data clean: align several files on one calendar, fill or drop gaps, optionally turn prices
// into returns, find or treat outliers, and write one clean CSV.
#include <numeric>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/data/clean_files.hpp"

namespace fingen::cli {

int run_data_clean(const DataCleanArgs& args, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!args.files.empty(), "no input file given");
    FG_REQUIRE(!args.out.empty(), "no output file given (--out)");
    FG_REQUIRE(!(args.returns && args.to_returns),
               "--to-returns needs price files, but --returns says they hold returns");
    const data::CleanResult r = data::clean_files(
        {args.files, args.out, args.missing, args.limit, args.join, args.max_fill, args.outliers,
         args.threshold, args.returns, args.to_returns, args.return_kind, args.report});
    const data::MissingReport& mr = r.missing;
    out << fmt::format(
        "read {} file(s): {} rows after alignment ({}), {} missing values, {} filled "
        "({}), {} rows dropped\n",
        args.files.size(), r.aligned_rows, args.join,
        std::accumulate(mr.missing.begin(), mr.missing.end(), std::size_t{0}), mr.filled,
        args.missing, mr.rows_dropped);
    if (r.converted)
      out << fmt::format("converted to {} returns: {} rows\n", args.return_kind,
                         r.rows_after_conversion);
    if (r.outliers_checked) {
      const auto& found = r.outliers.outliers;
      out << fmt::format("outliers (|robust z| > {}): {} found, action {}\n", args.threshold,
                         found.size(), args.outliers);
      constexpr std::size_t kShown = 10;
      for (std::size_t k = 0; k < found.size() && k < kShown; ++k)
        out << fmt::format("  {}  {:<10} value {:>12.6g}  z {:>8.2f}\n", r.outlier_dates[k],
                           r.panel.names[found[k].column], found[k].value, found[k].z);
      if (found.size() > kShown)
        out << fmt::format(
            "  ... {} more{}\n", found.size() - kShown,
            args.report.empty() ? " (--report FILE lists them all)" : " in the report");
    }
    out << fmt::format("wrote {} ({} rows x {} series)\n", args.out, r.panel.rows(),
                       r.panel.cols());
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
