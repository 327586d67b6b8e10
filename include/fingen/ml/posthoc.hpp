/// @file posthoc.hpp
/// @brief TimeGAN's post-hoc scores of synthetic time series (Yoon, Jarrett & van der Schaar,
///        "Time-series Generative Adversarial Networks", NeurIPS 2019, section 5 and its code).
///
/// Both work on windows [n, T, F] standardized with the real windows' mean and sd per feature
/// (TimeGAN min-max scales price levels; on returns a single crash day would squeeze all other
/// values into a sliver of [0, 1]).
/// - Discriminative score: a 2-layer GRU classifier (hidden max(4, F/2) units) is trained to tell
/// real (label 1) from synthetic (0) windows on 80% of each, for
///   `iterations` batches; the score is |accuracy - 0.5| on the other 20% (0 = indistinguishable).
/// - Predictive score (train on synthetic, test on real): a 2-layer GRU trained on synthetic
/// windows
///   predicts the next step of the last feature from the other features (all features when F = 1),
///   and is scored by mean absolute error on the real windows. Reported with the same model trained
///   on real windows (train on real, test on real) as the reference.
#pragma once

#include "fingen/eval/posthoc.hpp"

namespace fingen::ml {

using eval::PosthocOptions;
using eval::PosthocScores;
using eval::WindowSet;

PosthocScores posthoc_scores(const WindowSet& real, const WindowSet& synthetic,
                             const PosthocOptions& options = {});

}  // namespace fingen::ml
