#include "fingen/eval/posthoc.hpp"

#include <mutex>

#include "fingen/core/error.hpp"

namespace fingen::eval {

namespace {
std::mutex& scorer_mutex() {
  static std::mutex m;
  return m;
}
PosthocScorer& scorer() {
  static PosthocScorer s;
  return s;
}
}  // namespace

std::pair<WindowSet, WindowSet> posthoc_windows(const Panel& real, const Scenarios& s,
                                                std::size_t L) {
  FG_REQUIRE(L >= 2 && L <= s.horizon && L <= real.rows(),
             "post-hoc windows of {} steps need paths and held-out data at least that long "
             "(paths {}, held-out {})",
             L, s.horizon, real.rows());
  FG_REQUIRE(s.assets == real.cols(), "the paths have {} series, the real data {}", s.assets,
             real.cols());
  WindowSet rw{real.rows() - L + 1, L, real.cols(), {}}, sw{0, L, s.assets, {}};
  for (std::size_t w = 0; w < rw.count; ++w)
    for (std::size_t t = 0; t < L; ++t)
      for (std::size_t a = 0; a < real.cols(); ++a)
        rw.data.push_back(
            real.values(static_cast<Eigen::Index>(w + t), static_cast<Eigen::Index>(a)));
  for (std::size_t p = 0; p < s.paths && sw.count < 4 * rw.count; ++p)
    for (std::size_t t0 = 0; t0 + L <= s.horizon && sw.count < 4 * rw.count; t0 += L, ++sw.count)
      sw.data.insert(sw.data.end(), s.path(p) + t0 * s.assets, s.path(p) + (t0 + L) * s.assets);
  return {std::move(rw), std::move(sw)};
}

void register_posthoc_scorer(PosthocScorer s) {
  std::lock_guard<std::mutex> lock(scorer_mutex());
  scorer() = std::move(s);
}

bool posthoc_available() {
  std::lock_guard<std::mutex> lock(scorer_mutex());
  return static_cast<bool>(scorer());
}

PosthocScores posthoc_scores(const WindowSet& real, const WindowSet& synthetic,
                             const PosthocOptions& options) {
  PosthocScorer s;
  {
    std::lock_guard<std::mutex> lock(scorer_mutex());
    s = scorer();
  }
  FG_REQUIRE(static_cast<bool>(s), "post-hoc scores need a build with LibTorch (fingen_ml)");
  return s(real, synthetic, options);
}

}  // namespace fingen::eval
