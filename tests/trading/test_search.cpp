// Grid search, walk-forward, deflated Sharpe and PBO against an independent NumPy implementation
// (tests/trading/golden/make_search_golden.py -> search_golden.json).
#include "fingen/trading/search.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fingen/core/io.hpp"
#include "test_util.hpp"

namespace fingen::trading {
namespace {

using nlohmann::json;

void expect_close(double got, const json& want, const std::string& what, double rel = 1e-9) {
  if (want.is_null()) {
    EXPECT_TRUE(std::isnan(got)) << what << ": " << got;
    return;
  }
  const double w = want.get<double>();
  EXPECT_NEAR(got, w, rel * std::max(1.0, std::abs(w))) << what;
}

TEST(StrategySearch, AgreesWithNumPy) {
  const json all = json::parse(read_file(std::string(FINGEN_TEST_DATA_DIR) +
                                         "/../trading/golden/search_golden.json"))["cases"];
  ASSERT_GE(all.size(), 2u);
  for (const auto& [name, c] : all.items()) {
    SCOPED_TRACE(name);
    data::ReturnsSource source;
    source.file = test::bundled(c["data"].get<std::string>());
    if (!c["assets"].is_null() && c["data"] != "sp500_ohlcv_2000_2020.csv")
      source.series = c["assets"].get<std::vector<std::string>>();
    const Market m = read_market(source);
    ASSERT_EQ(m.bars(), c["bars"].get<std::size_t>());
    SearchOptions so;
    so.train = c["search_options"]["train"];
    so.test = c["search_options"]["test"];
    so.blocks = c["search_options"]["blocks"];
    const SearchResult r = grid_search(m, c["strategy"], c["grid"], BacktestOptions(), so);
    ASSERT_EQ(r.combinations.size(), c["combinations"].size());
    EXPECT_EQ(r.skipped, c["skipped"].get<std::size_t>());
    for (std::size_t k = 0; k < r.combinations.size(); ++k) {
      const json& g = c["combinations"][k];
      EXPECT_EQ(r.combinations[k].options, g["grid_options"]) << k;
      expect_close(r.combinations[k].full.total_return, g["total_return"], "total return");
      expect_close(r.combinations[k].bar_sharpe, g["bar_sharpe"], "per-bar Sharpe");
    }
    EXPECT_EQ(r.best, c["best"].get<std::size_t>());
    ASSERT_EQ(r.folds.size(), c["folds"].size());
    for (std::size_t k = 0; k < r.folds.size(); ++k) {
      const json& f = c["folds"][k];
      EXPECT_EQ(r.folds[k].train_first, f["train_first"].get<std::size_t>());
      EXPECT_EQ(r.folds[k].test_end, f["test_end"].get<std::size_t>());
      EXPECT_EQ(r.folds[k].chosen, f["chosen"].get<std::size_t>()) << "fold " << k;
      expect_close(r.folds[k].train_sharpe, f["train_sharpe"], "train Sharpe");
      expect_close(r.folds[k].test_sharpe, f["test_sharpe"], "test Sharpe");
    }
    expect_close(r.oos_sharpe, c["oos_sharpe"], "OOS Sharpe");
    expect_close(r.oos_total_return, c["oos_total_return"], "OOS total return");
    expect_close(r.mean_train_sharpe, c["mean_train_sharpe"], "mean train Sharpe");
    expect_close(r.deflated_sharpe, c["deflated_sharpe"], "DSR", 1e-8);
    EXPECT_EQ(r.cscv_splits, c["cscv_splits"].get<std::size_t>());
    expect_close(r.pbo, c["pbo"], "PBO");
  }
}

TEST(StrategySearch, BadGridsAreUsageErrors) {
  data::ReturnsSource source;
  source.file = test::bundled("sp500_ohlcv_2000_2020.csv");
  const Market m = read_market(source);
  const BacktestOptions o;
  test::expect_error([&] { grid_search(m, "sma", json::object(), o); }, ErrorCategory::Usage,
                     {"at least one option"});
  test::expect_error(
      [&] {
        grid_search(m, "sma", json{{"fast", json::array()}}, o);
      },
      ErrorCategory::Usage, {"'fast'"});
  test::expect_error(
      [&] {
        grid_search(m, "sma", json{{"fats", {1, 2}}}, o);
      },
      ErrorCategory::Usage, {"fats"});
  test::expect_error(
      [&] {
        grid_search(m, "sma", json{{"fast", {200}}, {"slow", {100}}}, o);
      },
      ErrorCategory::Usage, {"no valid combination"});
  SearchOptions odd;
  odd.blocks = 7;
  test::expect_error(
      [&] {
        grid_search(m, "sma", json{{"fast", {10}}}, o, odd);
      },
      ErrorCategory::Usage, {"even"});
  SearchOptions long_folds;
  long_folds.train = 5000;
  test::expect_error(
      [&] {
        grid_search(m, "sma", json{{"fast", {10}}}, o, long_folds);
      },
      ErrorCategory::Usage, {"too few for one fold"});
}

}  // namespace
}  // namespace fingen::trading
