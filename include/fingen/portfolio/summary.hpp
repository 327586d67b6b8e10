/// @file summary.hpp
/// @brief What a run's `portfolio` section computes, as it goes to portfolio.json and the report:
/// each optimiser on the training returns, the frontier, the mean-CVaR portfolio each model's
/// scenarios imply, and the rolling out-of-sample backtest on the data.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/time.hpp"
#include "fingen/portfolio/backtest.hpp"
#include "fingen/portfolio/optimize.hpp"
#include "fingen/portfolio/screen.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/trading/metrics.hpp"

namespace fingen::portfolio {

struct OutOfSample {
  std::string method;
  trading::Metrics gross, net;
  double realised_cvar = 0, costs = 0;
  std::size_t rebalances = 0, fallbacks = 0;
  std::vector<double> equity;  ///< net, one per evaluation bar
};

struct PortfolioSummary {
  std::vector<std::string> assets;
  std::string estimated_on;  ///< e.g. "2000-01-04 .. 2005-12-30"
  double alpha = 0.05;
  std::vector<Portfolio> historical;  ///< each method on the training returns
  std::vector<Portfolio> frontier;
  std::vector<std::pair<std::string, Portfolio>> by_model;  ///< mean-CVaR over each model's paths
  std::size_t window = 0, every = 0;
  std::vector<std::string> dates;  ///< the out-of-sample bars
  std::vector<OutOfSample> backtest;
  /// The screen over each model's scenarios: candidates evaluated, and the best that passed.
  std::vector<std::pair<std::string, ScreenResult>> screens;
};

struct PortfolioRequest {
  trading::Market market;         ///< the data's prices (every bar)
  Eigen::MatrixXd train_returns;  ///< log returns up to the end of training
  std::string estimated_on;
  std::vector<std::pair<std::string, const Scenarios*>> models;
  std::vector<std::string> methods;  ///< empty: all
  RollingOptions rolling;
  std::size_t frontier_points = 15;
  bool screen = false;
  ScreenOptions screen_options;
  std::size_t screen_top = 10;  ///< candidates kept per model
};

PortfolioSummary summarize(const PortfolioRequest& request);

nlohmann::json to_json(const PortfolioSummary& s);
/// Reads portfolio.json as to_json wrote it; Error(Input) naming the file otherwise.
PortfolioSummary read_portfolio_summary(const std::string& file);

}  // namespace fingen::portfolio
