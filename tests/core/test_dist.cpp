// dist: options from the environment (torchrun and Slurm names) and the command line, shares of
// paths per rank, the single-process communicator. Several processes are tested end to end in
// tests/cli/dist_generate.sh (they need the Gloo backend of fingen_ml).
#include "fingen/core/dist.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "fingen/core/error.hpp"
#include "test_util.hpp"

namespace fingen::dist {
namespace {

using Env = std::map<std::string, std::string>;

TEST(Dist, OptionsComeFromTorchrunOrSlurmThenTheCommandLine) {
  const Env none;
  const DistOptions d = resolve({}, &none);
  EXPECT_EQ(d.world_size, 1);
  EXPECT_EQ(d.rank, 0);
  EXPECT_EQ(d.master_addr, "127.0.0.1");
  EXPECT_EQ(d.master_port, 29500);
  const Env torchrun{{"WORLD_SIZE", "4"},     {"RANK", "3"},         {"MASTER_ADDR", "node7"},
                     {"MASTER_PORT", "1234"}, {"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "5"}};
  const DistOptions t = resolve({}, &torchrun);
  EXPECT_EQ(t.world_size, 4);  // torchrun's names win over Slurm's
  EXPECT_EQ(t.rank, 3);
  EXPECT_EQ(t.master_addr, "node7");
  EXPECT_EQ(t.master_port, 1234);
  const Env slurm{{"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "5"}, {"MASTER_ADDR", "n1"}};
  const DistOptions s = resolve({}, &slurm);
  EXPECT_EQ(s.world_size, 8);
  EXPECT_EQ(s.rank, 5);
  // The command line wins; empty values mean "not given".
  const DistOptions c =
      resolve({{"world_size", "2"}, {"rank", "1"}, {"master_port", ""}, {"timeout", "9"}}, &slurm);
  EXPECT_EQ(c.world_size, 2);
  EXPECT_EQ(c.rank, 1);
  EXPECT_EQ(c.master_port, 29500);
  EXPECT_EQ(c.timeout_seconds, 9);
}

TEST(Dist, BadValuesAreQuotedWithWhereTheyCameFrom) {
  const Env env{{"WORLD_SIZE", "two"}};
  test::expect_error([&] { resolve({}, &env); }, ErrorCategory::Usage,
                     {"world size", "WORLD_SIZE", "'two'"});
  const Env none;
  test::expect_error(
      [&] {
        resolve({{"rank", "-1"}}, &none);
      },
      ErrorCategory::Usage, {"--rank", "'-1'"});
  test::expect_error(
      [&] {
        resolve({{"world_size", "2"}, {"rank", "2"}}, &none);
      },
      ErrorCategory::Usage, {"rank must be in [0, 2)"});
  test::expect_error(
      [&] {
        resolve({{"master_port", "70000"}}, &none);
      },
      ErrorCategory::Usage, {"--master-port", "'70000'"});
  test::expect_error(
      [&] {
        resolve({{"timeout", "0"}}, &none);
      },
      ErrorCategory::Usage, {"--dist-timeout"});
  test::expect_error(
      [&] {
        resolve({{"ranks", "2"}}, &none);
      },
      ErrorCategory::Usage, {"unknown distributed option 'ranks'"});
}

TEST(Dist, SharesAreContiguousInRankOrderAndCoverEverything) {
  for (std::size_t n : {0, 1, 7, 10, 1000003})
    for (int size : {1, 2, 3, 8}) {
      std::size_t next = 0, largest = 0, smallest = n;
      for (int r = 0; r < size; ++r) {
        const auto [first, count] = share(n, r, size);
        EXPECT_EQ(first, next) << n << " " << r << "/" << size;
        next += count;
        largest = std::max(largest, count);
        smallest = std::min(smallest, count);
        if (r > 0) {
          EXPECT_LE(count, share(n, r - 1, size).second);  // rank 0 has the most
        }
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1u);
    }
  EXPECT_THROW(share(10, 2, 2), Error);
}

TEST(Dist, OneProcessNeedsNoBackend) {
  const auto c = connect(DistOptions{});
  EXPECT_EQ(c->size(), 1);
  EXPECT_EQ(c->rank(), 0);
  EXPECT_EQ(c->backend(), "local");
  double x[2] = {1, 2};
  c->all_reduce_sum(x, 2);
  EXPECT_EQ(x[1], 2);
  check_same(*c, "anything", "request");  // nothing to compare with
  EXPECT_THROW(c->send(x, 8, 1), Error);
}

TEST(Dist, SeveralProcessesWithoutTheBackendSaySoBeforeWaiting) {
  // test_core links fingen_core only: no Gloo backend is registered.
  DistOptions o;
  o.world_size = 2;
  test::expect_error([&] { connect(o); }, ErrorCategory::Usage, {"LibTorch", "Gloo"});
}

}  // namespace
}  // namespace fingen::dist
