#pragma once
// The event-loop HTTP server of `mlops serve` (serve.http_server: loop). serve.loop_threads
// loops, each with its own epoll set, share one listening socket (bound once, without
// SO_REUSEPORT: a port in use is an error) registered in every set with EPOLLEXCLUSIVE, so one
// loop wakes per new connection. Sockets are non-blocking; HTTP/1.1 is parsed by
// http_request_parser.h (http-parser), pipelined requests included. Each loop iteration reads every
// ready connection, parses every complete request, answers them as a batch through the routes of
// http_api (answer_request), then writes each connection's answers with one send.
//
// Limits: serve.max_connections connections at once (beyond, each request of a further
// connection is answered 503 with Retry-After and it closes); serve.max_body_bytes (413);
// serve.read_timeout for a request that stopped halfway (400, then close);
// serve.keep_alive_timeout idle; serve.write_timeout for a client that does not read;
// serve.keep_alive_requests per connection. stop(): no new connection, idle connections close,
// requests in flight are answered ("Connection: close"), then run() returns.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "mlops/serve/http_api.h"

namespace mlops {

class LoopServer {
 public:
  /// `state` outlives the server; its settings give the limits above.
  explicit LoopServer(ServeState& state);
  ~LoopServer();
  LoopServer(const LoopServer&) = delete;
  LoopServer& operator=(const LoopServer&) = delete;

  /// Listens on host:port (port 0: any free port) and returns the port. Throws IoError when
  /// the address cannot be bound (in use, or not an address of this machine).
  int bind(const std::string& host, int port);
  /// Runs the loops (this thread and serve.loop_threads - 1 more) until stop() and every
  /// connection closed.
  void run();
  /// How many loops run() runs (serve.loop_threads, or one per usable CPU); set by bind().
  size_t loop_count() const { return loops_.size(); }
  /// Stops accepting and asks every loop to finish; returns at once. Thread-safe.
  void stop();

  class Loop;

 private:
  ServeState& state_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> rejected_{0};
  std::vector<std::unique_ptr<Loop>> loops_;
  friend class Loop;
};

}  // namespace mlops
