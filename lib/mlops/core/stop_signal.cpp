#include "mlops/core/stop_signal.h"

#include <atomic>
#include <csignal>

namespace mlops {

namespace {

// Lock-free, so the handler may set it (std::atomic<bool> is on every target we build for).
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

std::atomic<bool> g_reload{false};

extern "C" void on_reload_signal(int) {
  g_reload.store(true, std::memory_order_relaxed);
}

extern "C" void on_stop_signal(int) {
  g_stop.store(true, std::memory_order_relaxed);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

bool stop_requested() {
  return g_stop.load(std::memory_order_relaxed);
}

void request_stop() {
  g_stop.store(true, std::memory_order_relaxed);
}

void install_reload_handler() {
  struct sigaction action {};
  action.sa_handler = on_reload_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &action, nullptr);
}

bool take_reload_request() {
  return g_reload.exchange(false, std::memory_order_relaxed);
}

void request_reload() {
  g_reload.store(true, std::memory_order_relaxed);
}

}  // namespace mlops
