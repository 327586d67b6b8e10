#include "fingen/data/clean.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "fingen/core/error.hpp"
#include "fingen/stats/descriptive.hpp"

namespace fingen::data {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Keeps the rows whose flag is false.
void drop_rows(Panel& panel, const std::vector<bool>& drop) {
  std::vector<Eigen::Index> keep;
  for (std::size_t i = 0; i < drop.size(); ++i)
    if (!drop[i]) keep.push_back(static_cast<Eigen::Index>(i));
  Eigen::MatrixXd values(static_cast<Eigen::Index>(keep.size()), panel.values.cols());
  std::vector<std::int64_t> index(keep.size());
  for (std::size_t k = 0; k < keep.size(); ++k) {
    values.row(static_cast<Eigen::Index>(k)) = panel.values.row(keep[k]);
    index[k] = panel.index[static_cast<std::size_t>(keep[k])];
  }
  panel.values = std::move(values);
  panel.index = std::move(index);
}

std::size_t drop_incomplete_rows(Panel& panel) {
  std::vector<bool> drop(panel.rows(), false);
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < panel.values.rows(); ++i) {
    drop[static_cast<std::size_t>(i)] = panel.values.row(i).array().isNaN().any();
    n += drop[static_cast<std::size_t>(i)];
  }
  if (n > 0) drop_rows(panel, drop);
  return n;
}

// Forward-fills one column; at most `limit` consecutive values (0 = any). Returns values filled.
std::size_t ffill_column(double* x, std::size_t n, std::size_t limit) {
  std::size_t filled = 0, run = 0;
  bool have = false;
  double last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(x[i])) {
      last = x[i];
      have = true;
      run = 0;
    } else if (have && (limit == 0 || run < limit)) {
      x[i] = last;
      ++run;
      ++filled;
    } else {
      ++run;
    }
  }
  return filled;
}

std::size_t interpolate_column(double* x, std::size_t n, std::size_t limit) {
  std::size_t filled = 0;
  std::size_t i = 0;
  while (i < n) {
    if (!std::isnan(x[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && std::isnan(x[j])) ++j;
    // gap [i, j): interpolate only between two observed values
    if (i > 0 && j < n && (limit == 0 || j - i <= limit)) {
      const double a = x[i - 1], b = x[j];
      const double span = static_cast<double>(j - (i - 1));
      for (std::size_t k = i; k < j; ++k)
        x[k] = a + (b - a) * static_cast<double>(k - (i - 1)) / span;
      filled += j - i;
    }
    i = j;
  }
  return filled;
}

}  // namespace

MissingPolicy parse_missing_policy(const std::string& text) {
  if (text == "drop") return MissingPolicy::Drop;
  if (text == "ffill" || text == "forward-fill") return MissingPolicy::ForwardFill;
  if (text == "interpolate" || text == "linear") return MissingPolicy::Interpolate;
  FG_FAIL(Usage, "unknown missing-value policy '{}': expected drop, ffill or interpolate", text);
}

MissingReport clean_missing(Panel& panel, MissingPolicy policy, std::size_t limit) {
  panel.validate();
  MissingReport report;
  for (std::size_t j = 0; j < panel.cols(); ++j) report.missing.push_back(panel.missing(j));
  const std::size_t n = panel.rows();
  if (policy != MissingPolicy::Drop) {
    for (Eigen::Index j = 0; j < panel.values.cols(); ++j) {
      double* x = panel.values.col(j).data();
      report.filled += policy == MissingPolicy::ForwardFill ? ffill_column(x, n, limit)
                                                            : interpolate_column(x, n, limit);
    }
  }
  report.rows_dropped = drop_incomplete_rows(panel);
  return report;
}

OutlierAction parse_outlier_action(const std::string& text) {
  if (text == "report") return OutlierAction::Report;
  if (text == "winsorize" || text == "winsorise" || text == "clip") return OutlierAction::Winsorize;
  if (text == "drop") return OutlierAction::Drop;
  FG_FAIL(Usage, "unknown outlier action '{}': expected report, winsorize or drop", text);
}

namespace {
struct RobustCenter {
  double median = kNaN;
  double scale = kNaN;  // 1.4826 * MAD
};

RobustCenter robust_center(const double* x, std::size_t n) {
  std::vector<double> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) v.push_back(x[i]);
  RobustCenter c;
  if (v.empty()) return c;
  c.median = stats::median(v);
  for (double& e : v) e = std::abs(e - c.median);
  c.scale = 1.4826 * stats::median(std::move(v));
  return c;
}
}  // namespace

std::vector<double> robust_zscores(const double* x, std::size_t n) {
  const RobustCenter c = robust_center(x, n);
  std::vector<double> z(n, kNaN);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) continue;
    const double d = x[i] - c.median;
    if (c.scale > 0)
      z[i] = d / c.scale;
    else
      z[i] = d == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), d);
  }
  return z;
}

OutlierReport treat_outliers(Panel& panel, double threshold, OutlierAction action) {
  FG_REQUIRE(threshold > 0 && std::isfinite(threshold),
             "outlier threshold must be a positive number, got {}", threshold);
  panel.validate();
  OutlierReport report;
  report.threshold = threshold;
  std::vector<bool> drop(panel.rows(), false);
  const std::size_t n = panel.rows();
  for (Eigen::Index j = 0; j < panel.values.cols(); ++j) {
    double* x = panel.values.col(j).data();
    const RobustCenter c = robust_center(x, n);
    const std::vector<double> z = robust_zscores(x, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(z[i]) || std::abs(z[i]) <= threshold) continue;
      report.outliers.push_back({i, static_cast<std::size_t>(j), x[i], z[i]});
      if (action == OutlierAction::Winsorize)
        x[i] = c.median + std::copysign(threshold * c.scale, z[i]);
      else if (action == OutlierAction::Drop)
        drop[i] = true;
    }
  }
  if (action == OutlierAction::Drop) {
    report.rows_dropped = static_cast<std::size_t>(std::count(drop.begin(), drop.end(), true));
    if (report.rows_dropped > 0) drop_rows(panel, drop);
  }
  return report;
}

JoinPolicy parse_join_policy(const std::string& text) {
  if (text == "inner") return JoinPolicy::Inner;
  if (text == "ffill" || text == "forward-fill") return JoinPolicy::ForwardFill;
  FG_FAIL(Usage, "unknown join policy '{}': expected inner or ffill", text);
}

Panel align(const std::vector<Panel>& panels, JoinPolicy policy, std::size_t max_fill) {
  FG_REQUIRE(!panels.empty(), "align needs at least one panel");
  std::set<std::string> seen;
  for (const auto& p : panels) {
    p.validate();
    FG_REQUIRE(p.kind == panels[0].kind, "cannot align a {} index with a {} index ({})",
               to_string(p.kind), to_string(panels[0].kind), p.source);
    FG_REQUIRE(p.values_kind == panels[0].values_kind, "cannot align prices with returns ({})",
               p.source);
    for (const auto& name : p.names)
      FG_REQUIRE(seen.insert(name).second, "series name '{}' appears in more than one input", name);
  }
  // Calendar: union of all index values.
  std::vector<std::int64_t> calendar;
  for (const auto& p : panels) calendar.insert(calendar.end(), p.index.begin(), p.index.end());
  std::sort(calendar.begin(), calendar.end());
  calendar.erase(std::unique(calendar.begin(), calendar.end()), calendar.end());

  Panel out;
  out.kind = panels[0].kind;
  out.values_kind = panels[0].values_kind;
  out.index = calendar;
  std::size_t total_cols = 0;
  for (const auto& p : panels) total_cols += p.cols();
  out.values = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(calendar.size()),
                                         static_cast<Eigen::Index>(total_cols), kNaN);
  std::vector<bool> present_everywhere(calendar.size(), true);
  Eigen::Index col0 = 0;
  for (const auto& p : panels) {
    std::vector<bool> present(calendar.size(), false);
    std::size_t k = 0;
    for (std::size_t i = 0; i < calendar.size(); ++i) {
      if (k < p.rows() && p.index[k] == calendar[i]) {
        for (Eigen::Index j = 0; j < p.values.cols(); ++j)
          out.values(static_cast<Eigen::Index>(i), col0 + j) =
              p.values(static_cast<Eigen::Index>(k), j);
        present[i] = true;
        ++k;
      }
    }
    for (std::size_t i = 0; i < calendar.size(); ++i)
      present_everywhere[i] = present_everywhere[i] && present[i];
    for (const auto& name : p.names) out.names.push_back(name);
    if (out.source.empty())
      out.source = p.source;
    else
      out.source += "+" + p.source;
    col0 += p.values.cols();
  }
  if (policy == JoinPolicy::Inner) {
    std::vector<bool> drop(calendar.size());
    for (std::size_t i = 0; i < calendar.size(); ++i) drop[i] = !present_everywhere[i];
    drop_rows(out, drop);
    return out;
  }
  if (max_fill > 0)
    for (Eigen::Index j = 0; j < out.values.cols(); ++j)
      ffill_column(out.values.col(j).data(), out.rows(), max_fill);
  drop_incomplete_rows(out);
  return out;
}

}  // namespace fingen::data
