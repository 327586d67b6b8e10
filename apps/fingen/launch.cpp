// fingen launch: one fingen command as several local processes (ranks) that work as one.
#include <unistd.h>
#include <climits>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/dist.hpp"
#include "fingen/core/error.hpp"

namespace fingen::cli {

int run_launch(const LaunchArgs& args, const std::string& self) {
  return guarded([&] {
    FG_REQUIRE(!args.command.empty(),
               "no command to launch (e.g. fingen launch -n 2 -- generate ...)");
    std::vector<std::string> argv{self};
    argv.insert(argv.end(), args.command.begin(), args.command.end());
    return dist::launch_local(argv, args.processes, args.master_port);
  });
}

namespace {
// This program's own path, so the ranks run the same fingen.
std::string self_path() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  FG_CHECK(Runtime, n > 0, "cannot find this program's path (/proc/self/exe)");
  return std::string(buf, static_cast<std::size_t>(n));
}
}  // namespace

void add_launch(CLI::App& app, LaunchArgs& args, int& code) {
  CLI::App* cmd =
      app.add_subcommand("launch", "Run a command as several local processes that work as one");
  cmd->footer(
      "Starts N copies of fingen on this host, ranks 0 .. N-1, with WORLD_SIZE, RANK, LOCAL_RANK,\n"
      "MASTER_ADDR=127.0.0.1 and MASTER_PORT set (as torchrun does); the command's own\n"
      "--world-size/--rank options are then not needed. When one rank fails the others are\n"
      "stopped; the exit status is the first failure's.\n\n"
      "Examples:\n"
      "  fingen launch -n 2 -- generate --model runs/garch --paths 1000000 --horizon 252 --out "
      "g.npy\n"
      "  fingen launch -n 2 -- fit --model gan --data data/sp500_ohlcv_2000_2020.csv --out "
      "runs/gan\n"
      "OMP_NUM_THREADS is set to cores / N unless it is set already.\n"
      "On several hosts, start one process per rank yourself (or with srun), e.g. on host A:\n"
      "  fingen generate ... --world-size 2 --rank 0 --master-addr A --master-port 29500\n"
      "and on host B the same with --rank 1.");
  cmd->add_option("-n,--processes", args.processes, "Number of processes")->required();
  cmd->add_option("--master-port", args.master_port, "Port of rank 0 (default: a free one)");
  // What follows -- is the ranks' command: main() cuts it off before parsing (CLI11 would read it
  // as this program's own subcommand).
  cmd->callback([&] { code = guarded([&] { return run_launch(args, self_path()); }); });
}

}  // namespace fingen::cli
