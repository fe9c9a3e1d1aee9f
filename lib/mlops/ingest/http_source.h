#pragma once
// The http source: GET a JSON endpoint, find the records at a dotted path, walk its pages (page
// number, offset/limit, a cursor field, or RFC 8288 Link rel="next"), or poll it several times
// per run. Every response body goes to the raw layer as received; each page is one commit, so
// a restart resumes at the page after the last one committed. Connection errors, timeouts,
// 5xx and 429 are retried with backoff and jitter within a retry budget; once it is spent,
// what was fetched stays committed and NetworkError (exit 5) ends the source.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mlops/ingest/source.h"
#include "mlops/net/http_client.h"
#include "mlops/net/retry.h"

namespace mlops {

struct HttpSourceConfig {
  std::string url;
  std::string records;  // dotted path to the records; "" = the body
  std::vector<std::pair<std::string, std::string>> headers;      // literal
  std::vector<std::pair<std::string, std::string>> headers_env;  // header -> variable name
  std::string bearer_token_env;
  double connect_timeout = 10;
  double timeout = 30;
  std::string pagination = "none";  // none | page | offset | cursor | link
  std::string param;                // the moving query parameter
  int64_t start = 0;
  std::string size_param;
  int64_t size = 100;
  std::string cursor_path;
  int64_t max_pages = 0;
  int64_t poll_count = 1;
  double poll_interval = 0;
  RetryPolicy retry;
};

/// Reads and checks an http source's keys. Throws ConfigError (poll.count above 1 with a
/// pagination, an empty url).
HttpSourceConfig parse_http_config(const SourceOptions& options);
/// The request headers: literal ones, then those read from the environment, then the bearer
/// token. Throws ConfigError naming the variable (never its value) when one is not set.
std::vector<std::pair<std::string, std::string>> http_headers(const HttpSourceConfig& config);
/// Runs an http source through `client` (libcurl when null).
void run_http_source(SourceContext& context, HttpClient* client = nullptr);

}  // namespace mlops
