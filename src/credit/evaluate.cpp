// Repeated stratified cross-validation of detectors, SMOTE, and the corrected resampled interval.
#include "fingen/credit/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <tuple>

#include <fmt/format.h>
#include <omp.h>
#include <boost/math/distributions/students_t.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/registry.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/eval/classification.hpp"

namespace fingen::credit {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Interval interval(const std::vector<double>& v, double test_over_train) {
  Interval r;
  const double n = static_cast<double>(v.size());
  for (double x : v) r.mean += x / n;
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.sd = v.size() > 1 ? std::sqrt(ss / (n - 1)) : 0;
  if (v.size() < 2) {
    r.lower = r.upper = r.mean;
    return r;
  }
  const double se = std::sqrt((1 / n + test_over_train) * r.sd * r.sd);
  const double t =
      boost::math::quantile(boost::math::students_t_distribution<double>(n - 1), 0.975);
  r.lower = r.mean - t * se;
  r.upper = r.mean + t * se;
  return r;
}

Eigen::MatrixXd rows_of(const Eigen::MatrixXd& x, const std::vector<Eigen::Index>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  return out;
}
}  // namespace

std::vector<int> stratified_folds(const std::vector<int>& y, int k, std::uint64_t seed) {
  FG_REQUIRE(k >= 2, "stratified folds: k must be at least 2, got {}", k);
  std::vector<int> fold(y.size(), 0);
  Rng rng(seed);
  std::size_t next = 0;  // the second class continues where the first left off: sizes within 1
  for (int cls : {1, 0}) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == cls) rows.push_back(i);
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
    for (std::size_t i = 0; i < rows.size(); ++i, ++next)
      fold[rows[i]] = static_cast<int>(next % static_cast<std::size_t>(k));
  }
  return fold;
}

Eigen::MatrixXd smote(const Eigen::MatrixXd& pos, std::size_t count, std::size_t k,
                      std::uint64_t seed) {
  FG_REQUIRE(pos.rows() >= 2, "smote: needs at least 2 positive rows, got {}", pos.rows());
  FG_REQUIRE(k >= 1, "smote: k must be at least 1");
  const auto n = static_cast<std::size_t>(pos.rows());
  const std::size_t kk = std::min(k, n - 1);
  // The kk nearest other positives of each positive.
  std::vector<std::vector<std::size_t>> nn(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, std::size_t>> d;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i)
        d.emplace_back(
            (pos.row(static_cast<Eigen::Index>(i)) - pos.row(static_cast<Eigen::Index>(j)))
                .squaredNorm(),
            j);
    std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(kk), d.end());
    for (std::size_t m = 0; m < kk; ++m) nn[i].push_back(d[m].second);
  }
  Rng rng(seed);
  Eigen::MatrixXd out(static_cast<Eigen::Index>(count), pos.cols());
  for (std::size_t s = 0; s < count; ++s) {
    const std::size_t i = rng.below(n);
    const std::size_t j = nn[i][rng.below(kk)];
    const double u = rng.uniform();
    out.row(static_cast<Eigen::Index>(s)) =
        pos.row(static_cast<Eigen::Index>(i)) +
        u * (pos.row(static_cast<Eigen::Index>(j)) - pos.row(static_cast<Eigen::Index>(i)));
  }
  return out;
}

namespace {
Registry<OversamplerKind>& oversamplers_registry() {
  static Registry<OversamplerKind> r("oversampler");
  return r;
}
const bool g_registered = [] {
  register_oversampler(
      {"smote",
       "SMOTE (Chawla et al. 2002): points on segments between a positive row and one of its k "
       "nearest positive neighbours",
       {OptionInfo{"k", "int", 5, "nearest neighbours (Chawla et al.: 5)"}},
       [](const nlohmann::json& o, const std::vector<int>&) -> Oversampler {
         const std::size_t k = o.value("k", std::size_t{5});
         FG_REQUIRE(k >= 1 && k <= 1000, "smote options: k must be in 1..1000");
         return [k](const Eigen::MatrixXd& x, const std::vector<int>& y, std::size_t count,
                    std::uint64_t seed) {
           std::vector<Eigen::Index> pos;
           for (std::size_t i = 0; i < y.size(); ++i)
             if (y[i]) pos.push_back(static_cast<Eigen::Index>(i));
           return smote(rows_of(x, pos), count, k, seed);
         };
       }});
  return true;
}();
}  // namespace

void register_oversampler(OversamplerKind kind) {
  oversamplers_registry().add(std::move(kind));
}
const OversamplerKind& oversampler_kind(const std::string& name) {
  (void)g_registered;
  return oversamplers_registry().get(name);
}
std::vector<std::string> oversampler_kinds() {
  (void)g_registered;
  return oversamplers_registry().names();
}
Oversampler make_oversampler(const std::string& kind, const nlohmann::json& options,
                             const std::vector<int>& groups, const std::string& where) {
  const OversamplerKind& k = oversampler_kind(kind);
  const std::string at = where.empty() ? kind + " options" : where;
  const nlohmann::json opts = options.is_null() ? nlohmann::json::object() : options;
  check_option_keys(opts, k.options, at);
  for (const auto& info : k.options)
    if (opts.contains(info.name)) detail::checked_option_value(opts, info.name, info.type, at);
  return k.make(opts, groups);
}

std::vector<CvResult> cross_validate(
    const Eigen::MatrixXd& x, const std::vector<int>& y, const std::vector<DetectorSpec>& specs,
    const CvOptions& o, const std::vector<std::pair<std::string, Oversampler>>& oversamplers,
    const std::function<void(const std::string&)>& progress) {
  FG_REQUIRE(static_cast<std::size_t>(x.rows()) == y.size(), "cross-validation: {} rows, {} labels",
             x.rows(), y.size());
  FG_REQUIRE(o.folds() >= 2 && o.folds() <= 100 && o.repeats() >= 1 && o.repeats() <= 100,
             "cross-validation: folds in 2..100 and repeats in 1..100");
  FG_REQUIRE(o.oversample_to() >= 0 && o.oversample_to() < 1,
             "cross-validation: oversample_to must be in [0, 1)");
  FG_REQUIRE(!specs.empty(), "cross-validation: no models");
  FG_REQUIRE(o.groups().empty() || o.groups().size() == static_cast<std::size_t>(x.cols()),
             "cross-validation: {} column groups for {} columns", o.groups().size(), x.cols());
  const std::size_t np = static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
  FG_CHECK(Input,
           np >= static_cast<std::size_t>(o.folds()) &&
               y.size() - np >= static_cast<std::size_t>(o.folds()),
           "cross-validation: {} positive and {} negative rows; each class needs at least one per "
           "fold ({})",
           np, y.size() - np, o.folds());
  // The runs: every spec; supervised specs again with each oversampler when asked.
  struct Run {
    const DetectorSpec* spec;
    std::string oversampling;
    const Oversampler* sampler;
    std::size_t sampler_index;
  };
  std::vector<Run> runs;
  for (const auto& s : specs) {
    const auto probe = make_detector(s.kind, s.options, 0, "detector " + s.name);
    runs.push_back({&s, "none", nullptr, 0});
    if (probe->supervised() && o.oversample_to() > 0)
      for (std::size_t i = 0; i < oversamplers.size(); ++i)
        runs.push_back({&s, oversamplers[i].first, &oversamplers[i].second, i});
  }
  const auto R = static_cast<std::size_t>(o.repeats()), F = static_cast<std::size_t>(o.folds());
  std::vector<std::vector<int>> folds;
  for (std::size_t rep = 0; rep < R; ++rep)
    folds.push_back(stratified_folds(y, o.folds(), o.seed() + rep));
  // One (repeat, fold): its rows, standardised with the training fold only (constant columns:
  // centred, not scaled).
  struct Fold {
    std::vector<Eigen::Index> tr, te;
    Eigen::MatrixXd xtr, xte;
    std::vector<int> ytr, yte;
  };
  auto make_fold = [&](std::size_t rep, std::size_t f) {
    Fold d;
    for (std::size_t i = 0; i < y.size(); ++i)
      (folds[rep][i] == static_cast<int>(f) ? d.te : d.tr).push_back(static_cast<Eigen::Index>(i));
    d.xtr = rows_of(x, d.tr);
    d.xte = rows_of(x, d.te);
    for (auto i : d.tr) d.ytr.push_back(y[static_cast<std::size_t>(i)]);
    for (auto i : d.te) d.yte.push_back(y[static_cast<std::size_t>(i)]);
    const Eigen::RowVectorXd mean = d.xtr.colwise().mean();
    Eigen::RowVectorXd sd = ((d.xtr.rowwise() - mean).array().square().colwise().sum() /
                             std::max<double>(1.0, static_cast<double>(d.xtr.rows() - 1)))
                                .sqrt();
    for (Eigen::Index j = 0; j < sd.size(); ++j)
      if (!(sd(j) > 1e-12)) sd(j) = 1;
    d.xtr = (d.xtr.rowwise() - mean).array().rowwise() / sd.array();
    d.xte = (d.xte.rowwise() - mean).array().rowwise() / sd.array();
    return d;
  };
  auto fold_seed = [&](std::size_t rep, std::size_t f) {
    return o.seed() * 1000003u + static_cast<std::uint64_t>(rep * 101 + f);
  };
  // Extra rows m so that (p + m) / (n + m) = share.
  auto extra_count = [&](const std::vector<int>& ytr) {
    const double p = static_cast<double>(std::count(ytr.begin(), ytr.end(), 1)),
                 n = static_cast<double>(ytr.size()), share = o.oversample_to();
    return static_cast<std::size_t>(std::max(0.0, std::ceil((share * n - p) / (1 - share))));
  };

  // Every task is independent and seeded by its (repeat, fold), and the detectors and
  // oversamplers run single-threaded inside it, so results do not depend on the thread count.
  // Exceptions are kept per task and the first in task order is rethrown.
  const int threads = o.threads() > 0 ? o.threads() : omp_get_max_threads();
  std::mutex progress_mutex;
  auto say = [&](const std::string& m) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress(m);
  };
  auto run_tasks = [&](std::size_t n, const std::function<void(std::size_t)>& task) {
    std::vector<std::exception_ptr> errors(n);
    const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::int64_t t = 0; t < count; ++t) {
      try {
        task(static_cast<std::size_t>(t));
      } catch (...) {
        errors[static_cast<std::size_t>(t)] = std::current_exception();
      }
    }
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  };

  // 1. Each oversampler's rows for each (repeat, fold), made once and shared by the specs.
  std::vector<Eigen::MatrixXd> extra(oversamplers.size() * R * F);
  if (o.oversample_to() > 0 && !oversamplers.empty()) {
    run_tasks(extra.size(), [&](std::size_t k) {
      const std::size_t si = k / (R * F), rep = k / F % R, f = k % F;
      say(fmt::format("{}: repeat {}/{}, fold {}/{}", oversamplers[si].first, rep + 1, R, f + 1,
                      F));
      const Fold d = make_fold(rep, f);
      const std::size_t m = extra_count(d.ytr);
      if (m == 0) return;
      Eigen::MatrixXd made = oversamplers[si].second(d.xtr, d.ytr, m, fold_seed(rep, f));
      FG_CHECK(Numeric,
               made.rows() == static_cast<Eigen::Index>(m) && made.cols() == d.xtr.cols() &&
                   made.allFinite(),
               "oversampler {} returned rows of the wrong shape or non-finite values",
               oversamplers[si].first);
      extra[k] = std::move(made);
    });
  }

  // 2. Every run on every (repeat, fold).
  struct Outcome {
    std::vector<double> scores;
    bool supervised = false;
    double auroc = 0, auprc = 0, brier = kNaN, recall = 0, test_over_train = 0, seconds = 0;
  };
  std::vector<Outcome> outcomes(runs.size() * R * F);
  run_tasks(outcomes.size(), [&](std::size_t k) {
    const Run& run = runs[k / (R * F)];
    const std::size_t rep = k / F % R, f = k % F;
    say(fmt::format("{} ({}): repeat {}/{}, fold {}/{}", run.spec->name, run.oversampling, rep + 1,
                    R, f + 1, F));
    const auto t0 = std::chrono::steady_clock::now();
    Fold d = make_fold(rep, f);
    Outcome& out = outcomes[k];
    out.test_over_train = static_cast<double>(d.te.size()) / static_cast<double>(d.tr.size());
    if (run.sampler) {
      const Eigen::MatrixXd& more = extra[(run.sampler_index * R + rep) * F + f];
      if (more.rows() > 0) {
        Eigen::MatrixXd both(d.xtr.rows() + more.rows(), d.xtr.cols());
        both << d.xtr, more;
        d.xtr = std::move(both);
        d.ytr.insert(d.ytr.end(), static_cast<std::size_t>(more.rows()), 1);
      }
    }
    auto det = make_detector(run.spec->kind, run.spec->options, fold_seed(rep, f),
                             "detector " + run.spec->name);
    out.supervised = det->supervised();
    if (!o.groups().empty()) det->set_groups(o.groups());
    det->fit(d.xtr, d.ytr);
    const Eigen::VectorXd s = det->score(d.xte);
    FG_CHECK(Numeric, s.allFinite(), "{}: a score is not finite", run.spec->name);
    out.scores.assign(s.data(), s.data() + s.size());
    out.auroc = eval::auroc(out.scores, d.yte);
    out.auprc = eval::average_precision(out.scores, d.yte);
    if (out.supervised) out.brier = eval::brier(out.scores, d.yte);
    out.recall = eval::recall_at_fpr(out.scores, d.yte, 0.01);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  });

  // 3. The results, in run order: folds in order, out-of-fold scores from the first repeat.
  std::vector<CvResult> results;
  for (std::size_t ri = 0; ri < runs.size(); ++ri) {
    const Run& run = runs[ri];
    CvResult r;
    r.name = run.spec->name;
    r.kind = run.spec->kind;
    r.oversampling = run.oversampling;
    r.oof.assign(y.size(), kNaN);
    double recall = 0, test_over_train = 0;
    for (std::size_t rep = 0; rep < R; ++rep)
      for (std::size_t f = 0; f < F; ++f) {
        const Outcome& out = outcomes[(ri * R + rep) * F + f];
        r.supervised = out.supervised;
        if (rep == 0) {
          std::size_t j = 0;
          for (std::size_t i = 0; i < y.size(); ++i)
            if (folds[0][i] == static_cast<int>(f)) r.oof[i] = out.scores[j++];
        }
        r.auroc.push_back(out.auroc);
        r.auprc.push_back(out.auprc);
        r.brier.push_back(out.brier);
        recall += out.recall;
        test_over_train = out.test_over_train;
        r.seconds += out.seconds;
      }
    const double n = static_cast<double>(r.auroc.size());
    r.recall_at_1pct_fpr = recall / n;
    r.auroc_ci = interval(r.auroc, test_over_train);
    r.auprc_ci = interval(r.auprc, test_over_train);
    results.push_back(std::move(r));
  }
  return results;
}

PrivacyCheck privacy_check(const Eigen::MatrixXd& real, const Eigen::MatrixXd& syn) {
  FG_REQUIRE(real.rows() >= 2 && real.cols() == syn.cols() && syn.rows() >= 1,
             "privacy check: {} real rows and {} synthetic rows of {} and {} columns", real.rows(),
             syn.rows(), real.cols(), syn.cols());
  auto nearest = [&](const Eigen::RowVectorXd& v, Eigen::Index skip) {
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < real.rows(); ++i)
      if (i != skip) best = std::min(best, (real.row(i) - v).squaredNorm());
    return std::sqrt(best);
  };
  std::vector<double> ds, dr;
  PrivacyCheck c;
  c.synthetic = static_cast<std::size_t>(syn.rows());
  for (Eigen::Index i = 0; i < syn.rows(); ++i) {
    ds.push_back(nearest(syn.row(i), -1));
    if (ds.back() < 1e-9) ++c.exact_copies;
  }
  for (Eigen::Index i = 0; i < real.rows(); ++i) dr.push_back(nearest(real.row(i), i));
  auto q = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  c.synthetic_median = q(ds, 0.5);
  c.synthetic_q05 = q(ds, 0.05);
  c.real_median = q(dr, 0.5);
  c.real_q05 = q(dr, 0.05);
  return c;
}

nlohmann::json to_json(const std::vector<CvResult>& rs) {
  nlohmann::json a = nlohmann::json::array();
  auto ci = [](const Interval& i) {
    return nlohmann::json{{"mean", i.mean}, {"lower", i.lower}, {"upper", i.upper}, {"sd", i.sd}};
  };
  for (const auto& r : rs) {
    nlohmann::json brier = nlohmann::json::array();
    for (double b : r.brier)
      brier.push_back(std::isfinite(b) ? nlohmann::json(b) : nlohmann::json());
    a.push_back({{"name", r.name},
                 {"kind", r.kind},
                 {"oversampling", r.oversampling},
                 {"supervised", r.supervised},
                 {"auroc", ci(r.auroc_ci)},
                 {"auprc", ci(r.auprc_ci)},
                 {"auroc_folds", r.auroc},
                 {"auprc_folds", r.auprc},
                 {"brier_folds", brier},
                 {"recall_at_1pct_fpr", r.recall_at_1pct_fpr},
                 {"seconds", r.seconds},
                 {"oof", r.oof}});
  }
  return a;
}

std::vector<CvResult> cv_results_from_json(const nlohmann::json& j, const std::string& file) {
  std::vector<CvResult> out;
  try {
    FG_CHECK(Input, j.is_array(), "expected an array of results");
    auto ci = [](const nlohmann::json& c) {
      return Interval{c.at("mean").get<double>(), c.at("lower").get<double>(),
                      c.at("upper").get<double>(), c.at("sd").get<double>()};
    };
    for (const auto& e : j) {
      CvResult r;
      r.name = e.at("name").get<std::string>();
      r.kind = e.at("kind").get<std::string>();
      r.oversampling = e.at("oversampling").get<std::string>();
      r.supervised = e.at("supervised").get<bool>();
      r.auroc_ci = ci(e.at("auroc"));
      r.auprc_ci = ci(e.at("auprc"));
      r.auroc = e.at("auroc_folds").get<std::vector<double>>();
      r.auprc = e.at("auprc_folds").get<std::vector<double>>();
      for (const auto& b : e.at("brier_folds"))
        r.brier.push_back(b.is_null() ? kNaN : b.get<double>());
      r.recall_at_1pct_fpr = e.at("recall_at_1pct_fpr").get<double>();
      r.seconds = e.at("seconds").get<double>();
      for (const auto& v : e.at("oof")) r.oof.push_back(v.is_null() ? kNaN : v.get<double>());
      out.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, "results"}, e.what());
  } catch (const Error& e) {
    throw_input_error({file, 0, "results"}, e.what());
  }
  return out;
}

std::string format_table(const std::vector<CvResult>& rs) {
  std::string out =
      fmt::format("{:<18} {:<12} {:<11} {:>23} {:>23} {:>9} {:>8}\n", "model", "oversample",
                  "learns from", "AUROC [95% CI]", "AUPRC [95% CI]", "R@1%FPR", "seconds");
  for (const auto& r : rs)
    out += fmt::format(
        "{:<18} {:<12} {:<11} {:>7.4f} [{:.4f}, {:.4f}] {:>7.4f} [{:.4f}, {:.4f}] "
        "{:>9.3f} {:>8.1f}\n",
        r.name, r.oversampling, r.supervised ? "both" : "negatives", r.auroc_ci.mean,
        r.auroc_ci.lower, r.auroc_ci.upper, r.auprc_ci.mean, r.auprc_ci.lower, r.auprc_ci.upper,
        r.recall_at_1pct_fpr, r.seconds);
  return out;
}

}  // namespace fingen::credit
