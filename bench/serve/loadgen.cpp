// A fixed-rate, open-loop HTTP/1.1 load generator for bench/serve/run.py (wrk2 is not packaged
// in Debian; wrk alone cannot hold a rate). Request i is scheduled at start + i / rate whatever
// the server does, and its latency runs from that scheduled time to the last byte of its
// response, so a server that stalls is charged for the requests queued behind the stall (no
// coordinated omission). One thread, epoll, keep-alive connections with one request in flight
// each; a request due while every connection is busy waits in a queue, its clock running.
//
//   bench_serve_loadgen --port 8080 --path /v1/workflows/w/predict --rate 2000 --duration 30
//       --warmup 5 --connections 32 --keys 100000 --body '{"key": {"user_id": %KEY%}}'
//
// Prints one JSON object: requests scheduled and answered, errors (non-200, connection
// failures, unanswered at the end), latency percentiles in microseconds, the achieved rate.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string path = "/";
  double rate = 1000;
  double duration = 10;
  double warmup = 0;
  int connections = 32;
  int64_t keys = 1000;
  std::string body = R"({"key": {"id": %KEY%}})";
  uint64_t seed = 17;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr, "bench_serve_loadgen: %s\n", message);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("every flag takes a value");
    const char* value = argv[++i];
    if (flag == "--host")
      o.host = value;
    else if (flag == "--port")
      o.port = std::atoi(value);
    else if (flag == "--path")
      o.path = value;
    else if (flag == "--rate")
      o.rate = std::atof(value);
    else if (flag == "--duration")
      o.duration = std::atof(value);
    else if (flag == "--warmup")
      o.warmup = std::atof(value);
    else if (flag == "--connections")
      o.connections = std::atoi(value);
    else if (flag == "--keys")
      o.keys = std::atoll(value);
    else if (flag == "--body")
      o.body = value;
    else if (flag == "--seed")
      o.seed = std::strtoull(value, nullptr, 10);
    else
      usage("unknown flag");
  }
  if (o.rate <= 0 || o.duration <= 0 || o.connections <= 0 || o.keys <= 0) usage("bad value");
  return o;
}

struct Connection {
  int fd = -1;
  bool connecting = false;
  bool busy = false;
  int64_t scheduled_ns = 0;
  bool measured = false;
  std::string in;
};

struct Stats {
  std::vector<int64_t> latencies_ns;
  std::map<int, int64_t> statuses;
  int64_t connection_errors = 0;
  int64_t reconnects = 0;
};

class Generator {
 public:
  explicit Generator(const Options& o) : o_(o), rng_(o.seed), key_(1, o.keys) {
    epoll_ = epoll_create1(0);
    address_.sin_family = AF_INET;
    address_.sin_port = htons(static_cast<uint16_t>(o.port));
    if (inet_pton(AF_INET, o.host.c_str(), &address_.sin_addr) != 1) usage("bad --host");
    conns_.resize(static_cast<size_t>(o.connections));
    for (size_t i = 0; i < conns_.size(); ++i) open(i);
  }

  int run() {
    const int64_t interval = static_cast<int64_t>(1e9 / o_.rate);
    // Let the connections open before the clock starts.
    const int64_t connect_deadline = now_ns() + 2'000'000'000LL;
    while (now_ns() < connect_deadline &&
           std::any_of(conns_.begin(), conns_.end(),
                       [](const Connection& c) { return c.connecting; })) {
      poll(1'000'000);
    }
    const int64_t start = now_ns();
    const int64_t measure_from = start + static_cast<int64_t>(o_.warmup * 1e9);
    const int64_t end = measure_from + static_cast<int64_t>(o_.duration * 1e9);
    int64_t next = start;
    while (true) {
      int64_t now = now_ns();
      while (next <= now && next < end) {
        pending_.push_back(next);
        next += interval;
      }
      dispatch(measure_from);
      if (next >= end) break;
      now = now_ns();
      poll(std::max<int64_t>(0, next - now));
    }
    // Drain: what is scheduled gets up to 5 s to be answered; what is not is an error.
    const int64_t drain_deadline = now_ns() + 5'000'000'000LL;
    while (now_ns() < drain_deadline) {
      dispatch(measure_from);
      const bool busy =
          std::any_of(conns_.begin(), conns_.end(), [](const Connection& c) { return c.busy; });
      if (!busy && pending_.empty()) break;
      poll(1'000'000);
    }
    int64_t unanswered = static_cast<int64_t>(pending_.size());
    for (const Connection& c : conns_) unanswered += c.busy && c.measured ? 1 : 0;
    report(unanswered, static_cast<double>(end - measure_from) / 1e9);
    return 0;
  }

 private:
  /// Due requests to idle connections, taken round-robin so that every connection stays in
  /// use (one left idle past the server's keep-alive timeout would be closed under a request).
  void dispatch(int64_t measure_from) {
    for (size_t n = 0; n < conns_.size() && !pending_.empty(); ++n) {
      const size_t i = next_conn_;
      next_conn_ = (next_conn_ + 1) % conns_.size();
      Connection& c = conns_[i];
      if (c.fd >= 0 && !c.connecting && !c.busy) {
        send(i, pending_.front(), pending_.front() >= measure_from);
        pending_.pop_front();
      }
    }
  }

  void open(size_t i) {
    Connection& c = conns_[i];
    c = Connection{};
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int yes = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    const int rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&address_), sizeof(address_));
    if (rc != 0 && errno != EINPROGRESS) {
      ++stats_.connection_errors;
      close(c.fd);
      c.fd = -1;
      return;
    }
    c.connecting = rc != 0;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    event.data.u64 = i;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event);
  }

  void reopen(size_t i) {
    Connection& c = conns_[i];
    if (c.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    ++stats_.reconnects;
    open(i);
  }

  void fail(size_t i) {
    Connection& c = conns_[i];
    if (c.busy && c.measured) ++stats_.connection_errors;
    reopen(i);
  }

  void send(size_t i, int64_t scheduled, bool measured) {
    Connection& c = conns_[i];
    std::string body = o_.body;
    const size_t at = body.find("%KEY%");
    if (at != std::string::npos) body.replace(at, 5, std::to_string(key_(rng_)));
    std::string request =
        "POST " + o_.path + " HTTP/1.1\r\nHost: " + o_.host +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    c.busy = true;
    c.scheduled_ns = scheduled;
    c.measured = measured;
    c.in.clear();
    size_t done = 0;
    while (done < request.size()) {
      const ssize_t n = ::send(c.fd, request.data() + done, request.size() - done, MSG_NOSIGNAL);
      if (n <= 0) {
        fail(i);
        return;
      }
      done += static_cast<size_t>(n);
    }
  }

  /// A complete response at the front of c.in: its length, else 0.
  static size_t complete(const std::string& in, int& status, bool& close_after) {
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end == std::string::npos) return 0;
    const std::string_view head(in.data(), head_end);
    status = head.size() > 12 ? std::atoi(std::string(head.substr(9, 3)).c_str()) : 0;
    size_t length = 0;
    close_after = false;
    size_t line = head.find("\r\n");
    while (line != std::string_view::npos && line < head.size()) {
      const size_t eol = std::min(head.find("\r\n", line + 2), head.size());
      std::string field(head.substr(line + 2, eol - line - 2));
      std::transform(field.begin(), field.end(), field.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (field.starts_with("content-length:"))
        length = std::strtoull(field.c_str() + 15, nullptr, 10);
      if (field.starts_with("connection:") && field.find("close") != std::string::npos) {
        close_after = true;
      }
      line = eol < head.size() ? eol : std::string_view::npos;
    }
    const size_t total = head_end + 4 + length;
    return in.size() >= total ? total : 0;
  }

  void poll(int64_t timeout_ns) {
    epoll_event events[64];
    timespec timeout{static_cast<time_t>(timeout_ns / 1'000'000'000LL),
                     static_cast<long>(timeout_ns % 1'000'000'000LL)};
    const int n = epoll_pwait2(epoll_, events, 64, &timeout, nullptr);
    for (int e = 0; e < n; ++e) {
      const size_t i = events[e].data.u64;
      Connection& c = conns_[i];
      if (c.fd < 0) continue;
      if (c.connecting) {
        int error = 0;
        socklen_t size = sizeof(error);
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) {
          ++stats_.connection_errors;
          reopen(i);
          continue;
        }
        c.connecting = false;
      }
      if (events[e].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        char buffer[16384];
        bool closed = false;
        while (true) {
          const ssize_t got = recv(c.fd, buffer, sizeof(buffer), 0);
          if (got > 0) {
            c.in.append(buffer, static_cast<size_t>(got));
            continue;
          }
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
          break;
        }
        int status = 0;
        bool close_after = false;
        const size_t size = c.busy ? complete(c.in, status, close_after) : 0;
        if (size > 0) {
          if (c.measured) {
            stats_.latencies_ns.push_back(now_ns() - c.scheduled_ns);
            ++stats_.statuses[status];
          }
          c.busy = false;
          c.in.erase(0, size);
          if (close_after || closed) reopen(i);
        } else if (closed) {
          fail(i);
        }
      }
    }
  }

  void report(int64_t unanswered, double seconds) {
    std::vector<int64_t>& l = stats_.latencies_ns;
    std::sort(l.begin(), l.end());
    auto pct = [&](double p) -> double {
      if (l.empty()) return 0;
      const size_t at = std::min(l.size() - 1, static_cast<size_t>(p / 100.0 * l.size()));
      return static_cast<double>(l[at]) / 1000.0;
    };
    int64_t ok = 0, non_ok = 0;
    std::string statuses;
    for (const auto& [status, count] : stats_.statuses) {
      (status == 200 ? ok : non_ok) += count;
      statuses += (statuses.empty() ? "" : ", ") + std::string("\"") + std::to_string(status) +
                  "\": " + std::to_string(count);
    }
    std::printf(
        "{\"rate\": %.0f, \"seconds\": %.1f, \"answered\": %zu, \"ok\": %lld, "
        "\"errors\": %lld, \"non_200\": %lld, \"connection_errors\": %lld, "
        "\"unanswered\": %lld, \"reconnects\": %lld, \"statuses\": {%s}, "
        "\"achieved_rps\": %.1f, \"p50_us\": %.0f, \"p90_us\": %.0f, \"p99_us\": %.0f, "
        "\"p999_us\": %.0f, \"max_us\": %.0f}\n",
        o_.rate, seconds, l.size(), static_cast<long long>(ok),
        static_cast<long long>(non_ok + stats_.connection_errors + unanswered),
        static_cast<long long>(non_ok), static_cast<long long>(stats_.connection_errors),
        static_cast<long long>(unanswered), static_cast<long long>(stats_.reconnects),
        statuses.c_str(), static_cast<double>(ok) / seconds, pct(50), pct(90), pct(99), pct(99.9),
        l.empty() ? 0.0 : static_cast<double>(l.back()) / 1000.0);
  }

  Options o_;
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int64_t> key_;
  int epoll_ = -1;
  sockaddr_in address_{};
  std::vector<Connection> conns_;
  std::deque<int64_t> pending_;
  size_t next_conn_ = 0;
  Stats stats_;
};

}  // namespace

int main(int argc, char** argv) {
  Generator generator(parse(argc, argv));
  return generator.run();
}
