// fingen's inspect statistics against R on every bundled price series.
// Golden values: tests/data/golden/inspect_stats.csv, made by
// tests/data/golden/make_inspect_golden.R (R 4.2.2, tseries 0.10-53: moments by formula,
// stats::acf, tseries::jarque.bera.test, stats::Box.test(type = "Ljung-Box")).
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "fingen/data/csv.hpp"
#include "fingen/data/inspect.hpp"
#include "test_util.hpp"

namespace fingen::data {
namespace {

struct GoldenRow {
  std::string file, series;
  std::map<std::string, double> v;
};

std::vector<GoldenRow> load_golden() {
  const CsvDocument doc = CsvDocument::open(test::test_data("golden/inspect_stats.csv"));
  std::vector<GoldenRow> rows;
  CsvRow row;
  CsvCursor cursor = doc.rows();
  while (cursor.next(row)) {
    GoldenRow g;
    g.file = std::string(row.fields[0]);
    g.series = std::string(row.fields[1]);
    for (std::size_t j = 2; j < row.fields.size(); ++j) {
      double x = 0;
      EXPECT_TRUE(parse_double(row.fields[j], x)) << row.fields[j];
      g.v[doc.header()[j]] = x;
    }
    rows.push_back(g);
  }
  return rows;
}

void expect_rel(double got, double want, double tol, const std::string& what) {
  const double scale = std::max(std::abs(want), 1e-300);
  EXPECT_LE(std::abs(got - want) / scale, tol) << what << ": got " << got << ", R says " << want;
}

// R computes p-values as 1 - pchisq(), which is accurate only to ~1e-16 absolute (it prints 0 for
// anything smaller); fingen computes the upper tail directly. So p-values above 1e-6 are compared
// relatively (1e-9) and smaller ones, where R's rounding dominates, absolutely (1e-15).
void expect_pvalue(double got, double want, const std::string& what) {
  if (want > 1e-6)
    expect_rel(got, want, 1e-9, what);
  else
    EXPECT_NEAR(got, want, 1e-15) << what;
}

TEST(InspectGolden, AgreesWithROnEveryBundledSeries) {
  const std::vector<GoldenRow> golden = load_golden();
  ASSERT_EQ(golden.size(), 49u);
  std::map<std::string, InspectReport> reports;
  for (const auto& g : golden) {
    if (!reports.count(g.file)) reports[g.file] = inspect(test::bundled(g.file));
    const InspectReport& r = reports[g.file];
    const SeriesSummary* s = nullptr;
    for (const auto& candidate : r.series)
      if (candidate.name == g.series) s = &candidate;
    ASSERT_NE(s, nullptr) << g.file << " has no series " << g.series;
    ASSERT_TRUE(s->has_stats);
    const std::string tag = g.file + ":" + g.series + " ";
    EXPECT_EQ(s->moments.n, static_cast<std::size_t>(g.v.at("n"))) << tag;
    const double tol = 1e-9;
    expect_rel(s->moments.mean, g.v.at("mean"), tol, tag + "mean");
    expect_rel(s->moments.sd, g.v.at("sd"), tol, tag + "sd");
    expect_rel(s->moments.skewness, g.v.at("skewness"), tol, tag + "skewness");
    expect_rel(s->moments.excess_kurtosis, g.v.at("excess_kurtosis"), tol, tag + "excess_kurtosis");
    expect_rel(s->moments.min, g.v.at("min"), tol, tag + "min");
    expect_rel(s->moments.max, g.v.at("max"), tol, tag + "max");
    expect_rel(s->acf1, g.v.at("acf1"), tol, tag + "acf1");
    expect_rel(s->acf1_sq, g.v.at("acf1_sq"), tol, tag + "acf1_sq");
    expect_rel(s->jarque_bera.statistic, g.v.at("jb_stat"), tol, tag + "jb_stat");
    expect_rel(s->ljung_box.statistic, g.v.at("lb_q10"), tol, tag + "lb_q10");
    expect_pvalue(s->jarque_bera.p_value, g.v.at("jb_pvalue"), tag + "jb_pvalue");
    expect_pvalue(s->ljung_box.p_value, g.v.at("lb_pvalue"), tag + "lb_pvalue");
  }
}

}  // namespace
}  // namespace fingen::data
