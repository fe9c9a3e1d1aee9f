#pragma once
// A small RAII client over hiredis for the Redis online store: one blocking connection with
// connect and command timeouts, AUTH and SELECT from the URL, single commands and pipelines.
// Every failure is a NetworkError naming the URL without its password (exit 5); a broken
// connection is reopened on the next call.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace mlops {

/// Where a Redis server is:
/// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?connect_timeout=S&timeout=S]`.
struct RedisLocation {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;      // Redis 6 ACL user; "" = the default user
  std::string password;  // "" = no AUTH
  double connect_timeout_s = 2;
  double command_timeout_s = 10;

  /// "redis://HOST:PORT/DB": the address for messages, never the password.
  std::string display() const;
};

/// Parses a redis:// URL. Throws ConfigError naming `key` (never the password) when it is
/// malformed: no host, a port or db that is not a number, an unknown query parameter.
RedisLocation parse_redis_url(std::string_view url, std::string_view key);

/// One reply, freed on destruction.
class RedisReply {
 public:
  explicit RedisReply(redisReply* reply = nullptr) : reply_(reply) {}
  ~RedisReply();
  RedisReply(RedisReply&& other) noexcept : reply_(other.reply_) { other.reply_ = nullptr; }
  RedisReply& operator=(RedisReply&& other) noexcept;
  RedisReply(const RedisReply&) = delete;
  RedisReply& operator=(const RedisReply&) = delete;
  redisReply* get() const { return reply_; }
  redisReply* operator->() const { return reply_; }

 private:
  redisReply* reply_;
};

class RedisClient {
 public:
  /// Connects, AUTHs and SELECTs. Throws NetworkError naming location.display().
  explicit RedisClient(RedisLocation location);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  const RedisLocation& location() const { return location_; }

  /// Runs one command; an error reply throws NetworkError with Redis's message.
  RedisReply command(const std::vector<std::string_view>& args);
  /// Sends every command, then reads every reply, in order (one round trip per pipeline).
  /// An error reply throws NetworkError after all replies were read.
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string_view>>& commands);

  /// A pipeline kept full while it runs: send() queues a command (hiredis copies its
  /// arguments, which may change afterwards) and receive() returns the oldest unread reply,
  /// sending what is queued first, so the server works on the commands queued after it while
  /// the caller prepares more. An error reply is returned, not thrown: the caller reads every
  /// reply it is owed before it throws. Both throw NetworkError when the connection fails.
  void send(std::span<const std::string_view> args);
  RedisReply receive();
  /// Throws NetworkError for an error reply to `doing`.
  void check(const RedisReply& reply, std::string_view doing) const;

 private:
  void connect();
  [[noreturn]] void fail(std::string_view doing);

  RedisLocation location_;
  redisContext* context_ = nullptr;
};

}  // namespace mlops
