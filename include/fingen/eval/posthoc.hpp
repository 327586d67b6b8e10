/// @file posthoc.hpp
/// @brief TimeGAN's post-hoc scores of synthetic time series (Yoon, Jarrett & van der Schaar,
///        "Time-series Generative Adversarial Networks", NeurIPS 2019, section 5 and its code),
///        seen from fingen_core.
///
/// The scores train small GRUs, so they are computed by fingen_ml (ml/posthoc.hpp documents
/// them); fingen_ml registers its implementation when it is linked, and posthoc_available() says
/// whether this program has one. The windowing (which real and synthetic windows are compared)
/// is defined here, once, for every caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "fingen/core/options.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/scenario/scenarios.hpp"

namespace fingen::eval {

/// Windows as a flat [count, length, features] array (row-major).
struct WindowSet {
  std::size_t count = 0, length = 0, features = 0;
  std::vector<double> data;
};

struct PosthocOptions {
  FG_ARG(int64_t, iterations) = 2000;
  FG_ARG(int64_t, batch_size) = 128;
  FG_ARG(int64_t, hidden) = 0;  ///< 0: max(4, features / 2) as in TimeGAN's code (which uses F/2)
  FG_ARG(uint64_t, seed) = 1;
};

struct PosthocScores {
  double discriminative = 0;  ///< |accuracy - 0.5|
  double accuracy = 0;
  double predictive_tstr = 0;  ///< MAE on real windows of a model trained on synthetic ones
  double predictive_trtr = 0;  ///< same, trained on real windows (reference)
};

/// Every window of `length` rows of the real data (stride 1), and non-overlapping windows of the
/// paths (at most 4 times as many as real ones). Error(Usage) when `length` exceeds either.
std::pair<WindowSet, WindowSet> posthoc_windows(const Panel& real, const Scenarios& paths,
                                                std::size_t length);

using PosthocScorer =
    std::function<PosthocScores(const WindowSet&, const WindowSet&, const PosthocOptions&)>;
void register_posthoc_scorer(PosthocScorer scorer);
/// True when a scorer is linked in (fingen_ml).
bool posthoc_available();
/// The scores; Error(Usage) when no scorer is linked in.
PosthocScores posthoc_scores(const WindowSet& real, const WindowSet& synthetic,
                             const PosthocOptions& options = {});

}  // namespace fingen::eval
