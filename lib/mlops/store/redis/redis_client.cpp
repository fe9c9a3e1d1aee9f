#include "mlops/store/redis/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>
#include <cmath>

#include "mlops/core/error.h"

namespace mlops {

namespace {

timeval to_timeval(double seconds) {
  timeval out{};
  out.tv_sec = static_cast<time_t>(seconds);
  out.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
  return out;
}

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string RedisLocation::display() const {
  return "redis://" + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

RedisLocation parse_redis_url(std::string_view url, std::string_view key) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) {
    throw ConfigError("{}: a Redis URL starts with redis://", key);
  }
  std::string_view rest = url.substr(kScheme.size());
  RedisLocation location;
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      location.user = std::string(userinfo.substr(0, colon));
      location.password = std::string(userinfo.substr(colon + 1));
    } else {
      location.password = std::string(userinfo);  // redis://PASSWORD@host, as redis-py reads it
    }
  }
  std::string_view hostport = rest;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_number(db, location.db) || location.db < 0)) {
      throw ConfigError("{}: the Redis database after '/' must be a number, not '{}'", key, db);
    }
  }
  if (const size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = hostport.substr(colon + 1);
    if (!parse_number(port, location.port) || location.port <= 0 || location.port > 65535) {
      throw ConfigError("{}: the Redis port must be a number from 1 to 65535, not '{}'", key, port);
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty())
    throw ConfigError("{}: a Redis URL names a host: redis://HOST:PORT/DB", key);
  location.host = std::string(hostport);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    double seconds = 0;
    if (name != "connect_timeout" && name != "timeout") {
      throw ConfigError("{}: unknown Redis URL parameter '{}' (known: connect_timeout, timeout)",
                        key, name);
    }
    if (!parse_number(value, seconds) || seconds <= 0) {
      throw ConfigError("{}: {} is a number of seconds > 0, not '{}'", key, name, value);
    }
    (name == "timeout" ? location.command_timeout_s : location.connect_timeout_s) = seconds;
  }
  return location;
}

RedisReply::~RedisReply() {
  if (reply_) freeReplyObject(reply_);
}

RedisReply& RedisReply::operator=(RedisReply&& other) noexcept {
  if (this != &other) {
    if (reply_) freeReplyObject(reply_);
    reply_ = other.reply_;
    other.reply_ = nullptr;
  }
  return *this;
}

RedisClient::RedisClient(RedisLocation location) : location_(std::move(location)) {
  connect();
}

RedisClient::~RedisClient() {
  if (context_) redisFree(context_);
}

void RedisClient::fail(std::string_view doing) {
  std::string reason = context_ && context_->err ? context_->errstr : "no connection";
  if (reason.empty()) reason = "connection lost";
  if (context_) {
    redisFree(context_);  // reopened by the next call
    context_ = nullptr;
  }
  throw NetworkError("online store {}: {}: {}", location_.display(), doing, reason);
}

void RedisClient::connect() {
  context_ = redisConnectWithTimeout(location_.host.c_str(), location_.port,
                                     to_timeval(location_.connect_timeout_s));
  if (!context_ || context_->err) fail("cannot connect");
  if (redisSetTimeout(context_, to_timeval(location_.command_timeout_s)) != REDIS_OK) {
    fail("cannot set the command timeout");
  }
  redisEnableKeepAlive(context_);
  if (!location_.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!location_.user.empty()) auth.push_back(location_.user);
    auth.push_back(location_.password);
    try {
      command(auth);
    } catch (const NetworkError&) {
      // Redis's message names neither user nor password; say which step failed.
      throw NetworkError("online store {}: authentication failed (check the password)",
                         location_.display());
    }
  }
  if (location_.db != 0) command({"SELECT", std::to_string(location_.db)});
}

RedisReply RedisClient::command(const std::vector<std::string_view>& args) {
  return std::move(pipeline({args}).front());
}

std::vector<RedisReply> RedisClient::pipeline(
    const std::vector<std::vector<std::string_view>>& commands) {
  if (!context_) connect();
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& args : commands) {
    argv.clear();
    lengths.clear();
    for (std::string_view arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      fail("cannot send a command");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  std::string error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) fail("no reply");
    replies.emplace_back(static_cast<redisReply*>(raw));
    const redisReply* reply = replies.back().get();
    if (reply->type == REDIS_REPLY_ERROR && error.empty()) {
      error = std::string(reply->str, reply->len);
    }
  }
  if (!error.empty()) {
    throw NetworkError("online store {}: {} failed: {}", location_.display(),
                       commands.size() == 1 ? commands.front().front() : "a pipeline", error);
  }
  return replies;
}

}  // namespace mlops

namespace mlops {

void RedisClient::send(std::span<const std::string_view> args) {
  if (!context_) connect();
  std::vector<const char*> argv(args.size());
  std::vector<size_t> lengths(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lengths[i] = args[i].size();
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    fail("cannot send a command");
  }
}

RedisReply RedisClient::receive() {
  void* raw = nullptr;
  if (!context_ || redisGetReply(context_, &raw) != REDIS_OK || !raw) fail("no reply");
  return RedisReply(static_cast<redisReply*>(raw));
}

void RedisClient::check(const RedisReply& reply, std::string_view doing) const {
  if (reply.get() && reply->type == REDIS_REPLY_ERROR) {
    throw NetworkError("online store {}: {} failed: {}", location_.display(), doing,
                       std::string_view(reply->str, reply->len));
  }
}

}  // namespace mlops
