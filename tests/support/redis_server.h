#pragma once
// A real redis-server for tests: started on a free 127.0.0.1 port with a temporary directory,
// no persistence, and stopped (SIGTERM, then waited for) when destroyed. Tests that use it
// start with MLOPS_REQUIRE_TOOL(RedisServer::available(), "redis-server"), so a missing server
// fails in CI (tests/support/optional_tool.h).

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mlops/io/process.h"
#include "support/temp_dir.h"

extern char** environ;

namespace mlops::testing {

class RedisServer {
 public:
  static bool available() { return find_program("redis-server").has_value(); }

  /// Starts the server; `password` non-empty sets `requirepass`. Throws std::runtime_error
  /// when it does not answer PING within 10 s.
  explicit RedisServer(const std::string& password = "") : password_(password) {
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = free_port();
      if (!spawn()) stop();  // the port was taken in between: try another
    }
    if (pid_ <= 0) throw std::runtime_error("redis-server did not answer PING: " + log());
  }
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  /// redis://127.0.0.1:PORT/DB (with :PASSWORD@ when given).
  std::string url(int db = 0, const std::string& password = "") const {
    return "redis://" + (password.empty() ? "" : ":" + password + "@") +
           "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
  }
  std::string log() const { return dir_.read("redis.log"); }

  /// Starts a stopped server again on the same port (empty: its data went with it). Throws
  /// std::runtime_error when it does not answer PING within 10 s.
  void restart() {
    stop();
    if (!spawn()) {
      stop();
      throw std::runtime_error("redis-server did not restart: " + log());
    }
  }

  /// Stops the server (SIGTERM) and waits for it; the port then refuses connections.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t size = sizeof(address);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    close(fd);
    return ntohs(address.sin_port);
  }

  // Starts redis-server on port_; true once it answers PING.
  bool spawn() {
    std::vector<std::string> args{*find_program("redis-server"),
                                  "--port",
                                  std::to_string(port_),
                                  "--bind",
                                  "127.0.0.1",
                                  "--dir",
                                  dir_.path().string(),
                                  "--save",
                                  "",
                                  "--appendonly",
                                  "no",
                                  "--daemonize",
                                  "no",
                                  "--loglevel",
                                  "warning",
                                  "--logfile",
                                  dir_.file("redis.log")};
    if (!password_.empty()) {
      args.push_back("--requirepass");
      args.push_back(password_);
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start redis-server");
    }
    return wait_for_ping(password_);
  }

  bool wait_for_ping(const std::string& password) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port in use, say
        pid_ = -1;
        return false;
      }
      timeval timeout{0, 200'000};
      redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeout);
      if (context && !context->err) {
        if (!password.empty()) {
          freeReplyObject(redisCommand(context, "AUTH %s", password.c_str()));
        }
        auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
        const bool pong = reply && reply->type == REDIS_REPLY_STATUS &&
                          std::string(reply->str, reply->len) == "PONG";
        if (reply) freeReplyObject(reply);
        redisFree(context);
        if (pong) return true;
      } else if (context) {
        redisFree(context);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  TempDir dir_;
  std::string password_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mlops::testing
