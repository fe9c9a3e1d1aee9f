#include "mlops/serve/loop_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <thread>
#include <unordered_map>

#include "mlops/core/ascii.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/usable_cpus.h"
#include "mlops/serve/http_request_parser.h"

namespace mlops {

namespace {

using Clock = std::chrono::steady_clock;

// How often a loop looks at its connections' clocks.
constexpr std::chrono::milliseconds kTick{50};
// How long a loop out of descriptors stops watching the listening socket.
constexpr std::chrono::milliseconds kAcceptPause{100};

// One request as parsed (http_request_parser.h): error 400 or 413 is answered, then close.
using Parsed = ParsedRequest;

struct Connection {
  int fd = -1;
  bool closed = false;  // no longer watched; closed and dropped at the end of the iteration
  HttpRequestParser parser;
  bool peer_eof = false;
  bool close_after_write = false;
  bool lingering = false;  // our side shut down; discarding what the peer still sends
  bool rejected = false;   // over serve.max_connections: every request gets 503
  std::deque<Parsed> ready;
  std::string out;
  size_t out_sent = 0;
  bool want_write = false;
  size_t answered = 0;
  Clock::time_point last_read;
  Clock::time_point last_write;
};

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

void append_response(std::string& out, const HttpResponse& res, bool head, bool close) {
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} {}\r\n", res.status,
                 reason_phrase(res.status));
  if (!res.content_type.empty()) {
    out += "Content-Type: ";
    out += res.content_type;
    out += "\r\n";
  }
  fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", res.body.size());
  for (const auto& header : res.headers) {
    if (ascii_iequals(header.first, "Connection")) continue;
    out += header.first;
    out += ": ";
    out += header.second;
    out += "\r\n";
  }
  out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
  if (!head) out += res.body;
}

}  // namespace

class LoopServer::Loop {
 public:
  explicit Loop(LoopServer& server) : server_(server), state_(server.state_) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || wake_ < 0)
      throw IoError("serve: cannot create an event loop: {}", std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.fd = server_.listen_fd_;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, server_.listen_fd_, &event) != 0) {
      throw IoError("serve: cannot watch the listening socket: {}", std::strerror(errno));
    }
  }

  ~Loop() {
    for (auto& entry : connections_) ::close(entry.first);  // closed or not, each fd is open
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
  }

  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_, &one, sizeof(one));
  }

  void run() {
    std::vector<epoll_event> events(256);
    std::vector<Connection*> batch;
    Clock::time_point next_tick = Clock::now() + kTick;
    bool listening = true;
    while (true) {
      const bool stopping = server_.stopping_.load(std::memory_order_acquire);
      if (stopping && listening) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, server_.listen_fd_, nullptr);
        listening = false;
        sweep(Clock::now(), true);
      }
      if (stopping && connections_.empty()) return;
      if (accept_paused_ && !stopping && Clock::now() >= resume_accepting_at_) resume_accepting();
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(kTick.count()));
      if (n < 0 && errno != EINTR)
        throw IoError("serve: epoll_wait failed: {}", std::strerror(errno));
      now_ = Clock::now();
      batch.clear();
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<size_t>(i)].data.fd;
        const uint32_t what = events[static_cast<size_t>(i)].events;
        if (fd == wake_) {
          uint64_t value = 0;
          [[maybe_unused]] const ssize_t r = ::read(wake_, &value, sizeof(value));
          continue;
        }
        if (fd == server_.listen_fd_) {
          if (listening && !accept_paused_) accept_all();
          continue;
        }
        const auto found = connections_.find(fd);
        if (found == connections_.end()) continue;
        Connection& connection = *found->second;
        if (connection.closed) continue;
        if (what & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) read_ready(connection);
        if (!connection.closed && !connection.out.empty()) flush(connection);  // 100 Continue
        if ((what & EPOLLOUT) && !connection.out.empty()) flush(connection);
        if (!connection.ready.empty()) batch.push_back(&connection);
      }
      // The batch: every complete request of this iteration, answered, then written.
      answer(batch);
      for (Connection* connection : batch) flush(*connection);
      for (auto it = closing_.begin(); it != closing_.end(); ++it) finish(*it);
      closing_.clear();
      if (now_ >= next_tick) {
        sweep(now_, server_.stopping_.load(std::memory_order_acquire));
        next_tick = now_ + kTick;
      }
    }
  }

 private:
  void pause_accepting(int error) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, server_.listen_fd_, nullptr);
    accept_paused_ = true;
    resume_accepting_at_ = Clock::now() + kAcceptPause;
    log_warn("serve: cannot accept connections for now; retrying shortly",
             {{"error", std::string(std::strerror(error))},
              {"open_connections", static_cast<uint64_t>(connections_.size())}});
  }

  void resume_accepting() {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.fd = server_.listen_fd_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, server_.listen_fd_, &event);
    accept_paused_ = false;
  }

  void accept_all() {
    for (int i = 0; i < 64; ++i) {
      const int fd = accept4(server_.listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors or memory: the pending connection stays in the backlog and the
        // listening socket stays readable, so watching it would spin this loop at full CPU.
        // Stop watching it for a moment; connections that close meanwhile free descriptors.
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          pause_accepting(errno);
        }
        return;  // EAGAIN: another loop took it, or none left
      }
      const int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
      auto connection = std::make_unique<Connection>();
      connection->fd = fd;
      if (server_.connections_.fetch_add(1) >= state_.settings.max_connections) {
        server_.connections_.fetch_sub(1);
        if (server_.rejected_.fetch_add(1) >= state_.settings.max_connections) {
          server_.rejected_.fetch_sub(1);
          ::close(fd);  // not even room to say so
          state_.metrics->count_rejected();
          continue;
        }
        connection->rejected = true;
        state_.metrics->count_rejected();
      }
      connection->parser = HttpRequestParser(state_.settings.max_body_bytes);
      connection->last_read = connection->last_write = Clock::now();
      epoll_event event{};
      event.events = EPOLLIN | EPOLLRDHUP;
      event.data.fd = fd;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
      connections_.emplace(fd, std::move(connection));
    }
  }

  void read_ready(Connection& c) {
    char buffer[64 * 1024];
    while (true) {
      const ssize_t n = ::read(c.fd, buffer, sizeof(buffer));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) close_later(c);
        return;
      }
      c.last_read = now_;
      if (n == 0) {
        c.peer_eof = true;
        if (c.lingering) return close_later(c);
        if (c.ready.empty() && c.out.empty()) return close_later(c);
        c.close_after_write = true;
        epoll_event event{};
        event.events = c.want_write ? static_cast<uint32_t>(EPOLLOUT) : 0u;
        event.data.fd = c.fd;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
        return;
      }
      if (c.lingering || c.parser.stopped()) continue;
      feed(c, buffer, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof(buffer)) return;
    }
  }

  void feed(Connection& c, const char* data, size_t size) {
    c.parser.feed({data, size}, c.ready);
    for (size_t n = c.parser.take_continues(); n > 0; --n) c.out += "HTTP/1.1 100 Continue\r\n\r\n";
  }

  // Answers every request read from `batch`'s connections this iteration: the routed ones
  // together (answer_requests: one online read per view for all of them), then each
  // connection's answers appended in order.
  void answer(const std::vector<Connection*>& batch) {
    items_.clear();
    const bool stopping = server_.stopping_.load(std::memory_order_relaxed);
    for (Connection* c : batch) {
      if (c->closed) {
        c->ready.clear();
        continue;
      }
      while (!c->ready.empty()) {
        Item item;
        item.connection = c;
        item.request = std::move(c->ready.front());
        c->ready.pop_front();
        item.close = !item.request.keep_alive || (c->peer_eof && c->ready.empty()) || stopping;
        if (c->rejected) {
          answer_overloaded(item.response, "too many connections: serve.max_connections");
          item.close = true;
        } else if (item.request.error == 413) {
          answer_too_large(state_.settings, item.response);
          item.close = true;
        } else if (item.request.error != 0) {
          answer_error(item.response, item.request.error, "bad request");
          item.close = true;
        } else {
          item.routed = true;
          item.path = decoded_path(item.request.url);
          if (++c->answered >= state_.settings.keep_alive_requests) item.close = true;
        }
        const bool close = item.close;
        items_.push_back(std::move(item));
        if (close) {
          c->ready.clear();
          c->close_after_write = true;
        }
      }
    }
    requests_.clear();
    responses_.clear();
    starts_.clear();
    for (Item& item : items_) {
      if (!item.routed) continue;
      HttpRequest view;
      view.method = item.request.method;
      view.path = item.path;
      view.headers.reserve(item.request.headers.size());
      for (const auto& header : item.request.headers) {
        view.headers.emplace_back(header.first, header.second);
      }
      view.body = item.request.body;
      requests_.push_back(std::move(view));
      starts_.push_back(item.request.start);
    }
    responses_.resize(requests_.size());
    if (!requests_.empty()) {
      state_.in_flight.fetch_add(requests_.size(), std::memory_order_relaxed);
      try {
        answer_requests(state_, requests_, responses_, starts_);
      } catch (...) {
        log_error("serve: a request failed",
                  {{"reason", describe_exception(std::current_exception())}});
        for (HttpResponse& res : responses_) {
          res = HttpResponse();
          answer_error(res, 500, "internal error");
        }
      }
      state_.in_flight.fetch_sub(requests_.size(), std::memory_order_relaxed);
    }
    size_t routed = 0;
    for (Item& item : items_) {
      HttpResponse& res = item.routed ? responses_[routed++] : item.response;
      for (const auto& header : res.headers) {
        if (ascii_iequals(header.first, "Connection") && ascii_iequals(header.second, "close")) {
          item.close = true;
          item.connection->close_after_write = true;
        }
      }
      state_.metrics->count_response(res.status);
      append_response(item.connection->out, res, item.request.head, item.close);
    }
  }

  // Writes what `c` has to say with one send; the rest waits for EPOLLOUT.
  void flush(Connection& c) {
    if (c.closed) return;
    while (c.out_sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n <= 0) return close_later(c);
      c.out_sent += static_cast<size_t>(n);
      c.last_write = now_;
    }
    const bool pending = c.out_sent < c.out.size();
    if (!pending) {
      c.out.clear();
      c.out_sent = 0;
    }
    if (pending != c.want_write) {
      c.want_write = pending;
      epoll_event event{};
      event.events = (c.peer_eof ? 0u : static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP)) |
                     (pending ? static_cast<uint32_t>(EPOLLOUT) : 0u);
      event.data.fd = c.fd;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    }
    if (!pending && c.close_after_write && !c.lingering) {
      if (c.peer_eof) return close_later(c);
      // Our answer is out: shut our side, then read what the peer still sends until it closes
      // (closing with unread bytes would reset the connection and could lose the answer).
      ::shutdown(c.fd, SHUT_WR);
      c.lingering = true;
      c.last_read = now_;
    }
  }

  // Stops watching `c`; its descriptor is closed (and its number free for a new connection)
  // only in finish(), once the connection has left the table.
  void close_later(Connection& c) {
    if (c.closed) return;
    c.closed = true;
    closing_.push_back(c.fd);
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
  }

  void finish(int fd) {
    const auto found = connections_.find(fd);
    if (found == connections_.end() || !found->second->closed) return;
    ::close(fd);
    if (found->second->rejected) {
      server_.rejected_.fetch_sub(1);
    } else {
      server_.connections_.fetch_sub(1);
    }
    connections_.erase(found);
  }

  // Timeouts; with `stopping`, idle connections close at once.
  void sweep(Clock::time_point now, bool stopping) {
    const ServerSettings& s = state_.settings;
    for (auto& entry : connections_) {
      Connection& c = *entry.second;
      if (c.closed) continue;
      if (c.want_write) {
        if (now - c.last_write > s.write_timeout) close_later(c);
      } else if (c.lingering) {
        if (now - c.last_read > s.read_timeout || stopping) close_later(c);
      } else if (c.parser.in_message()) {
        if (now - c.last_read > s.read_timeout) {
          // A request that stopped halfway: 400, as cpp-httplib answers it.
          c.parser.time_out(c.ready);
          now_ = now;
          answer({&c});
          flush(c);
        }
      } else if (c.ready.empty() && (stopping || now - c.last_read > s.keep_alive_timeout)) {
        close_later(c);
      }
    }
    for (int fd : closing_) finish(fd);
    closing_.clear();
  }

 private:
  LoopServer& server_;
  ServeState& state_;
  int epoll_ = -1;
  int wake_ = -1;
  bool accept_paused_ = false;  // out of descriptors: the listening socket is not watched
  Clock::time_point resume_accepting_at_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::vector<int> closing_;
  // One iteration's requests (reused): each with its connection, and the routed ones' views.
  struct Item {
    Connection* connection = nullptr;
    Parsed request;
    std::string path;
    HttpResponse response;  // the answer of a request not routed (overload, 400, 413)
    bool routed = false;
    bool close = false;
  };
  std::vector<Item> items_;
  std::vector<HttpRequest> requests_;
  std::vector<HttpResponse> responses_;
  std::vector<Clock::time_point> starts_;
  Clock::time_point now_ = Clock::now();
};

LoopServer::LoopServer(ServeState& state) : state_(state) {
  prepare_routes(state);
}

LoopServer::~LoopServer() {
  loops_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

int LoopServer::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
    throw IoError("serve: cannot listen on {}:{} (not an address of this machine)", host, port);
  }
  int fd = -1;
  for (addrinfo* at = found; at && fd < 0; at = at->ai_next) {
    fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR only: a restart binds while old connections are in TIME_WAIT, but a second
    // server on a port in use fails (SO_REUSEPORT would let it take half the traffic).
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd, at->ai_addr, at->ai_addrlen) != 0 || ::listen(fd, 4096) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    if (port == 0) throw IoError("serve: cannot listen on {} (any port)", host);
    throw IoError("serve: cannot listen on {}:{} (in use, or not an address of this machine)", host,
                  port);
  }
  listen_fd_ = fd;
  size_t count = state_.settings.loop_threads;
  if (count == 0) count = usable_cpus();
  for (size_t i = 0; i < count; ++i) loops_.push_back(std::make_unique<Loop>(*this));
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

void LoopServer::run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([this, i] { loops_[i]->run(); });
  }
  loops_[0]->run();
  for (std::thread& thread : threads) thread.join();
  // Connections still waiting in the backlog are refused now, not when the process ends.
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void LoopServer::stop() {
  stopping_.store(true, std::memory_order_release);
  for (auto& loop : loops_) loop->wake();
}

}  // namespace mlops
