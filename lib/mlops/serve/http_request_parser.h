#pragma once
// HTTP/1.1 request framing for the event-loop server (loop_server), by http-parser
// (libhttp-parser 2.9): bytes in, complete requests out. One parser per connection is fed what
// the socket gives, split anywhere, and appends each complete request to the caller's queue,
// pipelined requests included; chunked bodies arrive de-chunked. A request that cannot be
// framed is appended too, carrying its fault and the status the server answers (then closes);
// it ends the parsing, as does a request saying "Connection: close": what follows either is
// ignored. A request without Content-Length or chunked coding has no body (RFC 9112 6.3).

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct http_parser;  // <http_parser.h>: only the .cpp needs it

namespace mlops {

/// Why a request could not be read.
enum class RequestFault {
  kNone,
  kMalformed,       // not HTTP/1.x (http-parser refused a byte)
  kHeaderTooLarge,  // request line and headers over http-parser's 80 KB
  kBodyTooLarge,    // Content-Length or the chunks too large
  kIncomplete,      // stopped halfway for longer than serve.read_timeout (time_out())
};

/// The status the server answers a fault with: 413 for kBodyTooLarge, 400 for the others,
/// 0 for kNone.
int fault_status(RequestFault fault);

/// The path of a request target (without its query or fragment), percent-decoded.
std::string decoded_path(std::string_view url);

/// One request as read; it owns its text (the socket's buffer is reused). A faulted one has no
/// body, and its url and headers are what was read before the fault (parts of them when it
/// came before the headers' end: their text depends on how the stream was split).
struct ParsedRequest {
  std::string method;  // "GET", "POST", ...; empty for a fault before the request line ended
  std::string url;     // the request target as sent
  std::vector<std::pair<std::string, std::string>> headers;  // in order, as sent
  std::string body;        // de-chunked, at most max_body_bytes; empty when faulted
  bool keep_alive = true;  // HTTP/1.1 without "Connection: close", or 1.0 with keep-alive
  bool head = false;       // HEAD: the answer carries no body
  RequestFault fault = RequestFault::kNone;
  int error = 0;  // fault_status(fault): 400 or 413, answered, then the connection closes
  std::chrono::steady_clock::time_point start;  // when its first byte was parsed

  /// decoded_path(url).
  std::string path() const { return decoded_path(url); }
  /// The query string: what follows the first '?' of the target up to a '#', as sent.
  std::string_view query() const;
};

class HttpRequestParser {
 public:
  /// A body longer than `max_body_bytes` (serve.max_body_bytes) is a kBodyTooLarge fault.
  explicit HttpRequestParser(size_t max_body_bytes = 1 << 20);
  ~HttpRequestParser();
  HttpRequestParser(HttpRequestParser&&) noexcept;
  HttpRequestParser& operator=(HttpRequestParser&&) noexcept;

  /// Parses `bytes`, the stream's next ones, and appends each request they complete (or a
  /// fault ends) to `ready`. Once stopped(), ignores what it is given.
  void feed(std::string_view bytes, std::deque<ParsedRequest>& ready);
  /// Gives up the request in_message(): appends a kIncomplete fault to `ready`; parsing stops.
  void time_out(std::deque<ParsedRequest>& ready);

  /// A request has begun and is not complete. (A request without Content-Length or chunked
  /// encoding has no body, RFC 9112 6.3: it is complete at its headers' end.)
  bool in_message() const { return in_message_; }
  /// No more requests will be read: after a fault or a "Connection: close" request.
  bool stopped() const { return stopped_; }
  /// How many "HTTP/1.1 100 Continue" interim answers are owed since the last call: one per
  /// request with "Expect: 100-continue" whose body is coming, owed once its headers are read.
  size_t take_continues() { return std::exchange(continues_, 0); }

 private:
  struct Callbacks;
  void complete(std::deque<ParsedRequest>& ready);

  std::unique_ptr<http_parser> parser_;
  size_t max_body_bytes_;
  ParsedRequest current_;
  std::deque<ParsedRequest>* ready_ = nullptr;  // during feed()
  bool in_message_ = false;
  bool value_last_ = false;  // the last header callback was a value
  bool stopped_ = false;     // a request said "Connection: close", or the parse failed
  size_t continues_ = 0;
};

}  // namespace mlops
