#include "mlops/serve/settings.h"

#include <cmath>

#include "mlops/config/node_values.h"
#include "mlops/core/error.h"

namespace mlops {

namespace {

std::chrono::milliseconds read_seconds(const ConfigNode& tree, std::string_view path,
                                       std::chrono::milliseconds fallback) {
  const ConfigNode* node = value_at(tree, path);
  if (!node) return fallback;
  return std::chrono::milliseconds(std::llround(node->as_double(path) * 1000));
}

}  // namespace

ServerSettings read_server_settings(const Workflow& workflow) {
  const ConfigNode& tree = workflow.tree;
  ServerSettings s;
  s.host = read_string(tree, "serve.host", s.host);
  s.port = static_cast<int>(read_int(tree, "serve.port", s.port));
  s.threads = static_cast<size_t>(read_int(tree, "serve.threads", 8));
  s.queue = static_cast<size_t>(read_int(tree, "serve.queue", 64));
  s.http_server = read_string(tree, "serve.http_server", s.http_server);
  s.loop_threads = static_cast<size_t>(read_int(tree, "serve.loop_threads", 0));
  s.max_connections = static_cast<size_t>(read_int(tree, "serve.max_connections", 1024));
  s.reload_interval = read_seconds(tree, "serve.reload_interval", s.reload_interval);
  s.drain_timeout = read_seconds(tree, "serve.drain_timeout", s.drain_timeout);
  s.read_timeout = read_seconds(tree, "serve.read_timeout", s.read_timeout);
  s.write_timeout = read_seconds(tree, "serve.write_timeout", s.write_timeout);
  s.keep_alive_timeout = read_seconds(tree, "serve.keep_alive_timeout", s.keep_alive_timeout);
  s.keep_alive_requests = static_cast<size_t>(read_int(tree, "serve.keep_alive_requests", 1000));
  s.max_body_bytes = static_cast<size_t>(read_int(tree, "serve.max_body_bytes", 1 << 20));
  s.max_json_depth = static_cast<size_t>(read_int(tree, "serve.max_json_depth", 8));
  s.max_rows = static_cast<size_t>(read_int(tree, "serve.max_rows", 1000));
  s.token = read_string(tree, "serve.token", "");
  if (const ConfigNode* node = value_at(tree, "serve.token"); node && s.token.empty()) {
    // `serve.token: ${MLOPS_SERVE_TOKEN}` with the variable set but empty (a Secret's key
    // missing) would otherwise serve every route without authentication, silently.
    throw ConfigError(
        "{}: key 'serve.token' is set but empty, which would turn authentication off: give it "
        "the token (is its environment variable empty?), or remove the key to serve without one",
        node->origin().describe());
  }
  for (const char* key : {"serve.keep_alive_timeout", "serve.read_timeout"}) {
    const auto value = read_seconds(tree, key, {});
    if (value.count() != 0 && value >= s.drain_timeout) {
      const ConfigNode* node = value_at(tree, key);
      throw ConfigError("{}key '{}' ({} s) must be below serve.drain_timeout ({} s)",
                        node ? node->origin().describe() + ": " : std::string(), key,
                        static_cast<double>(value.count()) / 1000,
                        static_cast<double>(s.drain_timeout.count()) / 1000);
    }
  }
  return s;
}

WorkflowServeSettings read_workflow_serve_settings(const Workflow& workflow) {
  const ConfigNode& tree = workflow.tree;
  WorkflowServeSettings s;
  s.alias = read_string(tree, "serve.alias", s.alias);
  s.fallback_batch = read_bool(tree, "serve.fallback.batch", true);
  s.fallback_baseline = read_bool(tree, "serve.fallback.baseline", true);
  s.default_prediction = read_string(tree, "serve.default_prediction", "");
  return s;
}

}  // namespace mlops
