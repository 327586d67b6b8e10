#include "fingen/core/runtime.hpp"

#include <atomic>
#include <mutex>

namespace fingen {

namespace {
std::atomic<bool> g_stop{false};
std::mutex& backend_mutex() {
  static std::mutex m;
  return m;
}
std::function<BackendInfo()>& backend() {
  static std::function<BackendInfo()> describe;
  return describe;
}
}  // namespace

BackendInfo backend_info() {
  std::function<BackendInfo()> describe;
  {
    std::lock_guard<std::mutex> lock(backend_mutex());
    describe = backend();
  }
  return describe ? describe() : BackendInfo{};
}

void register_backend(std::function<BackendInfo()> describe) {
  std::lock_guard<std::mutex> lock(backend_mutex());
  backend() = std::move(describe);
}

void request_stop() noexcept {
  g_stop.store(true);
}
bool stop_requested() noexcept {
  return g_stop.load();
}
bool take_stop_request() noexcept {
  return g_stop.exchange(false);
}

}  // namespace fingen
