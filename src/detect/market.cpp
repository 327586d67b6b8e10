// Market anomalies: detectors fitted on normal windows of returns, scored on injected anomalies
// and on the largest real moves.
#include "fingen/detect/market.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/json_numbers.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/eval/classification.hpp"
#include "fingen/scenario/model_file.hpp"

namespace fingen::detect {

namespace {
/// Flattened windows: row w = values[s_w .. s_w + W) of every column, each divided by its sd.
Eigen::MatrixXd features(const Eigen::MatrixXd& v, const std::vector<std::size_t>& starts,
                         std::size_t W, const Eigen::VectorXd& sd) {
  const auto A = v.cols();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(starts.size()), static_cast<Eigen::Index>(W) * A);
  for (std::size_t w = 0; w < starts.size(); ++w)
    for (Eigen::Index a = 0; a < A; ++a)
      for (std::size_t k = 0; k < W; ++k)
        x(static_cast<Eigen::Index>(w),
          a * static_cast<Eigen::Index>(W) + static_cast<Eigen::Index>(k)) =
            v(static_cast<Eigen::Index>(starts[w] + k), a) / sd(a);
  return x;
}
}  // namespace

MarketResult evaluate_market(const Panel& p, const std::vector<credit::DetectorSpec>& specs,
                             const MarketOptions& o) {
  const std::size_t T = p.rows(), W = o.window();
  FG_REQUIRE(p.values_kind == ValueKind::Returns, "detect: {} holds prices, not returns", p.source);
  FG_REQUIRE(W >= 2 && W <= 250, "detect: window must be in 2..250, got {}", W);
  FG_REQUIRE(o.share() > 0 && o.share() < 1 && o.size() > 0 && o.crash_share() > 0 &&
                 o.crash_share() < 0.5,
             "detect: share in (0, 1), size > 0 and crash_share in (0, 0.5)");
  FG_REQUIRE(!specs.empty(), "detect: no detectors");
  FG_CHECK(Input, p.values.allFinite(), "detect: {} has missing or non-finite returns", p.source);
  Eigen::Index vol = -1;
  if (!o.volume().empty())
    vol = static_cast<Eigen::Index>(p.column(o.volume()));
  else if (std::find(p.names.begin(), p.names.end(), "volume") != p.names.end())
    vol = static_cast<Eigen::Index>(p.column("volume"));
  std::vector<Eigen::Index> assets;
  for (Eigen::Index a = 0; a < p.values.cols(); ++a)
    if (a != vol) assets.push_back(a);
  FG_REQUIRE(!assets.empty(), "detect: {} has no price series besides the volume", p.source);
  const std::size_t ts = o.test_start() ? o.test_start() : T * 7 / 10;
  std::vector<std::size_t> train, test;
  for (std::size_t s = 0; s + W <= ts; s += W) train.push_back(s);
  for (std::size_t s = ts; s + W <= T; s += W) test.push_back(s);
  FG_REQUIRE(train.size() >= 10 && test.size() >= 10,
             "detect: {} training and {} test windows of {} rows in {}; need 10 of each",
             train.size(), test.size(), W, p.source);
  Eigen::VectorXd sd(p.values.cols());
  for (Eigen::Index a = 0; a < p.values.cols(); ++a) {
    const Eigen::VectorXd c = p.values.col(a).head(static_cast<Eigen::Index>(ts));
    sd(a) = std::sqrt((c.array() - c.mean()).square().mean());
    FG_CHECK(Input, sd(a) > 0, "detect: column '{}' is constant before the test windows",
             p.names[static_cast<std::size_t>(a)]);
  }
  MarketResult r;
  r.window = W;
  r.train_windows = train.size();
  r.test_windows = test.size();
  r.first_test = format_index(p.kind, p.index[ts]);

  // Each anomaly type: a copy of the data with some test windows changed, and their labels.
  struct Case {
    std::string type;
    Eigen::MatrixXd x;
    std::vector<int> y;
  };
  std::vector<Case> cases;
  std::vector<std::string> types = {"spike", "pump_dump"};
  if (vol >= 0) types.push_back("volume");
  if (assets.size() >= 2) types.push_back("correlation");
  for (std::size_t c = 0; c < types.size(); ++c) {
    const std::string& type = types[c];
    Case all{type, Eigen::MatrixXd(0, 0), {}};
    std::vector<Eigen::MatrixXd> parts;
    for (std::size_t rep = 0; rep < o.repeats(); ++rep) {
      Rng rng = Rng::stream(o.seed(), c * 1000 + rep);
      Eigen::MatrixXd v = p.values;
      std::vector<int> y(test.size(), 0);
      for (std::size_t w = 0; w < test.size(); ++w) {
        if (rng.uniform() >= o.share()) continue;
        y[w] = 1;
        const auto s = static_cast<Eigen::Index>(test[w]);
        const Eigen::Index a = assets[rng.below(assets.size())];
        const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
        const auto k = static_cast<Eigen::Index>(rng.below(W - 1));
        const auto half = static_cast<Eigen::Index>(W / 2);
        if (type == "spike") {
          v(s + k, a) += sign * o.size() * sd(a);
          v(s + k + 1, a) -= sign * o.size() * sd(a);
        } else if (type == "volume") {
          v(s + k, vol) += o.size() * sd(vol);
          v(s + k + 1, vol) -= o.size() * sd(vol);
          for (Eigen::Index b : assets) v(s + k, b) *= 0.25;
        } else if (type == "pump_dump") {
          for (Eigen::Index d = 0; d < half; ++d)
            v(s + d, a) += o.size() * sd(a) / static_cast<double>(half);
          v(s + half, a) -= o.size() * sd(a) / 2;
          v(s + half + 1, a) -= o.size() * sd(a) / 2;
        } else {  // correlation: one asset's returns from a random training window
          const auto other = static_cast<Eigen::Index>(train[rng.below(train.size())]);
          const Eigen::Index b = assets[static_cast<std::size_t>(1 + rng.below(assets.size() - 1))];
          v.col(b).segment(s, static_cast<Eigen::Index>(W)) =
              p.values.col(b).segment(other, static_cast<Eigen::Index>(W));
        }
      }
      parts.push_back(features(v, test, W, sd));
      all.y.insert(all.y.end(), y.begin(), y.end());
    }
    all.x.resize(static_cast<Eigen::Index>(all.y.size()), parts.front().cols());
    for (std::size_t i = 0; i < parts.size(); ++i)
      all.x.middleRows(static_cast<Eigen::Index>(i * test.size()),
                       static_cast<Eigen::Index>(test.size())) = parts[i];
    if (std::count(all.y.begin(), all.y.end(), 1) == 0) all.y[0] = 1;
    cases.push_back(std::move(all));
  }
  // (b) The largest real moves: windows holding one of the top crash_share of days by max |r|/sd.
  {
    std::vector<double> m(T - ts);
    for (std::size_t t = ts; t < T; ++t) {
      double best = 0;
      for (Eigen::Index a : assets)
        best = std::max(best, std::abs(p.values(static_cast<Eigen::Index>(t), a)) / sd(a));
      m[t - ts] = best;
    }
    std::vector<double> sorted = m;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const std::size_t k = std::max<std::size_t>(
        1, static_cast<std::size_t>(o.crash_share() * static_cast<double>(m.size())));
    const double cut = sorted[k - 1];
    std::vector<int> y(test.size(), 0);
    for (std::size_t w = 0; w < test.size(); ++w)
      for (std::size_t d = 0; d < W; ++d)
        if (m[test[w] - ts + d] >= cut) y[w] = 1;
    if (std::count(y.begin(), y.end(), 1) > 0 && std::count(y.begin(), y.end(), 0) > 0)
      cases.push_back({"largest_moves", features(p.values, test, W, sd), y});
  }
  for (const auto& c : cases) r.types.push_back(c.type);

  const Eigen::MatrixXd xtrain = features(p.values, train, W, sd);
  const std::vector<int> ytrain(train.size(), 0);
  for (const auto& spec : specs) {
    auto det = credit::make_detector(spec.kind, spec.options, o.seed(), "detector " + spec.name);
    FG_REQUIRE(!det->supervised(),
               "detect: {} is supervised; market windows have no labels to learn from (use "
               "mahalanobis, isolation-forest or autoencoder)",
               spec.name);
    det->fit(xtrain, ytrain);
    for (const auto& c : cases) {
      const Eigen::VectorXd s = det->score(c.x);
      FG_CHECK(Numeric, s.allFinite(), "detect: {} gave a non-finite score", spec.name);
      const std::vector<double> sv(s.data(), s.data() + s.size());
      MarketRow row;
      row.detector = spec.name;
      row.anomaly = c.type;
      row.windows = c.y.size();
      row.positives = static_cast<std::size_t>(std::count(c.y.begin(), c.y.end(), 1));
      row.auroc = eval::auroc(sv, c.y);
      row.auprc = eval::average_precision(sv, c.y);
      r.rows.push_back(row);
    }
  }
  return r;
}

nlohmann::json to_json(const MarketResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& x : r.rows)
    rows.push_back({{"detector", x.detector},
                    {"anomaly", x.anomaly},
                    {"windows", x.windows},
                    {"positives", x.positives},
                    {"auroc", x.auroc},
                    {"auprc", x.auprc}});
  return {{"window", r.window},
          {"train_windows", r.train_windows},
          {"test_windows", r.test_windows},
          {"first_test", r.first_test},
          {"types", r.types},
          {"rows", rows}};
}

MarketResult market_result_from_json(const nlohmann::json& j, const std::string& file) {
  MarketResult r;
  try {
    r.window = j.at("window").get<std::size_t>();
    r.train_windows = j.at("train_windows").get<std::size_t>();
    r.test_windows = j.at("test_windows").get<std::size_t>();
    r.first_test = j.at("first_test").get<std::string>();
    r.types = j.at("types").get<std::vector<std::string>>();
    for (const auto& x : j.at("rows"))
      r.rows.push_back({x.at("detector").get<std::string>(), x.at("anomaly").get<std::string>(),
                        x.at("windows").get<std::size_t>(), x.at("positives").get<std::size_t>(),
                        x.at("auroc").get<double>(), x.at("auprc").get<double>()});
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, fmt::format("not a detect result: {}", e.what()));
  }
  return r;
}

std::string format_table(const MarketResult& r) {
  std::string out = fmt::format(
      "{} training windows of {} rows (normal data), {} test windows from {}; AUROC (AUPRC) per "
      "anomaly type\n{:<18}",
      r.train_windows, r.window, r.test_windows, r.first_test, "detector");
  for (const auto& t : r.types) out += fmt::format(" {:>18}", t);
  out += '\n';
  std::vector<std::string> dets;
  for (const auto& x : r.rows)
    if (std::find(dets.begin(), dets.end(), x.detector) == dets.end()) dets.push_back(x.detector);
  for (const auto& d : dets) {
    out += fmt::format("{:<18}", d);
    for (const auto& t : r.types)
      for (const auto& x : r.rows)
        if (x.detector == d && x.anomaly == t)
          out += fmt::format(" {:>18}", fmt::format("{:.3f} ({:.3f})", x.auroc, x.auprc));
    out += '\n';
  }
  return out;
}

}  // namespace fingen::detect

namespace fingen::detect {

namespace {
constexpr const char* kMarketModel = "market-detector";
}

MarketFitSummary fit_market(const MarketFitRequest& q) {
  FG_REQUIRE(!q.out.empty(), "detect fit: no model directory given");
  FG_REQUIRE(q.window >= 2 && q.window <= 250, "detect fit: window must be in 2..250, got {}",
             q.window);
  auto det = credit::make_detector(q.kind, q.options, q.seed, q.kind + " options");
  FG_REQUIRE(!det->supervised(),
             "detect fit: {} is supervised; market windows have no labels to learn from", q.kind);
  const Panel p = data::load_returns(q.source);
  FG_CHECK(Input, p.values.allFinite(), "detect: {} has missing or non-finite returns", p.source);
  const std::size_t W = q.window;
  std::vector<std::size_t> starts;
  for (std::size_t s = 0; s + W <= p.rows(); s += W) starts.push_back(s);
  FG_REQUIRE(starts.size() >= 10, "detect fit: {} windows of {} rows in {}; need 10", starts.size(),
             W, p.source);
  Eigen::VectorXd sd(p.values.cols());
  for (Eigen::Index a = 0; a < p.values.cols(); ++a) {
    const Eigen::VectorXd c = p.values.col(a);
    sd(a) = std::sqrt((c.array() - c.mean()).square().mean());
    FG_CHECK(Input, sd(a) > 0, "detect: column '{}' is constant",
             p.names[static_cast<std::size_t>(a)]);
  }
  const Eigen::MatrixXd x = features(p.values, starts, W, sd);
  OutputDir dir(q.out);
  const auto t0 = std::chrono::steady_clock::now();
  det->fit(x, std::vector<int>(starts.size(), 0));
  MarketFitSummary r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Eigen::VectorXd s = det->score(x);
  FG_CHECK(Numeric, s.allFinite(), "detect: {} gave a non-finite score", q.kind);
  std::vector<double> sorted(s.data(), s.data() + s.size());
  std::sort(sorted.begin(), sorted.end());
  r.alarm = sorted[std::min(sorted.size() - 1,
                            static_cast<std::size_t>(0.99 * static_cast<double>(sorted.size())))];
  r.rows = p.rows();
  r.windows = starts.size();
  r.first = format_index(p.kind, p.index.front());
  r.last = format_index(p.kind, p.index.back());
  scenario::ModelFile m(kMarketModel, p.names);
  m.params()["detector"] = q.kind;
  m.params()["detector_options"] = q.options;
  m.params()["seed"] = q.seed;
  m.params()["window"] = W;
  m.params()["series_sd"] = scenario::ModelFile::to_json(sd);
  m.params()["alarm"] = r.alarm;
  det->save(m, q.out);
  m.write(q.out);
  write_manifest(q.out + "/manifest.json", "detect fit",
                 {{"model", q.kind},
                  {"options", q.options},
                  {"seed", q.seed},
                  {"window", W},
                  {"windows", r.windows},
                  {"data", data::describe_data(q.source, p)}});
  dir.keep();
  return r;
}

MarketScores score_market(const std::string& dir, data::ReturnsSource source,
                          const std::string& out_csv) {
  const scenario::ModelFile m = scenario::ModelFile::read(dir, kMarketModel);
  const std::string file = dir + "/model.json";
  const std::size_t W = m.count("window");
  FG_CHECK(Input, W >= 2 && W <= 250, "{}: \"window\" must be in 2..250", file);
  const Eigen::VectorXd sd = m.vector("series_sd", m.names().size());
  for (Eigen::Index a = 0; a < sd.size(); ++a)
    if (!(sd(a) > 0)) throw_input_error({file, 0, "series_sd"}, "scales must be positive");
  std::unique_ptr<credit::Detector> det;
  try {
    det = credit::make_detector(
        m.text("detector"), m.params().value("detector_options", nlohmann::json::object()),
        json_integer_or(m.params(), "seed", std::uint64_t{1}), "detector_options");
  } catch (const Error& e) {
    throw_input_error({file, 0, "detector"}, e.what());
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, "seed"}, e.what());
  }
  try {
    det->load(m);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, e.what());
  }
  if (source.series.empty()) source.series = m.names();
  const Panel p = data::load_returns(source);
  FG_REQUIRE(p.names == m.names(),
             "detect score: {} gives the series {}; the model was fitted on {}", source.file,
             fmt::join(p.names, ", "), fmt::join(m.names(), ", "));
  FG_CHECK(Input, p.values.allFinite(), "detect: {} has missing or non-finite returns", p.source);
  FG_REQUIRE(p.rows() >= W, "detect score: {} has {} rows, fewer than the window of {}",
             source.file, p.rows(), W);
  std::vector<std::size_t> starts;
  for (std::size_t s = 0; s + W <= p.rows(); ++s) starts.push_back(s);
  const Eigen::VectorXd s = det->score(features(p.values, starts, W, sd));
  FG_CHECK(Numeric, s.allFinite(), "detect: a score is not finite");
  MarketScores r;
  r.alarm = m.number("alarm");
  std::string csv = "end,score,alarm\n";
  for (std::size_t w = 0; w < starts.size(); ++w) {
    r.ends.push_back(format_index(p.kind, p.index[starts[w] + W - 1]));
    r.scores.push_back(s(static_cast<Eigen::Index>(w)));
    csv += fmt::format("{},{:.17g},{}\n", r.ends.back(), r.scores.back(),
                       r.scores.back() > r.alarm ? 1 : 0);
  }
  write_file_atomic(out_csv, csv);
  return r;
}

}  // namespace fingen::detect
