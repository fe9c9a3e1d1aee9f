#pragma once
// The request and the answer the routes (http_api) see, whichever HTTP server carries them:
// cpp-httplib's thread per connection (http_server) or the event loop (loop_server). A request
// only views its text (the server owns the bytes until the answer is written).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

/// One parsed HTTP request; every view lives as long as the request is being answered.
struct HttpRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view path;    // without the query string
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;

  /// The first header named `name` (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

/// One answer: its status, extra headers, and a body of `content_type`.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace mlops
