#include "mlops/serve/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace mlops {

namespace {

using Clock = std::chrono::steady_clock;

// How long one blocking read waits before the loop looks at the clock and at stop() again.
constexpr std::chrono::milliseconds kSlice{50};

timeval to_timeval(std::chrono::microseconds us) {
  return {static_cast<time_t>(us.count() / 1'000'000),
          static_cast<suseconds_t>(us.count() % 1'000'000)};
}

void address_of(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  const int rc = peer ? getpeername(sock, reinterpret_cast<sockaddr*>(&address), &size)
                      : getsockname(sock, reinterpret_cast<sockaddr*>(&address), &size);
  ip.clear();
  port = 0;
  if (rc != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    port = ntohs(v6->sin6_port);
  }
  ip = text;
}

// One connection's stream: reads through a buffer, writes gathered until flush() (and before
// any read that must wait, so a "100 Continue" reaches the client).
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, const std::atomic<socket_t>& listening,
                   std::chrono::microseconds read_timeout, std::chrono::microseconds write_timeout)
      : sock_(sock), listening_(listening), read_timeout_(read_timeout) {
    const timeval slice = to_timeval(kSlice);
    setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof(slice));
    const timeval write = to_timeval(write_timeout);
    setsockopt(sock_, SOL_SOCKET, SO_SNDTIMEO, &write, sizeof(write));
    const int on = 1;
    setsockopt(sock_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    address_of(sock_, true, remote_ip_, remote_port_);
    address_of(sock_, false, local_ip_, local_port_);
    in_.resize(16 * 1024);
    out_.reserve(4 * 1024);
  }

  // The next request's first bytes, waiting up to `idle`; false when none came, the peer
  // closed, or the server stops.
  bool wait_for_request(std::chrono::microseconds idle) {
    if (begin_ < end_) return true;
    return fill(Clock::now() + idle, true) > 0;
  }

  bool flush() {
    size_t sent = 0;
    while (sent < out_.size()) {
      const ssize_t n = ::send(sock_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // the write timeout passed (EAGAIN) or the connection failed
        out_.clear();
        failed_ = true;
        return false;
      }
      sent += static_cast<size_t>(n);
    }
    out_.clear();
    return true;
  }

  bool is_readable() const override { return begin_ < end_ || !failed_; }
  bool is_writable() const override { return !failed_; }

  // As cpp-httplib's SocketStream: 0 at the end of the stream (a body without a length ends
  // there), -1 when the read timeout passed or the connection failed.
  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      const ssize_t filled = fill(Clock::now() + read_timeout_, false);
      if (filled <= 0) return filled;
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, in_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    out_.append(ptr, size);
    if (out_.size() >= 256 * 1024 && !flush()) return -1;  // a large body: send as it grows
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

 private:
  // Reads what the socket has into the empty buffer, waiting until `deadline` (in slices, so
  // an idle wait notices stop()); the bytes read, 0 at the end of the stream, -1 at the
  // deadline, on stop() while idle, or on an error.
  ssize_t fill(Clock::time_point deadline, bool idle) {
    if (failed_) return -1;
    if (!out_.empty() && !flush()) return -1;
    begin_ = end_ = 0;
    while (true) {
      const ssize_t n = ::recv(sock_, in_.data(), in_.size(), 0);
      if (n > 0) {
        end_ = static_cast<size_t>(n);
        return n;
      }
      if (n == 0) return 0;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        failed_ = true;
        return -1;
      }
      if (Clock::now() >= deadline) return -1;
      if (idle && listening_ == INVALID_SOCKET) return -1;  // stopping: close idle connections
    }
  }

  const int sock_;
  const std::atomic<socket_t>& listening_;
  const std::chrono::microseconds read_timeout_;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
  std::string in_;
  size_t begin_ = 0, end_ = 0;
  std::string out_;
  bool failed_ = false;
};

std::chrono::microseconds micros(time_t seconds, time_t useconds) {
  return std::chrono::seconds(seconds) + std::chrono::microseconds(useconds);
}

}  // namespace

bool HttpServer::process_and_close_socket(socket_t sock) {
  bool ret = false;
  {
    ConnectionStream stream(sock, svr_sock_, micros(read_timeout_sec_, read_timeout_usec_),
                            micros(write_timeout_sec_, write_timeout_usec_));
    const std::chrono::microseconds idle = std::chrono::seconds(keep_alive_timeout_sec_);
    // As cpp-httplib's loop: at most keep_alive_max_count_ requests (the last one answered
    // with "Connection: close"), each awaited up to the keep-alive timeout, none once the
    // server stops.
    for (size_t left = keep_alive_max_count_;
         svr_sock_ != INVALID_SOCKET && left > 0 && stream.wait_for_request(idle); --left) {
      bool connection_closed = false;
      ret = process_request(stream, left == 1, connection_closed, nullptr);
      if (!stream.flush()) ret = false;
      if (!ret || connection_closed) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace mlops
