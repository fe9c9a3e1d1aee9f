#include "mlops/serve/http_request_parser.h"

#include <http_parser.h>

#include <cctype>

#include "mlops/core/ascii.h"

namespace mlops {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return ascii_lower(c) - 'a' + 10;
}

}  // namespace

int fault_status(RequestFault fault) {
  switch (fault) {
    case RequestFault::kNone: return 0;
    case RequestFault::kBodyTooLarge: return 413;
    case RequestFault::kMalformed:
    case RequestFault::kHeaderTooLarge:
    case RequestFault::kIncomplete: return 400;
  }
  return 400;
}

std::string decoded_path(std::string_view url) {
  const size_t query = url.find_first_of("?#");
  if (query != std::string_view::npos) url = url.substr(0, query);
  std::string out;
  out.reserve(url.size());
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size() &&
        std::isxdigit(static_cast<unsigned char>(url[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(url[i + 2]))) {
      out.push_back(static_cast<char>(hex_digit(url[i + 1]) * 16 + hex_digit(url[i + 2])));
      i += 2;
    } else {
      out.push_back(url[i]);
    }
  }
  return out;
}

std::string_view ParsedRequest::query() const {
  const std::string_view target = url;
  const size_t mark = target.find_first_of("?#");
  if (mark == std::string_view::npos || target[mark] == '#') return {};
  const size_t end = target.find('#', mark + 1);
  return target.substr(mark + 1, end == std::string_view::npos ? end : end - mark - 1);
}

// http-parser's callbacks: `parser->data` is the HttpRequestParser being fed.
struct HttpRequestParser::Callbacks {
  static HttpRequestParser& of(http_parser* parser) {
    return *static_cast<HttpRequestParser*>(parser->data);
  }

  static int on_message_begin(http_parser* parser) {
    HttpRequestParser& p = of(parser);
    p.current_ = ParsedRequest();
    p.current_.start = std::chrono::steady_clock::now();
    p.in_message_ = true;
    p.value_last_ = false;
    return 0;
  }
  static int on_url(http_parser* parser, const char* at, size_t size) {
    of(parser).current_.url.append(at, size);
    return 0;
  }
  static int on_header_field(http_parser* parser, const char* at, size_t size) {
    HttpRequestParser& p = of(parser);
    auto& headers = p.current_.headers;
    if (headers.empty() || p.value_last_) headers.emplace_back();
    p.value_last_ = false;
    headers.back().first.append(at, size);
    return 0;
  }
  static int on_header_value(http_parser* parser, const char* at, size_t size) {
    HttpRequestParser& p = of(parser);
    auto& headers = p.current_.headers;
    if (headers.empty()) headers.emplace_back();
    p.value_last_ = true;
    headers.back().second.append(at, size);
    return 0;
  }
  static int on_headers_complete(http_parser* parser) {
    HttpRequestParser& p = of(parser);
    ParsedRequest& request = p.current_;
    request.method = http_method_str(static_cast<http_method>(parser->method));
    request.head = parser->method == HTTP_HEAD;
    request.keep_alive = http_should_keep_alive(parser) != 0;
    const bool has_length = (parser->flags & F_CONTENTLENGTH) != 0;
    const bool chunked = (parser->flags & F_CHUNKED) != 0;
    if (has_length && parser->content_length > p.max_body_bytes_) {
      request.fault = RequestFault::kBodyTooLarge;
      return -1;
    }
    const bool body_coming = chunked || (has_length && parser->content_length > 0);
    if (body_coming) {
      for (const auto& header : request.headers) {
        if (ascii_iequals(header.first, "Expect") && ascii_iequals(header.second, "100-continue")) {
          ++p.continues_;
        }
      }
    }
    return 0;
  }
  static int on_body(http_parser* parser, const char* at, size_t size) {
    HttpRequestParser& p = of(parser);
    if (p.current_.body.size() + size > p.max_body_bytes_) {
      p.current_.fault = RequestFault::kBodyTooLarge;
      return -1;
    }
    p.current_.body.append(at, size);
    return 0;
  }
  static int on_message_complete(http_parser* parser) {
    HttpRequestParser& p = of(parser);
    const bool keep_alive = p.current_.keep_alive;
    p.complete(*p.ready_);
    if (!keep_alive) {
      p.stopped_ = true;
      http_parser_pause(parser, 1);
    }
    return 0;
  }

  static const http_parser_settings& settings() {
    static const http_parser_settings settings = [] {
      http_parser_settings s{};
      s.on_message_begin = &on_message_begin;
      s.on_url = &on_url;
      s.on_header_field = &on_header_field;
      s.on_header_value = &on_header_value;
      s.on_headers_complete = &on_headers_complete;
      s.on_body = &on_body;
      s.on_message_complete = &on_message_complete;
      return s;
    }();
    return settings;
  }
};

HttpRequestParser::HttpRequestParser(size_t max_body_bytes)
    : parser_(std::make_unique<http_parser>()), max_body_bytes_(max_body_bytes) {
  http_parser_init(parser_.get(), HTTP_REQUEST);
}

HttpRequestParser::~HttpRequestParser() = default;
HttpRequestParser::HttpRequestParser(HttpRequestParser&&) noexcept = default;
HttpRequestParser& HttpRequestParser::operator=(HttpRequestParser&&) noexcept = default;

void HttpRequestParser::complete(std::deque<ParsedRequest>& ready) {
  current_.error = fault_status(current_.fault);
  if (current_.fault != RequestFault::kNone) current_.body = std::string();  // a part, unused
  ready.push_back(std::move(current_));
  current_ = ParsedRequest();
  in_message_ = false;
}

void HttpRequestParser::feed(std::string_view bytes, std::deque<ParsedRequest>& ready) {
  if (stopped_) return;
  parser_->data = this;
  ready_ = &ready;
  http_parser_execute(parser_.get(), &Callbacks::settings(), bytes.data(), bytes.size());
  ready_ = nullptr;
  const http_errno error = HTTP_PARSER_ERRNO(parser_.get());
  if (error == HPE_PAUSED) return;  // the rest follows a "Connection: close" request, ignored
  if (error != HPE_OK) {
    if (current_.fault == RequestFault::kNone) {
      current_.fault =
          error == HPE_HEADER_OVERFLOW ? RequestFault::kHeaderTooLarge : RequestFault::kMalformed;
    }
    current_.start = std::chrono::steady_clock::now();
    complete(ready);
    stopped_ = true;
  }
}

void HttpRequestParser::time_out(std::deque<ParsedRequest>& ready) {
  current_ = ParsedRequest();
  current_.fault = RequestFault::kIncomplete;
  current_.start = std::chrono::steady_clock::now();
  complete(ready);
  stopped_ = true;
}

}  // namespace mlops
