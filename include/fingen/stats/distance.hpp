/// @file distance.hpp
/// @brief Distances between two empirical distributions.
///
/// 1-Wasserstein W1(F, G) = integral |F(x) - G(x)| dx, computed exactly for the empirical CDFs by
/// sweeping the merged sorted samples (Vallender 1973; for equal sizes it is mean |x_(i) - y_(i)|).
/// Kolmogorov-Smirnov D = sup |F(x) - G(x)|.
#pragma once

#include <vector>

namespace fingen::stats {

double wasserstein1(std::vector<double> x, std::vector<double> y);
double ks_statistic(std::vector<double> x, std::vector<double> y);

}  // namespace fingen::stats
