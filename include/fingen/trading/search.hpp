/// @file search.hpp
/// @brief Grid search over a strategy's options with walk-forward evaluation, the deflated Sharpe
/// ratio and the probability of backtest overfitting.
///
/// Grid. Each option gets a list of values; the combinations are the product, in the order of the
/// option names sorted alphabetically, the last name varying fastest. Combinations the strategy
/// refuses (fast >= slow, ...) are skipped and counted. Each combination is backtested once on the
/// whole market (net of costs; its weights are causal), giving per-bar net returns
/// r_t = E_t / E_{t-1} - 1, t = 1 .. T-1. "Sharpe" below is mean(r) / sd(r) (sd ddof 1) over the
/// bars named, times sqrt(periods_per_year) where it says annualised; NaN (sd = 0 or fewer than 2
/// returns) counts as the lowest value when choosing or ranking.
///
/// Walk-forward. Fold k trains on the returns of bars [a_k, a_k + train) and tests on
/// [a_k + train, a_k + train + test), with a_0 = 1 and a_{k+1} = a_k + test, for as long as a whole
/// test window fits. In each fold the combination with the highest annualised Sharpe on the train
/// window is chosen (ties: the first) and its returns on the test window are kept. The
/// out-of-sample record is those test returns in order: its annualised Sharpe and total return
/// prod(1 + r) - 1. (The returns are those of each combination's own full-sample run, so a switch
/// between combinations at a fold boundary is not charged extra costs.)
///
/// Deflated Sharpe ratio (Bailey & Lopez de Prado 2014, "The deflated Sharpe ratio", J. Portfolio
/// Management 40(5)): with N combinations, V the variance (ddof 1) of their full-sample per-bar
/// (not annualised) Sharpe ratios, gamma = 0.5772156649015329 (Euler-Mascheroni),
///   SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))),
/// and the best combination's per-bar Sharpe SR over its n returns with skewness g3 and
/// (non-excess) kurtosis g4 (population moments, ddof 0):
///   DSR = Phi((SR - SR0) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2)).
/// NaN with fewer than 2 combinations.
///
/// Probability of backtest overfitting (Bailey, Borwein, Lopez de Prado & Zhu 2017, "The
/// probability of backtest overfitting", J. Computational Finance 20(4); CSCV): the n per-bar
/// returns, less the first n mod S, are cut into S equal blocks in time order (S even). For each
/// of the C(S, S/2) ways to pick S/2 blocks as in-sample (in lexicographic order of the block
/// sets), the rest being out-of-sample: the combination with the highest in-sample Sharpe
/// (per-bar, over the in-sample blocks' returns; ties: the first) is found, its out-of-sample
/// Sharpe gets rank = 1 + the number of combinations with a strictly lower out-of-sample Sharpe,
/// w = rank / (N + 1) and the logit l = ln(w / (1 - w)). PBO = the share of the choices with
/// l <= 0. NaN with fewer than 2 combinations.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/trading/backtest.hpp"

namespace fingen::trading {

struct SearchOptions {
  std::size_t train = 756;  ///< bars of each walk-forward train window
  std::size_t test = 252;   ///< bars of each test window
  std::size_t blocks = 16;  ///< S of CSCV (even, >= 2)
};

struct Combination {
  nlohmann::json options;  ///< the strategy's options
  Metrics full;            ///< net metrics over the whole market
  double bar_sharpe = std::numeric_limits<double>::quiet_NaN();  ///< per-bar full-sample Sharpe
};

struct Fold {
  std::size_t train_first = 0, test_first = 0, test_end = 0;  ///< bars [first, end)
  std::size_t chosen = 0;                                     ///< index into combinations
  double train_sharpe = 0, test_sharpe = 0;                   ///< annualised
};

struct SearchResult {
  std::string strategy;
  std::vector<Combination> combinations;
  std::size_t skipped = 0;  ///< combinations the strategy refused
  std::size_t best = 0;     ///< highest full-sample per-bar Sharpe (ties: the first)
  std::vector<Fold> folds;
  double oos_sharpe = std::numeric_limits<double>::quiet_NaN();  ///< annualised
  double oos_total_return = std::numeric_limits<double>::quiet_NaN();
  double mean_train_sharpe = std::numeric_limits<double>::quiet_NaN();  ///< of the chosen
  double deflated_sharpe = std::numeric_limits<double>::quiet_NaN();
  double pbo = std::numeric_limits<double>::quiet_NaN();
  std::size_t cscv_splits = 0;
};

/// `grid`: {"option": [values...], ...} for `strategy`. Error(Usage) for an empty grid, a value
/// list that is empty, no valid combination, too few bars for one fold, or an odd S.
SearchResult grid_search(const Market& market, const std::string& strategy,
                         const nlohmann::json& grid, const BacktestOptions& options,
                         const SearchOptions& search = {});

nlohmann::json to_json(const SearchResult& result);

}  // namespace fingen::trading
