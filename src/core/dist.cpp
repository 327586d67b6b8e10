#include "fingen/core/dist.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"

extern char** environ;

namespace fingen::dist {

void DistOptions::validate() const {
  FG_REQUIRE(world_size >= 1 && world_size <= 65536, "world size must be in [1, 65536], got {}",
             world_size);
  FG_REQUIRE(rank >= 0 && rank < world_size, "rank must be in [0, {}) for a world of {}, got {}",
             world_size, world_size, rank);
  FG_REQUIRE(!master_addr.empty() && master_addr.size() <= 253,
             "master address must be a host name or address, got '{}'", master_addr);
  FG_REQUIRE(master_port >= 1 && master_port <= 65535, "master port must be in [1, 65535], got {}",
             master_port);
  FG_REQUIRE(std::isfinite(timeout_seconds) && timeout_seconds >= 1 && timeout_seconds <= 86400,
             "the distributed timeout must be in [1, 86400] seconds, got {}", timeout_seconds);
}

namespace {
// A whole decimal integer in [lo, hi], quoting what was given otherwise.
long long parse_integer(const std::string& text, const std::string& what, long long lo,
                        long long hi) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  FG_REQUIRE(!text.empty() && end == text.c_str() + text.size() && errno == 0 && v >= lo && v <= hi,
             "{} must be a whole number in [{}, {}], got '{}'", what, lo, hi, text);
  return v;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}
}  // namespace

DistOptions resolve(const std::map<std::string, std::string>& overrides,
                    const std::map<std::string, std::string>* env_in) {
  const std::map<std::string, std::string> own =
      env_in ? std::map<std::string, std::string>{} : process_environment();
  const auto& env = env_in ? *env_in : own;
  const auto get = [&](const char* name) {
    const auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  // The environment first (torchrun's names, else Slurm's), then the command line.
  std::map<std::string, std::pair<std::string, std::string>> v;  // key -> (value, where from)
  const auto from_env = [&](const char* key, std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (!get(n).empty()) {
        v[key] = {get(n), fmt::format("environment variable {}", n)};
        return;
      }
  };
  from_env("world_size", {"WORLD_SIZE", "SLURM_NTASKS"});
  from_env("rank", {"RANK", "SLURM_PROCID"});
  from_env("master_addr", {"MASTER_ADDR"});
  from_env("master_port", {"MASTER_PORT"});
  from_env("timeout", {"FINGEN_DIST_TIMEOUT"});
  static const std::map<std::string, std::string> flags = {{"world_size", "--world-size"},
                                                           {"rank", "--rank"},
                                                           {"master_addr", "--master-addr"},
                                                           {"master_port", "--master-port"},
                                                           {"timeout", "--dist-timeout"}};
  for (const auto& [key, value] : overrides) {
    const auto flag = flags.find(key);
    FG_REQUIRE(flag != flags.end(), "unknown distributed option '{}'", key);
    if (!value.empty()) v[key] = {value, flag->second};
  }
  DistOptions o;
  if (v.count("world_size"))
    o.world_size = static_cast<int>(parse_integer(
        v["world_size"].first, "the world size (" + v["world_size"].second + ")", 1, 65536));
  if (v.count("rank"))
    o.rank = static_cast<int>(
        parse_integer(v["rank"].first, "the rank (" + v["rank"].second + ")", 0, 65535));
  if (v.count("master_addr")) o.master_addr = v["master_addr"].first;
  if (v.count("master_port"))
    o.master_port = static_cast<int>(parse_integer(
        v["master_port"].first, "the master port (" + v["master_port"].second + ")", 1, 65535));
  if (v.count("timeout"))
    o.timeout_seconds = static_cast<double>(parse_integer(
        v["timeout"].first, "the distributed timeout in seconds (" + v["timeout"].second + ")", 1,
        86400));
  o.validate();
  return o;
}

std::pair<std::size_t, std::size_t> share(std::size_t n, int rank, int size) {
  FG_REQUIRE(size >= 1 && rank >= 0 && rank < size, "rank {} of a world of {}", rank, size);
  const auto r = static_cast<std::size_t>(rank), k = static_cast<std::size_t>(size);
  const std::size_t base = n / k, extra = n % k;  // the first `extra` ranks take one more
  const std::size_t first = r * base + std::min(r, extra);
  return {first, base + (r < extra ? 1 : 0)};
}

namespace {
class Local final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string backend() const override { return "local"; }
  void send(const void*, std::size_t, int peer) override {
    FG_FAIL(Usage, "a single process cannot send to rank {}", peer);
  }
  void recv(void*, std::size_t, int peer) override {
    FG_FAIL(Usage, "a single process cannot receive from rank {}", peer);
  }
  void all_reduce_sum(double*, std::size_t) override {}
  void all_reduce_sum(float*, std::size_t) override {}
  void broadcast(void*, std::size_t, int) override {}
  void barrier() override {}
};

using Maker = std::function<std::unique_ptr<Communicator>(const DistOptions&)>;
std::mutex& backends_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, Maker>& backends() {
  static std::map<std::string, Maker> b;
  return b;
}
}  // namespace

std::unique_ptr<Communicator> local() {
  return std::make_unique<Local>();
}

Communicator& given_or_local(Communicator* given, std::unique_ptr<Communicator>& holder) {
  if (given) return *given;
  if (!holder) holder = local();
  return *holder;
}

std::size_t paths_per_block(std::size_t requested, std::size_t values_per_path) {
  if (requested > 0) return requested;
  std::size_t b =
      std::max<std::size_t>((std::size_t{1} << 22) / std::max<std::size_t>(values_per_path, 1), 1);
  if (b > 256) b -= b % 256;
  return b;
}

void register_backend(const std::string& name, Maker make) {
  const std::lock_guard<std::mutex> lock(backends_mutex());
  backends()[name] = std::move(make);
}

std::unique_ptr<Communicator> connect(const DistOptions& options) {
  options.validate();
  if (options.world_size == 1) return local();
  Maker make;
  {
    const std::lock_guard<std::mutex> lock(backends_mutex());
    const auto it = backends().find("gloo");
    FG_REQUIRE(it != backends().end(),
               "a world of {} processes needs the distributed backend (Gloo, through LibTorch); "
               "this fingen was built without LibTorch (FINGEN_WITH_TORCH=OFF) or without the Gloo "
               "headers (libgloo-dev)",
               options.world_size);
    make = it->second;
  }
  return make(options);
}

namespace {
// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  FG_CHECK(Runtime, fd >= 0, "cannot open a socket to find a free port: {}", std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  const int err = errno;
  ::close(fd);
  FG_CHECK(Runtime, ok, "cannot find a free port: {}", std::strerror(err));
  return ntohs(a.sin_port);
}
}  // namespace

int launch_local(const std::vector<std::string>& argv, int processes, int port) {
  FG_REQUIRE(!argv.empty(), "nothing to launch");
  FG_REQUIRE(processes >= 1 && processes <= 1024,
             "the number of processes must be in [1, 1024], "
             "got {}",
             processes);
  FG_REQUIRE(port >= 0 && port <= 65535, "the port must be in [1, 65535], got {}", port);
  const int master_port = port > 0 ? port : free_port();
  // Everything the children need is built before the first fork.
  std::map<std::string, std::string> base = process_environment();
  base["WORLD_SIZE"] = std::to_string(processes);
  base["MASTER_ADDR"] = "127.0.0.1";
  base["MASTER_PORT"] = std::to_string(master_port);
  base["LOCAL_WORLD_SIZE"] = std::to_string(processes);
  // The cores shared out between the processes (as torchrun does), unless the user chose.
  if (base.count("OMP_NUM_THREADS") == 0)
    base["OMP_NUM_THREADS"] = std::to_string(
        std::max(1u, std::thread::hardware_concurrency() / static_cast<unsigned>(processes)));
  std::vector<std::vector<std::string>> envs(static_cast<std::size_t>(processes));
  for (int r = 0; r < processes; ++r) {
    base["RANK"] = base["LOCAL_RANK"] = std::to_string(r);
    for (const auto& [k, v] : base) envs[static_cast<std::size_t>(r)].push_back(k + "=" + v);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<pid_t> pids;
  const auto stop_all = [&] {
    for (pid_t p : pids)
      if (p > 0) ::kill(p, SIGTERM);
  };
  for (int r = 0; r < processes; ++r) {
    std::vector<char*> env;
    for (auto& e : envs[static_cast<std::size_t>(r)]) env.push_back(e.data());
    env.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execve(args[0], args.data(), env.data());
      const char msg[] = "fingen launch: cannot execute the program\n";
      [[maybe_unused]] const auto n = ::write(2, msg, sizeof msg - 1);
      ::_exit(127);
    }
    if (pid < 0) {
      const int err = errno;
      stop_all();
      for (pid_t p : pids) ::waitpid(p, nullptr, 0);
      FG_FAIL(Runtime, "cannot start process {} of {}: {}", r, processes, std::strerror(err));
    }
    pids.push_back(pid);
  }
  int status = 0;
  for (std::size_t left = pids.size(); left > 0;) {
    int ws = 0;
    const pid_t pid = ::waitpid(-1, &ws, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = std::find(pids.begin(), pids.end(), pid);
    if (it == pids.end()) continue;
    *it = -1;
    --left;
    const int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    if (code != 0 && status == 0) {
      status = code;
      stop_all();  // the others would wait for the failed rank until their timeout
    }
  }
  return status;
}

void check_same(Communicator& comm, const std::string& description, const std::string& what) {
  if (comm.size() == 1) return;
  // Every rank sends the digest of its description; rank 0 compares and broadcasts the verdict.
  const std::string digest = sha256_hex(description);  // 64 hex characters
  std::int64_t bad = -1;
  if (comm.rank() == 0) {
    for (int r = 1; r < comm.size(); ++r) {
      char buf[64];
      comm.recv(buf, sizeof buf, r);
      if (bad < 0 && std::memcmp(buf, digest.data(), 64) != 0) bad = r;
    }
  } else {
    comm.send(digest.data(), 64, 0);
  }
  comm.broadcast(&bad, sizeof bad, 0);
  FG_REQUIRE(bad < 0,
             "rank {} was started with a different {} than rank 0 (every rank must be given the "
             "same options)",
             bad, what);
}

}  // namespace fingen::dist
