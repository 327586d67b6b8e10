// The distributed backend: LibTorch's c10d with a TCP store for the rendezvous and a Gloo process
// group for the data (CPU tensors, TCP between hosts). Every c10d call of fingen is in this file,
// so a LibTorch whose c10d differs (1.13's ProcessGroup, 2.x's Backend) changes only this file.
#include "trainer.hpp"

#ifdef FINGEN_HAVE_GLOO  // CMake found the Gloo headers that c10d's Gloo process group includes

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO  // the switch LibTorch's own build sets for its Gloo process group
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "fingen/core/dist.hpp"
#include "fingen/core/error.hpp"

namespace fingen::ml {

namespace {
constexpr std::size_t kMaxMessage = std::size_t{1} << 28;  // bytes per c10d message (256 MiB)

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

class GlooCommunicator final : public dist::Communicator {
 public:
  explicit GlooCommunicator(const dist::DistOptions& o) : rank_(o.rank), size_(o.world_size) {
    const auto timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_seconds * 1000));
    try {
      c10d::TCPStoreOptions so;
      so.port = static_cast<std::uint16_t>(o.master_port);
      so.isServer = o.rank == 0;
      so.numWorkers = static_cast<std::size_t>(o.world_size);
      so.waitWorkers = true;
      so.timeout = timeout;
      store_ = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      // The address the other ranks reach this one at: the interface GLOO_SOCKET_IFNAME names
      // (as in PyTorch), the loopback interface when rank 0 is on this host's loopback, else the
      // address this host's name resolves to.
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      if (ifname && *ifname)
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (is_loopback(o.master_addr))
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      options->threads = 2;
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, o.rank, o.world_size, options);
    } catch (const fingen::Error&) {
      throw;
    } catch (const std::exception& e) {
      FG_FAIL(Runtime,
              "rank {} of {} could not join the others through {}:{} within {} s: {} (are all "
              "ranks started, with the same --world-size, --master-addr and --master-port, and "
              "is the port free?)",
              o.rank, o.world_size, o.master_addr, o.master_port, o.timeout_seconds,
              first_line(e.what()));
    }
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "gloo"; }

  void send(const void* data, std::size_t bytes, int peer) override {
    check_peer(peer, "send to");
    auto* p = static_cast<std::uint8_t*>(const_cast<void*>(data));  // Gloo only reads it
    for (std::size_t done = 0; done < bytes;) {  // nothing is sent for 0 bytes (nor received)
      const std::size_t n = std::min(bytes - done, kMaxMessage);
      std::vector<at::Tensor> t{blob(p + done, n)};
      guard("send to", peer, [&] { group_->send(t, peer, 0)->wait(); });
      done += n;
    }
  }

  void recv(void* data, std::size_t bytes, int peer) override {
    check_peer(peer, "receive from");
    auto* p = static_cast<std::uint8_t*>(data);
    for (std::size_t done = 0; done < bytes;) {
      const std::size_t n = std::min(bytes - done, kMaxMessage);
      std::vector<at::Tensor> t{blob(p + done, n)};
      guard("receive from", peer, [&] { group_->recv(t, peer, 0)->wait(); });
      done += n;
    }
  }

  void all_reduce_sum(double* data, std::size_t n) override { reduce(data, n, torch::kFloat64); }
  void all_reduce_sum(float* data, std::size_t n) override { reduce(data, n, torch::kFloat32); }

  void broadcast(void* data, std::size_t bytes, int root) override {
    FG_REQUIRE(root >= 0 && root < size_, "no rank {} to broadcast from (world of {})", root,
               size_);
    auto* p = static_cast<std::uint8_t*>(data);
    for (std::size_t done = 0; done < bytes;) {
      const std::size_t n = std::min(bytes - done, kMaxMessage);
      std::vector<at::Tensor> t{blob(p + done, n)};
      c10d::BroadcastOptions bo;
      bo.rootRank = root;
      guard("broadcast from", root, [&] { group_->broadcast(t, bo)->wait(); });
      done += n;
    }
  }

  void barrier() override {
    guard("barrier", -1, [&] { group_->barrier()->wait(); });
  }

 private:
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
  static at::Tensor blob(std::uint8_t* p, std::size_t n) {
    return torch::from_blob(p, {static_cast<std::int64_t>(n)},
                            torch::TensorOptions().dtype(torch::kUInt8));
  }
  template <class T>
  void reduce(T* data, std::size_t n, torch::ScalarType type) {
    for (std::size_t done = 0; done < n;) {
      const std::size_t k = std::min(n - done, kMaxMessage / sizeof(T));
      std::vector<at::Tensor> t{torch::from_blob(data + done, {static_cast<std::int64_t>(k)},
                                                 torch::TensorOptions().dtype(type))};
      guard("all-reduce", -1, [&] { group_->allreduce(t)->wait(); });
      done += k;
    }
  }
  void check_peer(int peer, const char* what) const {
    FG_REQUIRE(peer >= 0 && peer < size_ && peer != rank_,
               "rank {} cannot {} rank {} (world of {})", rank_, what, peer, size_);
  }
  template <class F>
  void guard(const char* what, int peer, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      FG_FAIL(Runtime, "rank {}: {} {}failed: {} (a rank stopped or the network failed)", rank_,
              what, peer >= 0 ? fmt::format("rank {} ", peer) : std::string(),
              first_line(e.what()));
    }
  }

  int rank_, size_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};
}  // namespace

void register_gloo_backend() {
  dist::register_backend("gloo", [](const dist::DistOptions& o) {
    return std::unique_ptr<dist::Communicator>(new GlooCommunicator(o));
  });
}

}  // namespace fingen::ml

#else

namespace fingen::ml {
void register_gloo_backend() {}  // no backend: dist::connect() says what is missing
}  // namespace fingen::ml

#endif
