// ADF and Engle-Granger against statsmodels (tests/stats/golden/make_coint_golden.py).
#include "fingen/stats/cointegration.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/data/clean.hpp"
#include "fingen/data/csv.hpp"
#include "fingen/data/readers.hpp"
#include "test_util.hpp"

namespace fingen::stats {
namespace {

std::vector<double> log_column(const Panel& p, std::size_t c) {
  std::vector<double> v(p.rows());
  for (std::size_t t = 0; t < p.rows(); ++t)
    v[t] = std::log(p.values(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(c)));
  return v;
}

void expect_rel(double got, double want, double rel, const std::string& what) {
  EXPECT_NEAR(got, want, rel * std::max(std::abs(want), 1e-300)) << what;
}

TEST(Cointegration, AgreesWithStatsmodels) {
  const auto g = nlohmann::json::parse(
      read_file(std::string(FINGEN_TEST_DATA_DIR) + "/../stats/golden/coint_golden.json"));
  ASSERT_GE(g["cases"].size(), 5u);
  for (const auto& c : g["cases"]) {
    const std::string name = c["y"].get<std::string>() + "/" + c["x"].get<std::string>();
    SCOPED_TRACE(name);
    Panel p = data::read_panel(
        test::bundled(c["file"].get<std::string>()),
        data::ReadOptions().columns({c["y"].get<std::string>(), c["x"].get<std::string>()}));
    data::clean_missing(p, data::MissingPolicy::Drop);
    ASSERT_EQ(p.rows(), c["n"].get<std::size_t>());
    const std::vector<double> y = log_column(p, 0), x = log_column(p, 1);
    const EngleGrangerResult aic = engle_granger(y, x);
    const auto& ga = c["coint_aic"];
    EXPECT_EQ(aic.adf.lags, ga["lags"].get<std::size_t>());
    expect_rel(aic.beta, ga["beta"].get<double>(), 1e-9, "beta");
    expect_rel(aic.alpha, ga["alpha"].get<double>(), 1e-8, "alpha");
    expect_rel(aic.adf.statistic, ga["statistic"].get<double>(), 1e-8, "EG statistic");
    expect_rel(aic.adf.p_value, ga["p_value"].get<double>(), 1e-7, "EG p-value");
    const EngleGrangerResult lag1 = engle_granger(y, x, 1, false);
    expect_rel(lag1.adf.statistic, c["coint_lag1"]["statistic"].get<double>(), 1e-8, "EG lag 1");
    expect_rel(lag1.adf.p_value, c["coint_lag1"]["p_value"].get<double>(), 1e-7, "EG lag 1 p");
    const AdfResult adf = adf_test(y);
    EXPECT_EQ(adf.lags, c["adf_y_aic"]["lags"].get<std::size_t>());
    EXPECT_EQ(adf.nobs, c["adf_y_aic"]["nobs"].get<std::size_t>());
    expect_rel(adf.statistic, c["adf_y_aic"]["statistic"].get<double>(), 1e-8, "ADF statistic");
    expect_rel(adf.p_value, c["adf_y_aic"]["p_value"].get<double>(), 1e-7, "ADF p-value");
    const AdfResult adf2 = adf_test(y, true, 2, false);
    expect_rel(adf2.statistic, c["adf_y_lag2"]["statistic"].get<double>(), 1e-8, "ADF lag 2");
    expect_rel(adf2.p_value, c["adf_y_lag2"]["p_value"].get<double>(), 1e-7, "ADF lag 2 p");
  }
}

// The residual ADF statistic with fixed lags, and the first-stage fit, against R's urca::ur.df and
// lm (tests/stats/golden/make_coint_golden.R -> coint_urca.csv).
TEST(Cointegration, AgreesWithRUrca) {
  const data::CsvDocument doc = data::CsvDocument::open(std::string(FINGEN_TEST_DATA_DIR) +
                                                        "/../stats/golden/coint_urca.csv");
  data::CsvRow row;
  data::CsvCursor cur = doc.rows();
  std::size_t rows = 0;
  while (cur.next(row)) {
    ++rows;
    const std::string file(row.fields[0]), y(row.fields[1]), x(row.fields[2]);
    SCOPED_TRACE(y + "/" + x + " lags " + std::string(row.fields[3]));
    double lags = 0, stat = 0, alpha = 0, beta = 0;
    ASSERT_TRUE(
        data::parse_double(row.fields[3], lags) && data::parse_double(row.fields[4], stat) &&
        data::parse_double(row.fields[5], alpha) && data::parse_double(row.fields[6], beta));
    Panel p = data::read_panel(test::bundled(file), data::ReadOptions().columns({y, x}));
    data::clean_missing(p, data::MissingPolicy::Drop);
    const EngleGrangerResult eg =
        engle_granger(log_column(p, 0), log_column(p, 1), static_cast<std::size_t>(lags), false);
    expect_rel(eg.adf.statistic, stat, 1e-9, "ADF statistic of the residuals");
    expect_rel(eg.alpha, alpha, 1e-9, "alpha");
    expect_rel(eg.beta, beta, 1e-9, "beta");
  }
  EXPECT_EQ(rows, 10u);
}

// What must hold for any sample: a random walk is rarely rejected, a stationary AR(1) nearly
// always; a pair built as y = 2 x + noise is cointegrated.
TEST(Cointegration, PowerAndSizeOnSimulatedSeries) {
  Rng rng(5);
  std::vector<double> walk(1000), ar(1000), x(1000), y(1000);
  double w = 0, a = 0, xs = 0;
  for (std::size_t t = 0; t < 1000; ++t) {
    w += rng.normal();
    a = 0.5 * a + rng.normal();
    xs += rng.normal();
    walk[t] = w;
    ar[t] = a;
    x[t] = xs;
    y[t] = 1 + 2 * xs + rng.normal();
  }
  EXPECT_LT(adf_test(ar).p_value, 1e-6);
  const EngleGrangerResult eg = engle_granger(y, x);
  EXPECT_LT(eg.adf.p_value, 1e-6);
  EXPECT_NEAR(eg.beta, 2.0, 0.01);
  EXPECT_GT(mackinnon_p_value(-1.0, 2), 0.5);
  EXPECT_EQ(mackinnon_p_value(-30, 2), 0.0);
  EXPECT_EQ(mackinnon_p_value(3, 1), 1.0);
  test::expect_error([] { mackinnon_p_value(-2, 7); }, ErrorCategory::Usage, {"1 to 6"});
  test::expect_error([&] { engle_granger(y, std::vector<double>(999, 1.0)); }, ErrorCategory::Usage,
                     {"1000 and 999"});
  test::expect_error([&] { engle_granger(y, std::vector<double>(1000, 1.0)); },
                     ErrorCategory::Numeric, {"singular"});
}

}  // namespace
}  // namespace fingen::stats
