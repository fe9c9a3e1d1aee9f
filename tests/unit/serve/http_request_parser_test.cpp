#include "mlops/serve/http_request_parser.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace mlops {
namespace http_request_parser_test {

/// A parsed request without its arrival time, comparable and printable.
struct Seen {
  std::string method, url, path, query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true, head = false;
  RequestFault fault = RequestFault::kNone;
  int error = 0;
  bool operator==(const Seen&) const = default;
};

void PrintTo(const Seen& seen, std::ostream* out) {
  *out << seen.method << ' ' << seen.url << " error " << seen.error << " body '" << seen.body
       << "' keep_alive " << seen.keep_alive;
}

/// A faulted request's url and headers are parts when the fault came before the headers' end
/// (how much depends on the split): only its fault, status and method are compared.
Seen seen(const ParsedRequest& request) {
  if (request.fault != RequestFault::kNone) {
    EXPECT_EQ(request.body, "");
    Seen out;
    out.method = request.method;
    out.head = request.head;
    out.fault = request.fault;
    out.error = request.error;
    return out;
  }
  return {request.method,  request.url,  request.path(),     std::string(request.query()),
          request.headers, request.body, request.keep_alive, request.head,
          request.fault,   request.error};
}

/// What a parser makes of `stream` fed in pieces cut at `cuts` (ascending offsets); `stopped`
/// tells whether it stopped reading.
std::vector<Seen> parse(std::string_view stream, const std::vector<size_t>& cuts = {},
                        size_t max_body = 64, bool* stopped = nullptr) {
  HttpRequestParser parser(max_body);
  std::deque<ParsedRequest> ready;
  size_t from = 0;
  for (size_t cut : cuts) {
    parser.feed(stream.substr(from, cut - from), ready);
    from = cut;
  }
  parser.feed(stream.substr(from), ready);
  if (stopped) *stopped = parser.stopped();
  std::vector<Seen> out;
  for (const ParsedRequest& request : ready) out.push_back(seen(request));
  return out;
}

const std::string kPredict =
    "POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    "Content-Length: 24\r\n\r\n{\"key\": {\"user_id\": 11}}";
const std::string kChunked =
    "POST /v1/workflows/churn/predict?trace=1 HTTP/1.1\r\nHost: x\r\n"
    "Transfer-Encoding: chunked\r\n\r\n"
    "5\r\n{\"row\r\n10;ext=1\r\ns\": [{\"a\": 1.5}]\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n";
const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(HttpRequestParser, OneRequestWithItsHeadersPathAndQuery) {
  const std::vector<Seen> got = parse(
      "GET /v1/features/user%5Fstats/7?at=now&x=%41#frag HTTP/1.1\r\n"
      "Host: x\r\nAuthorization: Bearer t\r\nX-Folded: a,\r\n b\r\n\r\n");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "GET");
  EXPECT_EQ(got[0].url, "/v1/features/user%5Fstats/7?at=now&x=%41#frag");
  EXPECT_EQ(got[0].path, "/v1/features/user_stats/7");
  EXPECT_EQ(got[0].query, "at=now&x=%41");
  EXPECT_EQ(got[0].headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"Host", "x"}, {"Authorization", "Bearer t"}, {"X-Folded", "a, b"}}));
  EXPECT_TRUE(got[0].keep_alive);
  EXPECT_FALSE(got[0].head);
  EXPECT_EQ(got[0].error, 0);
  EXPECT_EQ(got[0].body, "");
}

TEST(HttpRequestParser, PathDecodingKeepsWhatIsNotAnEscape) {
  EXPECT_EQ(decoded_path("/a%2Fb%zz%4"), "/a/b%zz%4");
  EXPECT_EQ(decoded_path("/x%20y?q=%20"), "/x y");
  EXPECT_EQ(decoded_path("/p#f?g"), "/p");
  ParsedRequest request;
  request.url = "/p#f?g";
  EXPECT_EQ(request.query(), "");
  request.url = "/p?";
  EXPECT_EQ(request.query(), "");
  request.url = "/p?a=1?b";
  EXPECT_EQ(request.query(), "a=1?b");
}

TEST(HttpRequestParser, PipelinedRequestsComeOutInOrderAndCloseStopsReading) {
  bool stopped = false;
  const std::vector<Seen> got =
      parse(kHealth + kPredict + kChunked + "HEAD /metrics HTTP/1.1\r\nConnection: close\r\n\r\n" +
                kHealth + "garbage",
            {}, 64, &stopped);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].path, "/healthz");
  EXPECT_EQ(got[1].body, R"({"key": {"user_id": 11}})");
  EXPECT_EQ(got[2].body, R"({"rows": [{"a": 1.5}]})");
  EXPECT_EQ(got[2].path, "/v1/workflows/churn/predict");
  EXPECT_EQ(got[2].query, "trace=1");
  EXPECT_EQ(got[3].method, "HEAD");
  EXPECT_TRUE(got[3].head);
  EXPECT_FALSE(got[3].keep_alive);
  for (const Seen& request : got) EXPECT_EQ(request.error, 0) << request.url;
  EXPECT_TRUE(stopped);  // the request after "Connection: close", and the garbage, ignored
}

TEST(HttpRequestParser, Http10ClosesUnlessItAsksForKeepAlive) {
  const std::vector<Seen> got = parse(
      "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\nGET /c "
      "HTTP/1.0\r\n\r\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].keep_alive);
  EXPECT_FALSE(got[1].keep_alive);
}

// Every split of the stream in two, and one byte at a time, parses as the whole stream does.
TEST(HttpRequestParser, SplittingTheStreamAnywhereChangesNothing) {
  const std::string streams[] = {
      kHealth + kPredict + kChunked + kHealth,
      kPredict + "GET /bad\x01 HTTP/1.1\r\n\r\n" + kHealth,  // a malformed second
      kHealth + "POST /v1/workflows/churn/predict HTTP/1.1\r\n\r\n{\"rows\": []}",  // no length
      kHealth + "POST /x HTTP/1.1\r\nContent-Length: 65\r\n\r\n" + std::string(65, 'a'),
      kHealth + "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" +
          std::string(32, 'b') + "\r\n21\r\n" + std::string(33, 'c') + "\r\n0\r\n\r\n",
  };
  for (const std::string& stream : streams) {
    const std::vector<Seen> whole = parse(stream);
    ASSERT_FALSE(whole.empty());
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
      ASSERT_EQ(parse(stream, {cut}), whole) << "cut at " << cut << " of\n" << stream;
    }
    std::vector<size_t> every;
    for (size_t cut = 1; cut < stream.size(); ++cut) every.push_back(cut);
    EXPECT_EQ(parse(stream, every), whole) << "byte by byte:\n" << stream;
  }
}

TEST(HttpRequestParser, EachLimitHasTheStatusTheServerAnswers) {
  // A body of exactly the limit is read; one byte more is 413, however it is framed.
  const std::string at_limit =
      "POST /x HTTP/1.1\r\nContent-Length: 64\r\n\r\n" + std::string(64, 'a');
  ASSERT_EQ(parse(at_limit).size(), 1u);
  EXPECT_EQ(parse(at_limit)[0].error, 0);
  const std::string over[] = {
      "POST /x HTTP/1.1\r\nContent-Length: 65\r\n\r\n",  // refused before the body comes
      "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999\r\n\r\n",
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'a') +
          "\r\n1\r\nb\r\n0\r\n\r\n",
  };
  for (const std::string& stream : over) {
    bool stopped = false;
    const std::vector<Seen> got = parse(stream + kHealth, {}, 64, &stopped);
    ASSERT_EQ(got.size(), 1u) << stream;
    EXPECT_EQ(got[0].fault, RequestFault::kBodyTooLarge) << stream;
    EXPECT_EQ(got[0].error, 413) << stream;
    EXPECT_TRUE(stopped);
  }
  // Request line and headers over http-parser's 80 KB: 400, as the server answered it.
  const std::vector<Seen> long_header =
      parse("GET /x HTTP/1.1\r\nX-Big: " + std::string(90 * 1024, 'h') + "\r\n\r\n" + kHealth);
  ASSERT_EQ(long_header.size(), 1u);
  EXPECT_EQ(long_header[0].fault, RequestFault::kHeaderTooLarge);
  EXPECT_EQ(long_header[0].error, 400);
  // Not HTTP: 400.
  const std::vector<Seen> malformed[] = {
      parse("\x16\x03\x01 hello"),  // a TLS handshake
      parse(kHealth + "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
      parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
  };
  for (const std::vector<Seen>& got : malformed) {
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back().fault, RequestFault::kMalformed);
    EXPECT_EQ(got.back().error, 400);
  }
  EXPECT_EQ(fault_status(RequestFault::kNone), 0);
  EXPECT_EQ(fault_status(RequestFault::kIncomplete), 400);
}

// RFC 9112 6.3: a request without Content-Length or chunked encoding has no body. It is
// complete at its headers' end (answered at once: `curl -X POST` without data waited for
// serve.read_timeout), and what follows is the next request.
TEST(HttpRequestParser, ARequestWithoutALengthHasNoBody) {
  HttpRequestParser parser(64);
  std::deque<ParsedRequest> ready;
  parser.feed("POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\n\r\n", ready);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].method, "POST");
  EXPECT_EQ(ready[0].body, "");
  EXPECT_EQ(ready[0].fault, RequestFault::kNone);
  EXPECT_FALSE(parser.in_message());
  EXPECT_FALSE(parser.stopped());
  parser.feed(kHealth, ready);
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[1].url, "/healthz");
}

TEST(HttpRequestParser, ARequestGivenUpHalfwayIsA400) {
  HttpRequestParser parser(64);
  std::deque<ParsedRequest> ready;
  EXPECT_FALSE(parser.in_message());
  parser.feed(kPredict.substr(0, 40), ready);
  EXPECT_TRUE(parser.in_message());
  parser.time_out(ready);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].fault, RequestFault::kIncomplete);
  EXPECT_EQ(ready[0].error, 400);
  EXPECT_TRUE(parser.stopped());
  EXPECT_FALSE(parser.in_message());
  parser.feed(kPredict.substr(40), ready);  // ignored
  EXPECT_EQ(ready.size(), 1u);
}

TEST(HttpRequestParser, Expect100ContinueIsOwedOnlyWhenABodyIsComing) {
  HttpRequestParser parser(64);
  std::deque<ParsedRequest> ready;
  parser.feed("POST /x HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n", ready);
  EXPECT_EQ(parser.take_continues(), 1u);
  EXPECT_EQ(parser.take_continues(), 0u);
  parser.feed("{}GET /x HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", ready);
  EXPECT_EQ(parser.take_continues(), 0u);  // a GET without a body
  parser.feed("POST /x HTTP/1.1\r\nexpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n",
              ready);
  EXPECT_EQ(parser.take_continues(), 1u);
  EXPECT_EQ(ready.size(), 2u);
}

TEST(HttpRequestParser, AMovedParserKeepsParsing) {
  HttpRequestParser first(64);
  std::deque<ParsedRequest> ready;
  first.feed(kPredict.substr(0, 30), ready);
  HttpRequestParser second(1);
  second = std::move(first);
  second.feed(kPredict.substr(30), ready);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].body, R"({"key": {"user_id": 11}})");
}

}  // namespace http_request_parser_test
}  // namespace mlops
