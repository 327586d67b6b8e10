/// @file html.hpp
/// @brief One self-contained HTML report of a `fingen run` directory, charts by Vega-Lite.
///
/// The page inlines Vega, Vega-Lite and vega-embed (third_party/vega, BSD-3-Clause) so it opens
/// offline. It shows real vs synthetic sample paths and a fan chart of quantiles per model, return
/// densities and QQ plots against the held-out real returns, ACF curves of |r| and the leverage
/// effect, the metrics table with the best model per row, GAN training losses, the VaR backtest
/// (losses, VaR and exceptions) with its test table, and the run manifest.
#pragma once

#include <string>

namespace fingen::report {

/// Directory holding vega.min.js, vega-lite.min.js and vega-embed.min.js (set at build time).
std::string default_assets_dir();

/// Writes the report of `run_dir` (as written by `fingen run`) to `out_html` atomically. Returns
/// the number of charts on the page.
int write_run_report(const std::string& run_dir, const std::string& out_html,
                     const std::string& assets_dir = default_assets_dir());

}  // namespace fingen::report
