#pragma once
// HTTP GET behind a small interface (STYLE.md: HTTP sits behind an interface where tests inject
// faults), with the libcurl implementation used in production.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

struct HttpRequest {
  std::string url;
  /// Sent as given. Values may be secrets: nothing here is ever logged.
  std::vector<std::pair<std::string, std::string>> headers;
  double connect_timeout = 10;  // seconds
  double timeout = 30;          // seconds, the whole request
};

struct HttpResponse {
  long status = 0;    // 0 when no response arrived
  std::string error;  // the transfer failure (timeout, refused, cut short); empty when complete
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string url;                                           // after redirects
  double seconds = 0;

  /// The first header of that (lower-case) name.
  std::optional<std::string> header(std::string_view name) const;
  /// Every header of that (lower-case) name, in order.
  std::vector<std::string> headers_named(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Performs one GET. Transfer failures are reported in `error`, never thrown.
  virtual HttpResponse get(const HttpRequest& request) = 0;
};

/// A libcurl client that keeps its connection alive between requests (http and https only,
/// redirects followed, gzip and deflate accepted).
std::unique_ptr<HttpClient> make_curl_client();

/// `url` with `name=value` set in its query (replacing a parameter of that name), both
/// percent-encoded.
std::string with_query_param(const std::string& url, const std::string& name,
                             const std::string& value);
/// `reference` (absolute, or relative like "/items?page=2" or "?page=2") resolved against
/// `base`.
std::string resolve_url(const std::string& base, const std::string& reference);

}  // namespace mlops
