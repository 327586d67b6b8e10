// Credit and fraud work from table files: evaluate (cross-validation, oversampling, privacy),
// fit into a model directory, score a new table.
#include "fingen/credit/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/json_numbers.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/credit/logistic.hpp"
#include "fingen/eval/classification.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::credit {

namespace {
constexpr const char* kModelKind = "credit-detector";

/// Column means and sample sds over all rows (constant columns: sd 1, centred only), as the
/// cross-validation standardises each training fold.
void scaling(const Eigen::MatrixXd& x, Eigen::RowVectorXd& mean, Eigen::RowVectorXd& sd) {
  mean = x.colwise().mean();
  sd = ((x.rowwise() - mean).array().square().colwise().sum() /
        std::max<double>(1.0, static_cast<double>(x.rows() - 1)))
           .sqrt();
  for (Eigen::Index j = 0; j < sd.size(); ++j)
    if (!(sd(j) > 1e-12)) sd(j) = 1;
}

Eigen::MatrixXd standardise(const Eigen::MatrixXd& x, const Eigen::RowVectorXd& mean,
                            const Eigen::RowVectorXd& sd) {
  return (x.rowwise() - mean).array().rowwise() / sd.array();
}
}  // namespace

// ---- encoding ----------------------------------------------------------------------------

Encoding encoding_of(const data::LabelledTable& t) {
  Encoding e;
  e.label = t.label_name;
  e.positive = t.positive_class;
  e.negative = t.negative_class;
  for (const auto& f : t.features) {
    Encoding::Column c{f.name, f.categorical, f.levels};
    std::sort(c.levels.begin(), c.levels.end());
    e.features.push_back(std::move(c));
  }
  return e;
}

std::vector<std::string> Encoding::design_names() const {
  std::vector<std::string> names;
  for (const auto& c : features) {
    if (!c.categorical) names.push_back(c.name);
    for (std::size_t k = 1; k < c.levels.size(); ++k) names.push_back(c.name + "=" + c.levels[k]);
  }
  return names;
}

std::vector<int> Encoding::design_groups() const {
  std::vector<int> groups;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (!features[i].categorical) groups.push_back(-1);
    for (std::size_t k = 1; k < features[i].levels.size(); ++k)
      groups.push_back(static_cast<int>(i));
  }
  return groups;
}

Eigen::MatrixXd encode(const data::LabelledTable& t, const Encoding& e) {
  const auto n = static_cast<Eigen::Index>(t.rows());
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(e.design_names().size()));
  Eigen::Index col = 0;
  for (const auto& c : e.features) {
    const auto it = std::find_if(t.features.begin(), t.features.end(),
                                 [&](const data::Feature& f) { return f.name == c.name; });
    if (it == t.features.end())
      throw_input_error({t.source, 1, c.name}, "missing column (the model was fitted with it)");
    const data::Feature& f = *it;
    if (f.categorical != c.categorical)
      throw_input_error({t.source, 1, c.name},
                        c.categorical ? "numeric here, categorical in the table the model was "
                                        "fitted on"
                                      : "not numeric here, numeric in the table the model was "
                                        "fitted on");
    if (!c.categorical) {
      for (Eigen::Index i = 0; i < n; ++i) {
        const double v = f.numeric[static_cast<std::size_t>(i)];
        if (!std::isfinite(v))
          throw_input_error({t.source, static_cast<std::size_t>(i) + 2, c.name},
                            "missing value (clean the table first)");
        x(i, col) = v;
      }
      ++col;
      continue;
    }
    // Map this table's level codes to the fitted levels (index 0: the reference).
    std::vector<int> to_fitted(f.levels.size(), -1);
    for (std::size_t k = 0; k < f.levels.size(); ++k) {
      const auto at = std::find(c.levels.begin(), c.levels.end(), f.levels[k]);
      if (at != c.levels.end()) to_fitted[k] = static_cast<int>(at - c.levels.begin());
    }
    const auto width = static_cast<Eigen::Index>(c.levels.size()) - 1;
    x.block(0, col, n, width).setZero();
    for (Eigen::Index i = 0; i < n; ++i) {
      const int code = f.codes[static_cast<std::size_t>(i)];
      if (code < 0)
        throw_input_error({t.source, static_cast<std::size_t>(i) + 2, c.name},
                          "missing value (clean the table first)");
      const int level = to_fitted[static_cast<std::size_t>(code)];
      if (level < 0)
        throw_input_error(
            {t.source, static_cast<std::size_t>(i) + 2, c.name},
            fmt::format("level '{}' was not seen when the model was fitted "
                        "(levels: {})",
                        f.levels[static_cast<std::size_t>(code)], fmt::join(c.levels, ", ")));
      if (level > 0) x(i, col + level - 1) = 1;
    }
    col += width;
  }
  return x;
}

nlohmann::json to_json(const Encoding& e) {
  nlohmann::json f = nlohmann::json::array();
  for (const auto& c : e.features)
    f.push_back({{"name", c.name}, {"categorical", c.categorical}, {"levels", c.levels}});
  return {{"features", f}, {"label", e.label}, {"positive", e.positive}, {"negative", e.negative}};
}

Encoding encoding_from_json(const nlohmann::json& j, const std::string& file) {
  Encoding e;
  try {
    e.label = j.at("label").get<std::string>();
    e.positive = j.at("positive").get<std::string>();
    e.negative = j.at("negative").get<std::string>();
    FG_CHECK(Input, j.at("features").is_array() && !j.at("features").empty(),
             "\"features\" must be a non-empty array");
    for (const auto& c : j.at("features")) {
      Encoding::Column col{c.at("name").get<std::string>(), c.at("categorical").get<bool>(),
                           c.at("levels").get<std::vector<std::string>>()};
      FG_CHECK(Input, !col.categorical || !col.levels.empty(),
               "categorical feature '{}' has no levels", col.name);
      FG_CHECK(Input, std::is_sorted(col.levels.begin(), col.levels.end()),
               "the levels of '{}' are not in byte order", col.name);
      e.features.push_back(std::move(col));
    }
  } catch (const nlohmann::json::exception& ex) {
    throw_input_error({file, 0, "encoding"}, ex.what());
  } catch (const Error& ex) {
    throw_input_error({file, 0, "encoding"}, ex.what());
  }
  return e;
}

// ---- evaluate ----------------------------------------------------------------------------

std::vector<std::string> constant_features(const data::LabelledTable& table) {
  std::vector<std::string> out;
  for (const data::Feature& f : table.features) {
    bool constant = true;
    if (f.categorical) {
      int first = -1;
      for (int c : f.codes)
        if (c >= 0) {
          if (first < 0) first = c;
          constant = constant && c == first;
        }
    } else {
      double first = std::numeric_limits<double>::quiet_NaN();
      for (double v : f.numeric)
        if (!std::isnan(v)) {
          if (std::isnan(first)) first = v;
          constant = constant && v == first;
        }
    }
    if (constant) out.push_back(f.name);
  }
  return out;
}

std::string format_constant_features(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  return fmt::format(
      "note: {} feature{} constant in every row and carr{} no information: {} (kept; logistic "
      "regression gives {} no coefficient)\n",
      names.size(), names.size() == 1 ? " is" : "s are", names.size() == 1 ? "ies" : "y",
      fmt::join(names, ", "), names.size() == 1 ? "it" : "them");
}

EvaluateReport evaluate_table(const EvaluateRequest& q) {
  FG_REQUIRE(!q.models.empty(), "credit evaluate: no models");
  for (const auto& m : q.models) (void)make_detector(m.kind, m.options, 0, m.name + " options");
  const auto table = data::read_labelled(q.data, q.table);
  const Design d = treatment_design(table);
  std::vector<std::pair<std::string, Oversampler>> samplers;
  for (const auto& s : q.oversamplers)
    samplers.emplace_back(s.name,
                          make_oversampler(s.kind, s.options, d.groups, s.name + " options"));
  EvaluateReport r;
  r.data = q.data;
  r.label = table.label_name;
  r.positive = table.positive_class;
  r.rows = table.rows();
  r.positives = table.positives();
  r.columns = static_cast<std::size_t>(d.x.cols());
  r.constant_features = constant_features(table);
  r.folds = q.cv.folds();
  r.repeats = q.cv.repeats();
  r.seed = q.cv.seed();
  r.oversample_to = q.cv.oversample_to();
  r.labels = d.y;
  CvOptions cv = q.cv;
  cv.groups(d.groups);
  r.results = cross_validate(d.x, d.y, q.models, cv, samplers, q.progress);
  // Privacy: each oversampler fed the whole (standardised) table makes as many rows as it has
  // positives; their distance to the closest real positive against real positives' distance to
  // their closest other positive.
  if (q.cv.oversample_to() > 0) {
    Eigen::RowVectorXd mean, sd;
    scaling(d.x, mean, sd);
    const Eigen::MatrixXd xs = standardise(d.x, mean, sd);
    Eigen::MatrixXd pos(static_cast<Eigen::Index>(r.positives), xs.cols());
    Eigen::Index k = 0;
    for (std::size_t i = 0; i < d.y.size(); ++i)
      if (d.y[i]) pos.row(k++) = xs.row(static_cast<Eigen::Index>(i));
    for (const auto& [name, sampler] : samplers) {
      if (q.progress) q.progress(fmt::format("{}: privacy check", name));
      r.privacy.push_back({name, privacy_check(pos, sampler(xs, d.y, r.positives, q.cv.seed()))});
    }
  }
  return r;
}

nlohmann::json to_json(const EvaluateReport& r) {
  nlohmann::json privacy = nlohmann::json::array();
  for (const auto& p : r.privacy)
    privacy.push_back({{"oversampler", p.oversampler},
                       {"synthetic", p.check.synthetic},
                       {"exact_copies", p.check.exact_copies},
                       {"synthetic_median", p.check.synthetic_median},
                       {"synthetic_q05", p.check.synthetic_q05},
                       {"real_median", p.check.real_median},
                       {"real_q05", p.check.real_q05}});
  return {{"data", r.data},
          {"label", r.label},
          {"positive", r.positive},
          {"rows", r.rows},
          {"positives", r.positives},
          {"columns", r.columns},
          {"constant_features", r.constant_features},
          {"folds", r.folds},
          {"repeats", r.repeats},
          {"seed", r.seed},
          {"oversample_to", r.oversample_to},
          {"results", to_json(r.results)},
          {"privacy", privacy},
          {"labels", r.labels}};
}

EvaluateReport evaluate_report_from_json(const nlohmann::json& j, const std::string& file) {
  EvaluateReport r;
  try {
    r.data = j.at("data").get<std::string>();
    r.label = j.at("label").get<std::string>();
    r.positive = j.at("positive").get<std::string>();
    r.rows = j.at("rows").get<std::size_t>();
    r.positives = j.at("positives").get<std::size_t>();
    r.columns = j.at("columns").get<std::size_t>();
    r.folds = j.at("folds").get<int>();
    r.repeats = j.at("repeats").get<int>();
    r.seed = j.at("seed").get<std::uint64_t>();
    r.oversample_to = j.at("oversample_to").get<double>();
    r.labels = j.at("labels").get<std::vector<int>>();
    for (const auto& p : j.at("privacy"))
      r.privacy.push_back(
          {p.at("oversampler").get<std::string>(),
           PrivacyCheck{p.at("synthetic").get<std::size_t>(),
                        p.at("exact_copies").get<std::size_t>(),
                        p.at("synthetic_median").get<double>(), p.at("synthetic_q05").get<double>(),
                        p.at("real_median").get<double>(), p.at("real_q05").get<double>()}});
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, e.what());
  }
  r.results = cv_results_from_json(j.at("results"), file);
  for (const auto& c : r.results)
    FG_CHECK(Input, c.oof.size() == r.labels.size(),
             "{}: result '{}' has {} out-of-fold scores for {} labels", file, c.name, c.oof.size(),
             r.labels.size());
  return r;
}

std::string format_report(const EvaluateReport& r) {
  std::string out = fmt::format(
      "{}: {} rows, {} positive ('{}' of {}), {} design columns; {} x {}-fold stratified "
      "cross-validation{}\n",
      r.data, r.rows, r.positives, r.positive, r.label, r.columns, r.repeats, r.folds,
      r.oversample_to > 0 ? fmt::format(", positives oversampled to {:.0f}% of each training fold",
                                        100 * r.oversample_to)
                          : "");
  out += format_constant_features(r.constant_features);
  out += format_table(r.results);
  out += "95% intervals by the corrected resampled t statistic (Nadeau & Bengio 2003).\n";
  // Calibration of the probabilities (out-of-fold, first repeat): mean predicted -> observed
  // share of positives, per decile bin of [0, 1] that holds rows.
  for (const auto& c : r.results) {
    if (!c.supervised || c.oof.size() != r.labels.size()) continue;
    double brier = 0;
    for (double b : c.brier) brier += b / static_cast<double>(c.brier.size());
    std::string bins;
    for (const auto& b : eval::calibration(c.oof, r.labels, 10))
      if (b.n > 0) bins += fmt::format(" {:.2f}->{:.2f}", b.mean_predicted, b.observed);
    out += fmt::format("calibration of {} ({}): Brier {:.4f}; predicted->observed:{}\n", c.name,
                       c.oversampling, brier, bins);
  }
  for (const auto& p : r.privacy)
    out += fmt::format(
        "{}: {} rows made from the {} rows; distance to the closest real positive: median {:.3f} "
        "(5% {:.3f}); real positives to their closest other positive: median {:.3f} (5% {:.3f}); "
        "exact copies: {}\n",
        p.oversampler, p.check.synthetic, r.rows, p.check.synthetic_median, p.check.synthetic_q05,
        p.check.real_median, p.check.real_q05, p.check.exact_copies);
  return out;
}

// ---- fit and score -----------------------------------------------------------------------

FitSummary fit_and_save(const FitRequest& q) {
  FG_REQUIRE(!q.out.empty(), "credit fit: no model directory given");
  auto det = make_detector(q.kind, q.options, q.seed, q.kind + " options");
  const auto table = data::read_labelled(q.data, q.table);
  const Encoding e = encoding_of(table);
  const Eigen::MatrixXd raw = encode(table, e);
  Eigen::RowVectorXd mean, sd;
  scaling(raw, mean, sd);
  const Eigen::MatrixXd x = standardise(raw, mean, sd);
  OutputDir dir(q.out);
  const auto t0 = std::chrono::steady_clock::now();
  det->set_groups(e.design_groups());
  det->fit(x, table.label);
  FitSummary s;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.rows = table.rows();
  s.positives = table.positives();
  s.columns = static_cast<std::size_t>(x.cols());
  s.constant_features = constant_features(table);
  const Eigen::VectorXd sc = det->score(x);
  FG_CHECK(Numeric, sc.allFinite(), "{}: a score is not finite", q.kind);
  s.train_auroc = eval::auroc(std::vector<double>(sc.data(), sc.data() + sc.size()), table.label);
  scenario::ModelFile m(kModelKind, e.design_names());
  m.params()["detector"] = q.kind;
  m.params()["detector_options"] = q.options;
  m.params()["seed"] = q.seed;
  m.params()["encoding"] = to_json(e);
  m.params()["design_mean"] = scenario::ModelFile::to_json(Eigen::VectorXd(mean.transpose()));
  m.params()["design_sd"] = scenario::ModelFile::to_json(Eigen::VectorXd(sd.transpose()));
  det->save(m, q.out);
  m.write(q.out);
  write_manifest(q.out + "/manifest.json", "credit fit",
                 {{"model", q.kind},
                  {"options", q.options},
                  {"seed", q.seed},
                  {"data", {{"file", q.data}, {"sha256", sha256_file(q.data)}}},
                  {"rows", s.rows},
                  {"positives", s.positives},
                  {"label", table.label_name},
                  {"positive", table.positive_class},
                  {"train_auroc", s.train_auroc}});
  dir.keep();
  return s;
}

CreditModel load_model(const std::string& dir) {
  const scenario::ModelFile m = scenario::ModelFile::read(dir, kModelKind);
  const std::string file = dir + "/model.json";
  CreditModel c;
  // A missing key or a value of the wrong JSON type anywhere below names the file.
  try {
    c.kind = m.text("detector");
    if (!m.params().contains("encoding"))
      throw_input_error({file, 0, "encoding"}, "the model has no \"encoding\"");
    c.encoding = encoding_from_json(m.params().at("encoding"), file);
    const std::size_t cols = c.encoding.design_names().size();
    FG_CHECK(Input, m.names().size() == cols, "{}: {} column names for an encoding of {} columns",
             file, m.names().size(), cols);
    c.mean = m.vector("design_mean", cols).transpose();
    c.sd = m.vector("design_sd", cols).transpose();
    for (Eigen::Index j = 0; j < c.sd.size(); ++j)
      if (!(c.sd(j) > 0)) throw_input_error({file, 0, "design_sd"}, "scales must be positive");
    try {
      c.detector =
          make_detector(c.kind, m.params().value("detector_options", nlohmann::json::object()),
                        json_integer_or(m.params(), "seed", std::uint64_t{1}), "detector_options");
    } catch (const Error& e) {
      throw_input_error({file, 0, "detector"}, e.what());
    }
    c.detector->set_groups(c.encoding.design_groups());
    c.detector->load(m);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, e.what());
  }
  return c;
}

Eigen::VectorXd CreditModel::score(const data::LabelledTable& table) const {
  return detector->score(standardise(encode(table, encoding), mean, sd));
}

ScoreSummary score_table(const std::string& dir, const std::string& data,
                         const std::string& out_csv) {
  const CreditModel model = load_model(dir);
  const auto table = data::read_labelled(
      data, data::TableOptions().label_column(model.encoding.label).label_optional(true));
  const Eigen::VectorXd s = model.score(table);
  FG_CHECK(Numeric, s.allFinite(), "{}: a score is not finite", model.kind);
  ScoreSummary r;
  r.rows = table.rows();
  std::string csv = "row,score\n";
  for (Eigen::Index i = 0; i < s.size(); ++i) csv += fmt::format("{},{:.17g}\n", i + 1, s(i));
  write_file_atomic(out_csv, csv);
  // With the label present (and both classes), how well the scores rank it.
  if (!table.label_name.empty()) {
    try {
      const auto labelled = data::read_labelled(data, data::TableOptions()
                                                          .label_column(model.encoding.label)
                                                          .positive(model.encoding.positive));
      r.labelled = true;
      const std::vector<double> sv(s.data(), s.data() + s.size());
      r.auroc = eval::auroc(sv, labelled.label);
      r.auprc = eval::average_precision(sv, labelled.label);
    } catch (const Error&) {
      r.labelled = false;  // one class only, or other values: scores without a measure
    }
  }
  return r;
}

// ---- augment -----------------------------------------------------------------------------

namespace {
/// A CSV field: quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}
}  // namespace

AugmentSummary augment_table(const AugmentRequest& q) {
  FG_REQUIRE(!q.out.empty(), "credit augment: no output file given");
  FG_REQUIRE(q.share > 0 && q.share < 1, "credit augment: share must be in (0, 1), got {}",
             q.share);
  const auto table = data::read_labelled(q.data, q.table);
  const Encoding e = encoding_of(table);
  const Eigen::MatrixXd raw = encode(table, e);
  const auto groups = e.design_groups();
  const Oversampler sampler = make_oversampler(q.oversampler.kind, q.oversampler.options, groups,
                                               q.oversampler.name + " options");
  AugmentSummary r;
  r.real_rows = table.rows();
  r.positives = table.positives();
  const double n = static_cast<double>(r.real_rows), p = static_cast<double>(r.positives);
  r.synthetic =
      q.rows > 0
          ? q.rows
          : static_cast<std::size_t>(std::max(0.0, std::ceil((q.share * n - p) / (1 - q.share))));
  FG_REQUIRE(r.synthetic >= 1 && r.synthetic <= 10000000,
             "credit augment: {} synthetic rows asked (the positives are already {:.0f}% of the "
             "table; give --rows or a larger --share)",
             r.synthetic, 100 * p / n);
  Eigen::RowVectorXd mean, sd;
  scaling(raw, mean, sd);
  const Eigen::MatrixXd xs = standardise(raw, mean, sd);
  const Eigen::MatrixXd made = sampler(xs, table.label, r.synthetic, q.seed);
  FG_CHECK(Numeric,
           made.rows() == static_cast<Eigen::Index>(r.synthetic) && made.cols() == xs.cols() &&
               made.allFinite(),
           "oversampler {} returned rows of the wrong shape or non-finite values",
           q.oversampler.name);
  Eigen::MatrixXd pos(static_cast<Eigen::Index>(r.positives), xs.cols());
  Eigen::Index k = 0;
  for (std::size_t i = 0; i < table.label.size(); ++i)
    if (table.label[i]) pos.row(k++) = xs.row(static_cast<Eigen::Index>(i));
  if (pos.rows() >= 2) r.privacy = privacy_check(pos, made);
  const Eigen::MatrixXd back = (made.array().rowwise() * sd.array()).rowwise() + mean.array();

  std::string csv;
  for (const auto& c : e.features) csv += csv_field(c.name) + ",";
  csv += csv_field(e.label) + "\n";
  if (!q.synthetic_only)
    for (std::size_t i = 0; i < table.rows(); ++i) {
      for (const auto& f : table.features)
        csv += (f.categorical ? csv_field(f.levels[static_cast<std::size_t>(f.codes[i])])
                              : fmt::format("{}", f.numeric[i])) +
               ",";
      csv += csv_field(table.label[i] ? e.positive : e.negative) + "\n";
    }
  for (Eigen::Index i = 0; i < back.rows(); ++i) {
    Eigen::Index col = 0;
    for (std::size_t fi = 0; fi < e.features.size(); ++fi) {
      const auto& c = e.features[fi];
      if (!c.categorical) {
        const auto& v = table.features[fi].numeric;
        const bool integral =
            std::all_of(v.begin(), v.end(), [](double x) { return x == std::round(x); });
        const double x = back(i, col++);
        // (+ 0.0 turns a rounded -0 into 0)
        csv += (integral ? fmt::format("{}", std::round(x) + 0.0) : fmt::format("{:.6g}", x)) + ",";
        continue;
      }
      const auto width = static_cast<Eigen::Index>(c.levels.size()) - 1;
      std::size_t level = 0;
      double best = 0.5;
      for (Eigen::Index j = 0; j < width; ++j)
        if (back(i, col + j) > best) {
          best = back(i, col + j);
          level = static_cast<std::size_t>(j) + 1;
        }
      csv += csv_field(c.levels[level]) + ",";
      col += width;
    }
    csv += csv_field(e.positive) + "\n";
  }
  write_file_atomic(q.out, csv);
  write_manifest(manifest_path_for(q.out), "credit augment",
                 {{"data", {{"file", q.data}, {"sha256", sha256_file(q.data)}}},
                  {"oversampler", q.oversampler.kind},
                  {"options", q.oversampler.options},
                  {"seed", q.seed},
                  {"real_rows", q.synthetic_only ? 0 : r.real_rows},
                  {"synthetic_rows", r.synthetic},
                  {"privacy",
                   {{"exact_copies", r.privacy.exact_copies},
                    {"synthetic_median", r.privacy.synthetic_median},
                    {"synthetic_q05", r.privacy.synthetic_q05},
                    {"real_median", r.privacy.real_median},
                    {"real_q05", r.privacy.real_q05}}}});
  return r;
}

}  // namespace fingen::credit
