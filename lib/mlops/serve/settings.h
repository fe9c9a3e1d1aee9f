#pragma once
// The `serve.*` keys, typed: what the server as a whole reads (address, threads, limits,
// timeouts, token: from the first served workflow's config, so base.yaml or configs/<env>.yaml
// set them once) and what each workflow reads for itself (alias, fallback steps, default).

#include <chrono>
#include <cstddef>
#include <string>

#include "mlops/config/workflow.h"

namespace mlops {

/// The server's settings.
struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t threads = 8;
  size_t queue = 64;
  /// serve.http_server: "loop" (LoopServer) or "threads" (cpp-httplib, HttpServer).
  std::string http_server = "loop";
  size_t loop_threads = 0;  // 0: the machine's hardware threads
  size_t max_connections = 1024;
  std::chrono::milliseconds reload_interval{10'000};  // 0: only on SIGHUP
  std::chrono::milliseconds drain_timeout{10'000};
  std::chrono::milliseconds read_timeout{5'000};
  std::chrono::milliseconds write_timeout{5'000};
  std::chrono::milliseconds keep_alive_timeout{2'000};
  size_t keep_alive_requests = 1000;
  size_t max_body_bytes = 1 << 20;
  size_t max_json_depth = 8;
  size_t max_rows = 1000;
  /// The bearer token; empty: no authentication. A secret: never logged or echoed.
  std::string token;
};

/// One workflow's serving settings.
struct WorkflowServeSettings {
  std::string alias = "champion";
  bool fallback_batch = true;
  bool fallback_baseline = true;
  std::string default_prediction;  // empty: 503 when every other step fails
};

/// Reads the server's keys from `workflow`'s effective config (the key table's defaults fill
/// what is unset; its range checks ran at load). Throws ConfigError naming the key when
/// serve.keep_alive_timeout or serve.read_timeout is not below serve.drain_timeout (a drain
/// must outlast an idle connection).
ServerSettings read_server_settings(const Workflow& workflow);

/// Reads one workflow's serve.alias, serve.fallback.* and serve.default_prediction.
WorkflowServeSettings read_workflow_serve_settings(const Workflow& workflow);

}  // namespace mlops
