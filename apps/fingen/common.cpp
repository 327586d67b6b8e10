#include <exception>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"

namespace fingen::cli {

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << "fingen: error: " << e.what() << '\n';
    return e.category() == ErrorCategory::Usage ? kUsageError : kRuntimeError;
  } catch (const std::bad_alloc&) {
    std::cerr << "fingen: error: out of memory\n";
    return kRuntimeError;
  } catch (const std::exception& e) {
    std::cerr << "fingen: error: " << e.what() << '\n';
    return kRuntimeError;
  }
}

void add_dist_options(CLI::App& cmd, DistArgs& a) {
  const char* group = "Several processes (default: the environment of torchrun or Slurm)";
  cmd.add_option("--world-size", a.world_size, "Number of processes (WORLD_SIZE, SLURM_NTASKS)")
      ->group(group);
  cmd.add_option("--rank", a.rank, "This process's rank, 0 .. world size - 1 (RANK, SLURM_PROCID)")
      ->group(group);
  cmd.add_option("--master-addr", a.master_addr, "Host of rank 0 (MASTER_ADDR; 127.0.0.1)")
      ->group(group);
  cmd.add_option("--master-port", a.master_port, "TCP port rank 0 listens on (MASTER_PORT; 29500)")
      ->group(group);
  cmd.add_option("--dist-timeout", a.timeout,
                 "Seconds to wait for the other ranks before giving up (FINGEN_DIST_TIMEOUT; 300)")
      ->group(group);
}

dist::DistOptions resolve_dist(const DistArgs& a) {
  return dist::resolve({{"world_size", a.world_size},
                        {"rank", a.rank},
                        {"master_addr", a.master_addr},
                        {"master_port", a.master_port},
                        {"timeout", a.timeout}});
}

}  // namespace fingen::cli
