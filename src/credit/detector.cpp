// Detector registry and the torch-free detectors: logistic regression, Mahalanobis distance and
// the isolation forest (Liu, Ting & Zhou 2008, "Isolation Forest", ICDM).
#include "fingen/credit/detector.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "fingen/core/error.hpp"
#include "fingen/core/registry.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/credit/logistic.hpp"

namespace fingen::credit {

double isolation_c(double n) {
  if (n <= 1) return 0;
  if (n == 2) return 1;
  constexpr double kEulerGamma = 0.5772156649015329;
  return 2 * (std::log(n - 1) + kEulerGamma) - 2 * (n - 1) / n;
}

namespace {

class LogisticDetector final : public Detector {
 public:
  explicit LogisticDetector(double l2) : l2_(l2) {}
  std::string kind() const override { return "logistic"; }
  bool supervised() const override { return true; }
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) override {
    std::vector<std::string> names(static_cast<std::size_t>(x.cols()));
    for (std::size_t j = 0; j < names.size(); ++j) names[j] = "x" + std::to_string(j);
    m_ = fit_logistic(x, y, names, LogisticOptions().l2(l2_));
  }
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const override {
    FG_REQUIRE(m_.coef.size() > 0, "logistic: score() before fit()");
    return m_.predict(x);
  }
  void save(scenario::ModelFile& f, const std::string&) const override {
    FG_REQUIRE(m_.coef.size() > 0, "logistic: save() before fit()");
    Eigen::VectorXd coef = m_.coef;
    for (Eigen::Index j = 0; j < coef.size(); ++j)
      if (m_.aliased[static_cast<std::size_t>(j)]) coef(j) = 0;  // JSON has no NaN
    f.params()["coef"] = scenario::ModelFile::to_json(coef);
    f.params()["aliased"] = m_.aliased;
  }
  void load(const scenario::ModelFile& f) override {
    const nlohmann::json& a = f.params().at("aliased");
    if (!a.is_array() || a.empty())
      throw_input_error({f.dir() + "/model.json", 0, "aliased"}, "expected an array of booleans");
    m_.coef = f.vector("coef", a.size());
    for (const auto& v : a) {
      if (!v.is_boolean())
        throw_input_error({f.dir() + "/model.json", 0, "aliased"}, "expected booleans");
      m_.aliased.push_back(v.get<bool>());
    }
    for (Eigen::Index j = 0; j < m_.coef.size(); ++j)
      if (m_.aliased[static_cast<std::size_t>(j)])
        m_.coef(j) = std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double l2_;
  LogisticModel m_;
};

/// Squared Mahalanobis distance from the negative rows' mean under their covariance (plus a
/// ridge of 1e-6 of the average variance, so constant or collinear columns stay invertible).
class MahalanobisDetector final : public Detector {
 public:
  std::string kind() const override { return "mahalanobis"; }
  bool supervised() const override { return false; }
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) override {
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!y[i]) rows.push_back(static_cast<Eigen::Index>(i));
    FG_CHECK(Input, rows.size() >= 2, "mahalanobis: fewer than 2 negative rows to learn from");
    Eigen::MatrixXd n(static_cast<Eigen::Index>(rows.size()), x.cols());
    for (std::size_t i = 0; i < rows.size(); ++i)
      n.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
    mean_ = n.colwise().mean();
    const Eigen::MatrixXd c = n.rowwise() - mean_.transpose();
    cov_ = c.transpose() * c / static_cast<double>(n.rows() - 1);
    const double ridge = 1e-6 * std::max(cov_.trace() / static_cast<double>(cov_.rows()), 1e-12);
    cov_.diagonal().array() += ridge;
    llt_.compute(cov_);
    FG_CHECK(Numeric, llt_.info() == Eigen::Success,
             "mahalanobis: the covariance is not positive "
             "definite");
  }
  void save(scenario::ModelFile& f, const std::string&) const override {
    FG_REQUIRE(mean_.size() > 0, "mahalanobis: save() before fit()");
    f.params()["mean"] = scenario::ModelFile::to_json(mean_);
    f.params()["cov"] = scenario::ModelFile::to_json(cov_);
  }
  void load(const scenario::ModelFile& f) override {
    const nlohmann::json& m = f.params().at("mean");
    const std::size_t n = m.is_array() ? m.size() : 0;
    FG_CHECK(Input, n >= 1 && n <= 1000000, "{}/model.json: \"mean\" must be a non-empty array",
             f.dir());
    mean_ = f.vector("mean", n);
    cov_ = f.matrix("cov", n, n);
    llt_.compute(cov_);
    FG_CHECK(Input, llt_.info() == Eigen::Success,
             "{}/model.json: \"cov\" is not positive definite", f.dir());
  }
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const override {
    FG_REQUIRE(mean_.size() > 0, "mahalanobis: score() before fit()");
    FG_REQUIRE(x.cols() == mean_.size(), "mahalanobis: {} columns, fitted on {}", x.cols(),
               mean_.size());
    const Eigen::MatrixXd c = (x.rowwise() - mean_.transpose()).transpose();
    const Eigen::MatrixXd z = llt_.matrixL().solve(c);
    return z.colwise().squaredNorm().transpose();
  }

 private:
  Eigen::VectorXd mean_;
  Eigen::MatrixXd cov_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

class IsolationForest final : public Detector {
 public:
  IsolationForest(std::size_t trees, std::size_t sample, std::uint64_t seed)
      : trees_(trees), sample_(sample), seed_(seed) {
    FG_REQUIRE(trees_ >= 1 && trees_ <= 10000, "isolation-forest: trees must be in 1..10000");
    FG_REQUIRE(sample_ >= 2 && sample_ <= 1000000, "isolation-forest: sample must be >= 2");
  }
  std::string kind() const override { return "isolation-forest"; }
  bool supervised() const override { return false; }
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& y) override {
    std::vector<Eigen::Index> normal;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!y[i]) normal.push_back(static_cast<Eigen::Index>(i));
    FG_CHECK(Input, normal.size() >= 2, "isolation-forest: fewer than 2 negative rows");
    psi_ = std::min(sample_, normal.size());
    cols_ = x.cols();
    const int limit = static_cast<int>(std::ceil(std::log2(static_cast<double>(psi_))));
    forest_.assign(trees_, {});
    for (std::size_t t = 0; t < trees_; ++t) {
      Rng rng = Rng::stream(seed_, t);
      // A subsample of psi rows without replacement (partial Fisher–Yates).
      std::vector<Eigen::Index> rows = normal;
      for (std::size_t i = 0; i < psi_; ++i)
        std::swap(rows[i], rows[i + rng.below(rows.size() - i)]);
      rows.resize(psi_);
      build(forest_[t], x, rows, 0, limit, rng);
    }
  }
  void save(scenario::ModelFile& f, const std::string&) const override {
    FG_REQUIRE(!forest_.empty(), "isolation-forest: save() before fit()");
    nlohmann::json trees = nlohmann::json::array();
    for (const auto& tree : forest_) {
      nlohmann::json t = nlohmann::json::array();
      for (const Node& n : tree) t.push_back({n.column, n.split, n.left, n.right, n.size});
      trees.push_back(std::move(t));
    }
    f.params()["psi"] = psi_;
    f.params()["columns"] = cols_;
    f.params()["trees"] = std::move(trees);
  }
  void load(const scenario::ModelFile& f) override {
    const std::string file = f.dir() + "/model.json";
    psi_ = f.count("psi");
    cols_ = static_cast<Eigen::Index>(f.count("columns"));
    const nlohmann::json& trees = f.params().at("trees");
    FG_CHECK(Input, trees.is_array() && !trees.empty() && trees.size() <= 10000,
             "{}: \"trees\" must be an array of 1..10000 trees", file);
    forest_.assign(trees.size(), {});
    for (std::size_t t = 0; t < trees.size(); ++t) {
      const nlohmann::json& tree = trees[t];
      FG_CHECK(Input, tree.is_array() && !tree.empty() && tree.size() <= 4 * psi_ + 1,
               "{}: tree {} is not an array of at most 4 psi + 1 nodes", file, t);
      const int size = static_cast<int>(tree.size());
      for (int i = 0; i < size; ++i) {
        const nlohmann::json& n = tree[static_cast<std::size_t>(i)];
        FG_CHECK(Input,
                 n.is_array() && n.size() == 5 && n[0].is_number_integer() && n[1].is_number() &&
                     n[2].is_number_integer() && n[3].is_number_integer() &&
                     n[4].is_number_unsigned(),
                 "{}: tree {} node {} must be [column, split, left, right, size]", file, t, i);
        Node node{n[0].get<int>(), n[1].get<double>(), n[2].get<int>(), n[3].get<int>(),
                  n[4].get<std::size_t>()};
        // Children come after their parent (the order build() writes), so every path ends.
        FG_CHECK(
            Input,
            node.column < 0 || (node.column < cols_ && node.left > i && node.left < size &&
                                node.right > i && node.right < size && std::isfinite(node.split)),
            "{}: tree {} node {} has an invalid column or child", file, t, i);
        forest_[t].push_back(node);
      }
    }
  }
  Eigen::VectorXd score(const Eigen::MatrixXd& x) const override {
    FG_REQUIRE(!forest_.empty(), "isolation-forest: score() before fit()");
    FG_REQUIRE(x.cols() == cols_, "isolation-forest: {} columns, fitted on {}", x.cols(), cols_);
    Eigen::VectorXd s(x.rows());
    const double c = isolation_c(static_cast<double>(psi_));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      double h = 0;
      for (const auto& tree : forest_) h += path(tree, x, i);
      s(i) = std::pow(2.0, -(h / static_cast<double>(forest_.size())) / c);
    }
    return s;
  }

 private:
  struct Node {
    int column = -1;  // -1: a leaf
    double split = 0;
    int left = -1, right = -1;
    std::size_t size = 0;  // rows at a leaf
  };
  using Tree = std::vector<Node>;

  int build(Tree& tree, const Eigen::MatrixXd& x, std::vector<Eigen::Index> rows, int depth,
            int limit, Rng& rng) {
    const int at = static_cast<int>(tree.size());
    tree.push_back({});
    if (depth >= limit || rows.size() <= 1) {
      tree[static_cast<std::size_t>(at)].size = rows.size();
      return at;
    }
    // Columns that still vary among these rows; a split at a uniform point of one at random.
    std::vector<int> varying;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      double lo = x(rows[0], j), hi = lo;
      for (Eigen::Index r : rows) lo = std::min(lo, x(r, j)), hi = std::max(hi, x(r, j));
      if (hi > lo) varying.push_back(static_cast<int>(j));
    }
    if (varying.empty()) {
      tree[static_cast<std::size_t>(at)].size = rows.size();
      return at;
    }
    const int q = varying[rng.below(varying.size())];
    double lo = x(rows[0], q), hi = lo;
    for (Eigen::Index r : rows) lo = std::min(lo, x(r, q)), hi = std::max(hi, x(r, q));
    const double p = lo + rng.uniform() * (hi - lo);
    std::vector<Eigen::Index> l, r;
    for (Eigen::Index i : rows) (x(i, q) < p ? l : r).push_back(i);
    const int li = build(tree, x, std::move(l), depth + 1, limit, rng);
    const int ri = build(tree, x, std::move(r), depth + 1, limit, rng);
    Node& n = tree[static_cast<std::size_t>(at)];
    n.column = q;
    n.split = p;
    n.left = li;
    n.right = ri;
    return at;
  }
  static double path(const Tree& tree, const Eigen::MatrixXd& x, Eigen::Index i) {
    int node = 0, depth = 0;
    while (tree[static_cast<std::size_t>(node)].column >= 0) {
      const Node& n = tree[static_cast<std::size_t>(node)];
      node = x(i, n.column) < n.split ? n.left : n.right;
      ++depth;
    }
    return depth + isolation_c(static_cast<double>(tree[static_cast<std::size_t>(node)].size));
  }

  std::size_t trees_, sample_;
  std::uint64_t seed_;
  std::size_t psi_ = 0;
  Eigen::Index cols_ = 0;
  std::vector<Tree> forest_;
};

Registry<DetectorKind>& registry() {
  static Registry<DetectorKind> r("detector");
  return r;
}

#define FG_LOGISTIC_OPTIONS(X) X(double, l2, 0.0, "L2 penalty on the coefficients (0: glm's fit)")
#define FG_IFOREST_OPTIONS(X)                           \
  X(std::size_t, trees, 100, "trees (Liu et al.: 100)") \
  X(std::size_t, sample, 256, "rows per tree (Liu et al.: 256)")

const bool g_registered = [] {
  register_detector({"logistic",
                     "logistic regression (IRLS; P(positive))",
                     {FG_LOGISTIC_OPTIONS(FG_OPTION_INFO)},
                     [](const nlohmann::json& o, std::uint64_t) {
                       return std::make_unique<LogisticDetector>(o.value("l2", 0.0));
                     }});
  register_detector({"mahalanobis",
                     "squared Mahalanobis distance from the negative class",
                     {},
                     [](const nlohmann::json&, std::uint64_t) {
                       return std::make_unique<MahalanobisDetector>();
                     }});
  register_detector({"isolation-forest",
                     "isolation forest on the negative class",
                     {FG_IFOREST_OPTIONS(FG_OPTION_INFO)},
                     [](const nlohmann::json& o, std::uint64_t seed) {
                       return std::make_unique<IsolationForest>(o.value("trees", std::size_t{100}),
                                                                o.value("sample", std::size_t{256}),
                                                                seed);
                     }});
  return true;
}();

}  // namespace

void register_detector(DetectorKind kind) {
  registry().add(std::move(kind));
}

const DetectorKind& detector_kind(const std::string& name) {
  (void)g_registered;
  return registry().get(name);
}

std::vector<std::string> detector_kinds() {
  (void)g_registered;
  return registry().names();
}

std::unique_ptr<Detector> make_detector(const std::string& kind, const nlohmann::json& options,
                                        std::uint64_t seed, const std::string& where) {
  const DetectorKind& k = detector_kind(kind);
  const std::string at = where.empty() ? kind + " options" : where;
  const nlohmann::json opts = options.is_null() ? nlohmann::json::object() : options;
  check_option_keys(opts, k.options, at);
  for (const auto& info : k.options)
    if (opts.contains(info.name)) detail::checked_option_value(opts, info.name, info.type, at);
  return k.make(opts, seed);
}

}  // namespace fingen::credit
