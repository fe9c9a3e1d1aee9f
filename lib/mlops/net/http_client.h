#pragma once
// HTTP requests behind a small interface (STYLE.md: HTTP sits behind an interface where tests
// inject faults), with the libcurl implementation used in production. Shared by the http
// ingest source (GET, paginated) and the notification webhooks (POST).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

struct HttpRequest {
  /// May hold a secret (a webhook URL, a token in the query): print it only through
  /// mask_secrets.
  std::string url;
  std::string method = "GET";  // GET or POST
  std::string body;            // POST: sent as given (with a Content-Type header)
  /// Sent as given. Values may be secrets: nothing here is ever logged.
  std::vector<std::pair<std::string, std::string>> headers;
  double connect_timeout = 10;  // seconds
  double timeout = 30;          // seconds, the whole request
  std::string user_agent = "mlops";
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
  /// Performs one request (request.method). Transfer failures are reported in `error`, never
  /// thrown.
  virtual HttpResponse send(const HttpRequest& request) = 0;
  /// send() of a GET.
  HttpResponse get(HttpRequest request) {
    request.method = "GET";
    return send(request);
  }
};

/// A libcurl client that keeps its connection alive between requests (http and https only,
/// redirects followed for GET, gzip and deflate accepted).
std::unique_ptr<HttpClient> make_curl_client();

/// `url` with `name=value` set in its query (replacing a parameter of that name), both
/// percent-encoded.
std::string with_query_param(const std::string& url, const std::string& name,
                             const std::string& value);
/// `reference` (absolute, or relative like "/items?page=2" or "?page=2") resolved against
/// `base`.
std::string resolve_url(const std::string& base, const std::string& reference);

}  // namespace mlops
