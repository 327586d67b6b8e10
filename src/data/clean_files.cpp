#include "fingen/data/clean_files.hpp"

#include <algorithm>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/data/writers.hpp"
#include "fingen/version.hpp"

namespace fingen::data {

namespace {
std::vector<Panel> read_all(const CleanRequest& req) {
  const ValueKind kind = req.returns ? ValueKind::Returns : ValueKind::Prices;
  std::vector<Panel> panels;
  for (const auto& f : req.files) {
    const CsvDocument doc = CsvDocument::open(f);
    const bool ohlcv = detect_format(doc) == FileFormat::Ohlcv;
    Panel p = ohlcv ? read_ohlcv(doc, ReadOptions().values(kind))
                    : read_panel(doc, ReadOptions().values(kind));
    if (req.files.size() > 1 && ohlcv) {
      // Several OHLCV files: keep each one's close, named after its file.
      std::string stem = f.substr(f.find_last_of('/') + 1);
      stem = stem.substr(0, stem.find_last_of('.'));
      p = p.select({p.column("close")});
      p.names[0] = stem;
    }
    panels.push_back(std::move(p));
  }
  return panels;
}
}  // namespace

CleanResult clean_files(const CleanRequest& req) {
  FG_REQUIRE(!req.files.empty(), "no input file given");
  // Every option is checked before touching data, so bad options fail fast.
  const MissingPolicy missing = parse_missing_policy(req.missing);
  const JoinPolicy join = parse_join_policy(req.join);
  const bool outliers = req.outliers != "none";
  const OutlierAction action =
      outliers ? parse_outlier_action(req.outliers) : OutlierAction::Report;
  const ReturnKind return_kind = parse_return_kind(req.return_kind);
  FG_REQUIRE(!(req.returns && req.to_returns),
             "converting to returns needs price files, but the files are said to hold returns");

  const std::vector<Panel> panels = read_all(req);
  CleanResult r;
  r.report = {
      {"fingen_version", FINGEN_VERSION_STRING}, {"command", "data clean"}, {"inputs", req.files}};
  r.panel = panels.size() == 1 ? panels[0] : align(panels, join, req.max_fill);
  Panel& panel = r.panel;
  r.aligned_rows = panel.rows();
  r.report["aligned_rows"] = r.aligned_rows;
  r.missing = clean_missing(panel, missing, req.limit);
  r.report["missing"] = {{"policy", req.missing},
                         {"per_column", r.missing.missing},
                         {"filled", r.missing.filled},
                         {"rows_dropped", r.missing.rows_dropped}};
  FG_CHECK(Input, panel.rows() >= 2, "fewer than 2 rows left after cleaning; nothing to write");
  if (req.to_returns) {
    panel = to_returns(panel, return_kind);
    r.converted = true;
    r.rows_after_conversion = panel.rows();
  }
  if (outliers) {
    const std::vector<std::int64_t> index_before = panel.index;  // Drop removes rows
    r.outliers_checked = true;
    r.outliers = treat_outliers(panel, req.threshold, action);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& o : r.outliers.outliers) {
      r.outlier_dates.push_back(format_index(panel.kind, index_before[o.row]));
      list.push_back({{"index", r.outlier_dates.back()},
                      {"series", panel.names[o.column]},
                      {"value", o.value},
                      {"z", o.z}});
    }
    r.report["outliers"] = {{"action", req.outliers},
                            {"threshold", req.threshold},
                            {"found", r.outliers.outliers.size()},
                            {"rows_dropped", r.outliers.rows_dropped},
                            {"list", list}};
  }
  r.report["output"] = {{"file", req.out}, {"rows", panel.rows()}, {"columns", panel.names}};
  if (!req.out.empty()) write_csv(req.out, panel);
  if (!req.report.empty()) write_file_atomic(req.report, r.report.dump(2) + "\n");
  return r;
}

}  // namespace fingen::data
