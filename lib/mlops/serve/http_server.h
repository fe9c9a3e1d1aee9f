#pragma once
// cpp-httplib's server with a cheaper connection loop. cpp-httplib 0.11 serves each request of
// a keep-alive connection through a new SocketStream (a 4 KB buffer allocated per request),
// polls before every read and twice before every write, sends the head and the body of a
// response separately, and waits for the next request by polling every 10 ms. HttpServer
// overrides only that loop (Server::process_and_close_socket): one buffered stream per
// connection, reads and writes straight on the blocking socket with SO_RCVTIMEO and
// SO_SNDTIMEO, a response's head and body in one send, the peer's and our address read once
// per connection. Parsing, routing, limits and every handler stay cpp-httplib's
// (Server::process_request), so behaviour is unchanged: keep-alive up to
// serve.keep_alive_requests requests and serve.keep_alive_timeout idle, serve.read_timeout and
// serve.write_timeout per read and write, an idle connection closed within 50 ms once stop()
// runs.

#include <httplib.h>

namespace mlops {

class HttpServer : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace mlops
