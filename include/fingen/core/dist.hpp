/// @file dist.hpp
/// @brief Several processes working as one: who this process is among them (rank, world size),
/// where they meet (the rank-0 host and port), and a communicator between them.
///
/// fingen does not carry a protocol of its own: the communicator is LibTorch's c10d (a TCPStore
/// for the rendezvous, a Gloo process group for the data), registered by fingen_ml when it is
/// linked, so this header and everything that uses it stay free of torch. A world of one process
/// needs no backend (local()).
///
/// The environment follows torchrun and Slurm: WORLD_SIZE and RANK (else SLURM_NTASKS and
/// SLURM_PROCID), MASTER_ADDR and MASTER_PORT; options given on the command line win over them.
/// GLOO_SOCKET_IFNAME names the network interface when the host name does not resolve to the
/// address the other hosts should use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fingen::dist {

struct DistOptions {
  int world_size = 1;
  int rank = 0;
  std::string master_addr = "127.0.0.1";  ///< host of rank 0 (its TCP store)
  int master_port = 29500;
  double timeout_seconds = 300;  ///< how long a rank waits for the others before it gives up
  /// Throws Error(Usage) naming the bad field.
  void validate() const;
};

/// Options from the environment (`env` when given, else the process's), then `overrides`
/// ("world_size", "rank", "master_addr", "master_port", "timeout"; empty values are ignored).
/// Error(Usage) quoting what was given for a value that is not a number or out of range.
DistOptions resolve(const std::map<std::string, std::string>& overrides,
                    const std::map<std::string, std::string>* env = nullptr);

/// Paths [first, first + count) of `n` that rank `rank` of `size` handles: contiguous shares in
/// rank order whose sizes differ by at most one.
std::pair<std::size_t, std::size_t> share(std::size_t n, int rank, int size);

/// The operations distributed work needs; every call is collective unless it says otherwise.
/// Errors (a peer that died, a timeout) are Error(Runtime) naming the operation and the peer.
class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// The backend's name ("local", "gloo").
  virtual std::string backend() const = 0;
  /// Point to point (not collective): `bytes` bytes to / from rank `peer`. Messages between two
  /// ranks arrive in the order sent.
  virtual void send(const void* data, std::size_t bytes, int peer) = 0;
  virtual void recv(void* data, std::size_t bytes, int peer) = 0;
  /// Element-wise sum over the ranks, in place, the same on every rank.
  virtual void all_reduce_sum(double* data, std::size_t n) = 0;
  virtual void all_reduce_sum(float* data, std::size_t n) = 0;
  /// Rank `root`'s bytes on every rank (the buffers are `bytes` long everywhere).
  virtual void broadcast(void* data, std::size_t bytes, int root) = 0;
  virtual void barrier() = 0;
};

/// The communicator of a single process (size 1); collectives are no-ops.
std::unique_ptr<Communicator> local();

/// `given` when it is set, else a local() communicator made into `holder` (which must outlive
/// its use): what a library call that takes an optional communicator works with.
Communicator& given_or_local(Communicator* given, std::unique_ptr<Communicator>& holder);

/// Paths per block when a rank works through its share block by block: `requested` when
/// positive, else about 2^22 values (32 MB of doubles) per block, a multiple of 256 paths (the
/// GAN's generation chunk) when larger.
std::size_t paths_per_block(std::size_t requested, std::size_t values_per_path);

/// Connects to the other ranks of `options` (blocking until all have arrived or the timeout):
/// local() for a world of one, else the registered backend. Error(Usage) when the world has more
/// than one process and no backend is linked (a build without LibTorch), Error(Runtime) when the
/// rendezvous fails.
std::unique_ptr<Communicator> connect(const DistOptions& options);

/// Called by a backend (fingen_ml) at static initialisation.
void register_backend(const std::string& name,
                      std::function<std::unique_ptr<Communicator>(const DistOptions&)> make);

/// Runs `argv` (argv[0] the program) as `processes` local processes, ranks 0 .. processes - 1,
/// each with WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR (127.0.0.1) and MASTER_PORT (`port`, or a
/// free one when 0), LOCAL_WORLD_SIZE and (unless already set) OMP_NUM_THREADS = cores / processes
/// added to this environment, and waits for them. When one fails the others are
/// stopped (SIGTERM). Returns the first failing exit status (128 + signal for a killed process),
/// else 0. Error(Runtime) when a process cannot be started.
int launch_local(const std::vector<std::string>& argv, int processes, int port = 0);

/// Every rank gives a string describing what it was asked to do; Error(Usage) on every rank when
/// they differ (ranks started with different options), naming the first rank that disagrees with
/// rank 0 and `what` it was.
void check_same(Communicator& comm, const std::string& description, const std::string& what);

}  // namespace fingen::dist
