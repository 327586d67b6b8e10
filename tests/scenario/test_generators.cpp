// GBM and the stationary bootstrap: parameter recovery, properties of the paths, determinism,
// save/load, and what happens with bad or foreign model files. The GARCH generator is covered in
// test_garch.cpp.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <omp.h>

#include "fingen/core/io.hpp"
#include "fingen/core/rng.hpp"
#include "fingen/data/readers.hpp"
#include "fingen/data/transform.hpp"
#include "fingen/scenario/bootstrap.hpp"
#include "fingen/scenario/garch.hpp"
#include "fingen/scenario/gbm.hpp"
#include "fingen/scenario/model_file.hpp"
#include "fingen/stats/descriptive.hpp"
#include "test_util.hpp"

namespace fingen::scenario {
namespace {

Panel returns_panel(const Eigen::MatrixXd& values, std::vector<std::string> names) {
  Panel p;
  p.values_kind = ValueKind::Returns;
  p.kind = IndexKind::Observation;
  for (Eigen::Index i = 0; i < values.rows(); ++i) p.index.push_back(i + 1);
  p.names = std::move(names);
  p.values = values;
  return p;
}

Panel dow_returns(const std::vector<std::string>& names) {
  const Panel px =
      data::read_panel(test::bundled("dow_jones_30.csv"), data::ReadOptions().columns(names));
  return data::to_returns(px, data::ReturnKind::Log);
}

TEST(Gbm, RecoversMeanAndCovariance) {
  // Data drawn from a known bivariate normal; estimates within 5 standard errors.
  const std::size_t n = 50000;
  const double s1 = 0.01, s2 = 0.02, rho = 0.6, m1 = 0.0005, m2 = -0.0002;
  Rng rng(11);
  Eigen::MatrixXd x(n, 2);
  for (std::size_t i = 0; i < n; ++i) {
    const double z1 = rng.normal(), z2 = rng.normal();
    x(static_cast<Eigen::Index>(i), 0) = m1 + s1 * z1;
    x(static_cast<Eigen::Index>(i), 1) = m2 + s2 * (rho * z1 + std::sqrt(1 - rho * rho) * z2);
  }
  GbmGenerator g;
  g.fit(returns_panel(x, {"a", "b"}));
  const double nn = static_cast<double>(n);
  EXPECT_NEAR(g.mean()(0), m1, 5 * s1 / std::sqrt(nn));
  EXPECT_NEAR(g.mean()(1), m2, 5 * s2 / std::sqrt(nn));
  EXPECT_NEAR(std::sqrt(g.covariance()(0, 0)), s1, 5 * s1 / std::sqrt(2 * nn));
  EXPECT_NEAR(g.covariance()(0, 1) / (std::sqrt(g.covariance()(0, 0) * g.covariance()(1, 1))), rho,
              5 * (1 - rho * rho) / std::sqrt(nn));
  // And the paths it generates carry the fitted moments.
  const Scenarios s = g.generate(400, 100, 3);
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 2, Eigen::RowMajor>> flat(s.data.data(),
                                                                                   40000, 2);
  const Eigen::RowVector2d mean = flat.colwise().mean();
  EXPECT_NEAR(mean(1), g.mean()(1), 5 * s2 / std::sqrt(40000.0));
  const Eigen::MatrixXd c = flat.rowwise() - mean;
  const double corr =
      c.col(0).dot(c.col(1)) / std::sqrt(c.col(0).squaredNorm() * c.col(1).squaredNorm());
  EXPECT_NEAR(corr, rho, 5 * (1 - rho * rho) / std::sqrt(40000.0));
}

TEST(Gbm, RejectsPricesAndMissingValues) {
  Panel p = returns_panel(Eigen::MatrixXd::Constant(30, 1, 0.01), {"a"});
  p.values_kind = ValueKind::Prices;
  test::expect_error([&] { GbmGenerator().fit(p); }, ErrorCategory::Usage, {"returns, not prices"});
  p.values_kind = ValueKind::Returns;
  p.values(3, 0) = std::numeric_limits<double>::quiet_NaN();
  test::expect_error([&] { GbmGenerator().fit(p); }, ErrorCategory::Input, {"'a'", "missing"});
}

TEST(Bootstrap, AutomaticBlockLengthFollowsDependence) {
  // i.i.d. noise: short blocks; a persistent AR(1): long blocks.
  Rng rng(5);
  const std::size_t n = 5000;
  std::vector<double> iid(n), ar(n);
  double prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    iid[i] = rng.normal();
    prev = 0.9 * prev + rng.normal();
    ar[i] = prev;
  }
  const double b_iid = optimal_block_length(iid.data(), n);
  const double b_ar = optimal_block_length(ar.data(), n);
  EXPECT_LT(b_iid, 3.0);
  EXPECT_GT(b_ar, 15.0);
  EXPECT_LE(b_ar, std::ceil(3 * std::sqrt(static_cast<double>(n))));
}

TEST(Bootstrap, ResamplesWholeDaysInBlocksOfTheRightMeanLength) {
  const Panel r = dow_returns({"AA", "IBM", "KO"});
  BootstrapGenerator g(10.0);
  g.fit(r);
  const Scenarios s = g.generate(200, 250, 9);
  // Every generated day is a historical day (all three assets together); count continuations.
  std::size_t continued = 0, steps = 0;
  for (std::size_t p = 0; p < s.paths; ++p) {
    long prev_row = -1;
    for (std::size_t t = 0; t < s.horizon; ++t) {
      long row = -1;
      for (Eigen::Index i = 0; i < r.values.rows() && row < 0; ++i)
        if (r.values(i, 0) == s.at(p, t, 0) && r.values(i, 1) == s.at(p, t, 1) &&
            r.values(i, 2) == s.at(p, t, 2))
          row = i;
      ASSERT_GE(row, 0) << "path " << p << " step " << t << " is not a historical day";
      if (prev_row >= 0) {
        ++steps;
        continued += row == (prev_row + 1) % r.values.rows();
      }
      prev_row = row;
    }
  }
  // P(continue) = 1 - 1/L = 0.9 (plus the rare chance of redrawing the next day), within 5 s.e.
  const double rate = static_cast<double>(continued) / static_cast<double>(steps);
  EXPECT_NEAR(rate, 0.9, 5 * std::sqrt(0.09 / static_cast<double>(steps)));
}

TEST(Generators, SameSeedSameScenariosForAnyThreadCount) {
  const Panel r = dow_returns({"AA", "IBM"});
  std::vector<std::unique_ptr<ScenarioGenerator>> gens;
  gens.push_back(std::make_unique<GbmGenerator>());
  gens.push_back(std::make_unique<GarchGenerator>(Innovation::StudentT));
  gens.push_back(std::make_unique<BootstrapGenerator>());
  for (auto& g : gens) {
    g->fit(r);
    omp_set_num_threads(1);
    const Scenarios one = g->generate(64, 50, 123);
    omp_set_num_threads(2);
    const Scenarios two = g->generate(64, 50, 123);
    EXPECT_EQ(one.data, two.data) << g->kind();
    EXPECT_NE(one.data, g->generate(64, 50, 124).data) << g->kind();
    // Path p does not depend on how many paths are asked for.
    const Scenarios fewer = g->generate(10, 50, 123);
    EXPECT_TRUE(std::equal(fewer.data.begin(), fewer.data.end(), one.data.begin())) << g->kind();
  }
}

TEST(Generators, ARangeOfPathsIsThosePathsOfTheWholeSet) {
  // What blocks of a large file and the ranks of a distributed run generate.
  const Panel r = dow_returns({"AA", "IBM"});
  std::vector<std::unique_ptr<ScenarioGenerator>> gens;
  gens.push_back(std::make_unique<GbmGenerator>());
  gens.push_back(std::make_unique<GarchGenerator>(Innovation::StudentT));
  gens.push_back(std::make_unique<BootstrapGenerator>());
  for (auto& g : gens) {
    g->fit(r);
    const Scenarios all = g->generate(40, 30, 9);
    for (const auto& [first, count] :
         {std::pair<std::size_t, std::size_t>{0, 40}, {0, 1}, {13, 7}, {39, 1}, {17, 23}}) {
      const Scenarios part = g->generate_range(first, count, 30, 9);
      ASSERT_EQ(part.paths, count) << g->kind();
      EXPECT_EQ(part.names, all.names);
      EXPECT_TRUE(std::equal(part.data.begin(), part.data.end(), all.path(first)))
          << g->kind() << " paths " << first << " + " << count;
    }
    EXPECT_THROW(g->generate_range(3, 0, 30, 9), Error) << g->kind();
  }
}

TEST(Generators, SaveLoadGenerateIsIdentical) {
  const Panel r = dow_returns({"AA", "IBM"});
  std::vector<std::unique_ptr<ScenarioGenerator>> gens;
  gens.push_back(std::make_unique<GbmGenerator>());
  gens.push_back(std::make_unique<GarchGenerator>(Innovation::StudentT));
  gens.push_back(std::make_unique<GarchGenerator>(Innovation::Normal));
  gens.push_back(std::make_unique<BootstrapGenerator>());
  for (auto& g : gens) {
    g->fit(r);
    test::TempDir dir;
    g->save(dir.path().string());
    const auto loaded = load_generator(dir.path().string());
    EXPECT_EQ(loaded->kind(), g->kind());
    EXPECT_EQ(loaded->names(), g->names());
    EXPECT_EQ(loaded->generate(20, 30, 77).data, g->generate(20, 30, 77).data) << g->kind();
  }
}

TEST(Generators, CorruptOrForeignModelFilesGiveClearErrors) {
  const Panel r = dow_returns({"AA"});
  GarchGenerator g;
  g.fit(r);
  test::TempDir dir;
  const std::string d = dir.path().string();
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Io, {"model.json"});
  g.save(d);
  const std::string good = read_file(d + "/model.json");
  auto with = [&](const std::string& text) { write_file_atomic(d + "/model.json", text); };
  with("{ not json");
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Input,
                     {"model.json", "invalid JSON"});
  with(R"({"hello": "world"})");
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Input, {"not a fingen model file"});
  std::string other = good;
  other.replace(other.find("\"garch\""), 7, "\"quantum\"");
  with(other);
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Input,
                     {"unknown model kind 'quantum'", "garch"});
  std::string broken = good;
  broken.replace(broken.find("\"omega\""), 7, "\"omegb\"");
  with(broken);
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Input, {"model.json", "\"omega\""});
  std::string version = good;
  version.replace(version.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  with(version);
  test::expect_error([&] { load_generator(d); }, ErrorCategory::Input, {"format version 9"});
  with(good);
  EXPECT_EQ(load_generator(d)->kind(), "garch");
  // A bootstrap whose history file does not match its model.json.
  BootstrapGenerator b;
  b.fit(r);
  test::TempDir bdir;
  b.save(bdir.path().string());
  const std::vector<double> junk(10, 0.0);
  write_npy(bdir.file("history.npy"), junk.data(), {5, 2});
  test::expect_error([&] { load_generator(bdir.path().string()); }, ErrorCategory::Input,
                     {"history.npy", "expected a"});
}

// model.json names its data files; only plain names inside the model directory are followed.
TEST(Generators, ReferencedFilesMustStayInTheModelDirectory) {
  const Panel r = dow_returns({"AA"});
  BootstrapGenerator b;
  b.fit(r);
  test::TempDir dir;
  const std::string d = dir.path().string();
  std::filesystem::create_directory(d + "/m");
  b.save(d + "/m");
  std::filesystem::copy_file(d + "/m/history.npy", d + "/outside.npy");
  const std::string good = read_file(d + "/m/model.json");
  for (const std::string bad : {"../outside.npy", "/etc/passwd", "sub/history.npy", "..", ""}) {
    std::string text = good;
    const std::string key = "\"history.npy\"";
    text.replace(text.find(key), key.size(), "\"" + bad + "\"");
    write_file_atomic(d + "/m/model.json", text);
    test::expect_error([&] { load_generator(d + "/m"); }, ErrorCategory::Input,
                       {"model.json", "\"history_file\"", "inside the model directory"});
  }
  write_file_atomic(d + "/m/model.json", good);
  EXPECT_EQ(load_generator(d + "/m")->kind(), "bootstrap");
  // The resolver itself, for other loaders (the GAN's weights file).
  const ModelFile m = ModelFile::read(d + "/m");
  EXPECT_EQ(m.data_file("history_file"), d + "/m/history.npy");
  EXPECT_EQ(m.resolve("weights.pt", "weights file"), d + "/m/weights.pt");
  test::expect_error([&] { m.resolve("../w.pt", "weights file"); }, ErrorCategory::Input,
                     {"model.json", "weights file '../w.pt'"});
}

TEST(Generators, MemorylessModelsRefuseContext) {
  const Panel r = dow_returns({"AA"});
  GbmGenerator g;
  g.fit(r);
  test::expect_error([&] { g.generate_from(r.values.topRows(10), 5, 5, 1); }, ErrorCategory::Usage,
                     {"gbm", "no memory"});
}

}  // namespace
}  // namespace fingen::scenario
