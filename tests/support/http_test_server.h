#pragma once
// An HTTP server on 127.0.0.1 (a free port picked by the OS) for tests, serving the handlers
// a test registers, in a thread of the test process; stopped when destroyed.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace mlops::testing {

class HttpTestServer {
 public:
  HttpTestServer() = default;
  ~HttpTestServer() { stop(); }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  /// Register handlers on this before start().
  httplib::Server& server() { return server_; }

  /// Binds a free port on 127.0.0.1 and serves until stop(); returns once accepting.
  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  int port() const { return port_; }
  /// "http://127.0.0.1:<port><path>"
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace mlops::testing
