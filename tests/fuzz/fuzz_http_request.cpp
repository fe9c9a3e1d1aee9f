// `mlops serve`'s HTTP request path on any bytes, as the event-loop server runs it: the input
// is one connection's stream, fed to the request parser (serve/http_request_parser.h) in pieces
// whose sizes derive from the input (a hash of it picks one byte at a time up to 700), then
// its end; every request read is answered as loop_server answers it: 413 or 400 for a faulted
// one, the others together through http_api's answer_requests over a ServeState with a real
// model, online store and registry (serve_fixture.h). Findings besides crashes and untyped
// exceptions:
//   - the pieces parse otherwise than the whole stream does (framing that depends on how the
//     socket split the bytes);
//   - a body over serve.max_body_bytes; a request after one that stopped the parsing (a fault,
//     "Connection: close"); a fault answered otherwise than 400 or 413;
//   - a response whose status is outside 200..599, whose body is not JSON under a JSON content
//     type, or whose header carries CR, LF or NUL (response splitting);
//   - a 200 predict answer whose predictions did not all reach the prediction log.
// MLOPS_FUZZ_PRINT=1 prints each answer (replaying an input: fuzz_http_request FILE).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "mlops/serve/http_api.h"
#include "mlops/serve/http_request_parser.h"
#include "serve_fixture.h"

namespace {

using mlops::HttpRequest;
using mlops::HttpRequestParser;
using mlops::HttpResponse;
using mlops::ParsedRequest;
using mlops::RequestFault;

[[noreturn]] void finding(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz_http_request: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

// Built at the first call and never destroyed: XGBoost's own statics go first at exit, and a
// booster freed after them writes to freed memory. Its directory is removed at exit.
mlops::fuzz::ServeFixture& fixture() {
  static mlops::fuzz::ServeFixture* built = [] {
    try {
      auto* fixture = new mlops::fuzz::ServeFixture();
      std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(mlops::fuzz::ServeFixture::directory(), ignored);
      });
      return fixture;
    } catch (const std::exception& error) {
      std::fprintf(stderr, "fuzz_http_request: cannot build the serve fixture: %s\n", error.what());
      std::exit(2);
    }
  }();
  return *built;
}

/// What one parser made of the stream: its requests, then its state.
struct Parse {
  std::deque<ParsedRequest> requests;
  bool stopped = false;
  size_t continues = 0;
};

Parse parse(std::string_view stream, const std::vector<size_t>& cuts) {
  Parse out;
  HttpRequestParser parser(mlops::fuzz::kServeMaxBody);
  size_t from = 0;
  for (size_t cut : cuts) {
    parser.feed(stream.substr(from, cut - from), out.requests);
    out.continues += parser.take_continues();
    from = cut;
  }
  parser.feed(stream.substr(from), out.requests);
  out.continues += parser.take_continues();
  out.stopped = parser.stopped();
  return out;
}

/// The request as far as the parser promises it does not depend on the split: all of it, or
/// for a faulted one its fault, status, method and HEAD flag.
std::string identity(const ParsedRequest& request) {
  nlohmann::json out{{"fault", static_cast<int>(request.fault)},
                     {"error", request.error},
                     {"method", request.method},
                     {"head", request.head}};
  if (request.fault == RequestFault::kNone) {
    out["url"] = request.url;
    out["headers"] = request.headers;
    out["body"] = request.body;
    out["keep_alive"] = request.keep_alive;
  }
  return out.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

void check_parses_agree(const Parse& whole, const Parse& pieces) {
  if (whole.requests.size() != pieces.requests.size()) {
    finding("the pieces parse into another number of requests",
            std::to_string(whole.requests.size()) + " whole, " +
                std::to_string(pieces.requests.size()) + " in pieces");
  }
  for (size_t i = 0; i < whole.requests.size(); ++i) {
    const std::string a = identity(whole.requests[i]), b = identity(pieces.requests[i]);
    if (a != b) finding("the pieces parse otherwise", "whole " + a + "\npieces " + b);
  }
  if (whole.stopped != pieces.stopped || whole.continues != pieces.continues) {
    finding("the pieces leave the parser otherwise");
  }
}

void check_requests(const Parse& parsed) {
  for (size_t i = 0; i < parsed.requests.size(); ++i) {
    const ParsedRequest& request = parsed.requests[i];
    if (request.body.size() > mlops::fuzz::kServeMaxBody) {
      finding("a body over serve.max_body_bytes", std::to_string(request.body.size()));
    }
    const bool last = i + 1 == parsed.requests.size();
    if (request.fault != RequestFault::kNone) {
      if (request.error != mlops::fault_status(request.fault) ||
          (request.error != 400 && request.error != 413)) {
        finding("a fault answered with status", std::to_string(request.error));
      }
      if (!last) finding("a request read after a fault");
    } else if (request.error != 0) {
      finding("a status without a fault", std::to_string(request.error));
    } else if (!request.keep_alive && !last) {
      finding("a request read after \"Connection: close\"");
    }
  }
}

// Prints `res` to stderr when MLOPS_FUZZ_PRINT is set.
void print(std::string_view what, const HttpResponse& res) {
  static const bool enabled = std::getenv("MLOPS_FUZZ_PRINT") != nullptr;
  if (!enabled) return;
  std::fprintf(stderr, "%.*s -> %d %.*s\n", static_cast<int>(what.size()), what.data(), res.status,
               static_cast<int>(std::min<size_t>(res.body.size(), 300)), res.body.data());
}

bool has_line_break(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

void check_response(const HttpResponse& res) {
  if (res.status < 200 || res.status > 599) finding("a status", std::to_string(res.status));
  if (res.content_type.starts_with("application/json") && !nlohmann::json::accept(res.body)) {
    finding("a JSON answer that is not JSON", res.body);
  }
  if (has_line_break(res.content_type)) finding("a content type with a line break");
  for (const auto& header : res.headers) {
    if (header.first.empty() || has_line_break(header.first) || has_line_break(header.second)) {
      finding("a response header with a line break", header.first);
    }
  }
}

// The predictions a 200 predict answer holds (0 for any other answer).
size_t predictions_in(const HttpRequest& req, const HttpResponse& res) {
  if (res.status != 200 || req.method != "POST" || !req.path.ends_with("/predict")) return 0;
  const nlohmann::json body = nlohmann::json::parse(res.body);
  return body.at("predictions").size();
}

// Answers the parsed requests as LoopServer::Loop::answer does.
void answer(const std::deque<ParsedRequest>& parsed) {
  mlops::ServeState& state = fixture().state();
  std::vector<HttpResponse> refused;
  std::deque<std::string> paths;  // what the views point into
  std::vector<HttpRequest> requests;
  std::vector<std::chrono::steady_clock::time_point> starts;
  for (const ParsedRequest& request : parsed) {
    if (request.error == 413) {
      mlops::answer_too_large(state.settings, refused.emplace_back());
    } else if (request.error != 0) {
      mlops::answer_error(refused.emplace_back(), request.error, "bad request");
    } else {
      HttpRequest view;
      view.method = request.method;
      view.path = paths.emplace_back(mlops::decoded_path(request.url));
      for (const auto& header : request.headers)
        view.headers.emplace_back(header.first, header.second);
      view.body = request.body;
      requests.push_back(std::move(view));
      starts.push_back(request.start);
    }
  }
  for (const HttpResponse& res : refused) {
    print("(refused)", res);
    check_response(res);
  }
  if (requests.empty()) return;
  std::vector<HttpResponse> responses(requests.size());
  const uint64_t logged_before = fixture().sink().stats().accepted;
  bool answered = false;
  mlops::fuzz::expect_typed_errors([&] {
    mlops::answer_requests(state, requests, responses, starts);
    answered = true;
  });
  if (!answered) return;  // the server answers 500 to each
  size_t predicted = 0;
  for (size_t i = 0; i < responses.size(); ++i) {
    print(std::string(requests[i].method) + " " + std::string(requests[i].path), responses[i]);
    check_response(responses[i]);
    state.metrics->count_response(responses[i].status);
    predicted += predictions_in(requests[i], responses[i]);
  }
  if (fixture().sink().stats().accepted - logged_before != predicted) {
    finding("served predictions missing from the prediction log");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream = mlops::fuzz::as_text(data, size);
  // The split: FNV-1a of the input seeds the piece sizes, 1 .. one of 1, 3, 17, 700 bytes.
  uint64_t hash = 14695981039346656037ULL;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ULL;
  static constexpr size_t kWidest[] = {1, 3, 17, 700};
  const size_t widest = kWidest[hash % 4];
  std::vector<size_t> cuts;
  for (size_t at = 0;;) {
    hash ^= hash << 13, hash ^= hash >> 7, hash ^= hash << 17;
    at += 1 + hash % widest;
    if (at >= size) break;
    cuts.push_back(at);
  }
  mlops::fuzz::expect_typed_errors([&] {
    const Parse whole = parse(stream, {});
    const Parse pieces = parse(stream, cuts);
    check_parses_agree(whole, pieces);
    check_requests(pieces);
    answer(pieces.requests);
  });
  return 0;
}
