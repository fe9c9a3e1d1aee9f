#pragma once
// The one logger: readable lines on a terminal, JSON lines with --log-format json. Writes to
// stderr so stdout stays free for command output (config show, validate --format json).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mlops {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// A key and its already-rendered value; numbers and booleans stay unquoted in JSON.
struct LogField {
  LogField(std::string_view key, std::string_view value) : key(key), value(value), quoted(true) {}
  LogField(std::string_view key, const char* value) : key(key), value(value), quoted(true) {}
  LogField(std::string_view key, const std::string& value) : key(key), value(value), quoted(true) {}
  LogField(std::string_view key, int64_t value);
  LogField(std::string_view key, uint64_t value);
  LogField(std::string_view key, int value) : LogField(key, static_cast<int64_t>(value)) {}
  LogField(std::string_view key, double value);
  LogField(std::string_view key, bool value)
      : key(key), value(value ? "true" : "false"), quoted(false) {}

  std::string key;
  std::string value;
  bool quoted;
};

void set_log_format(LogFormat format);
void set_log_level(LogLevel level);
LogFormat log_format();

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void log_debug(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::kDebug, m, f);
}
inline void log_info(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::kInfo, m, f);
}
inline void log_warn(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::kWarn, m, f);
}
inline void log_error(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::kError, m, f);
}

/// Escapes a string for inclusion in JSON (without the surrounding quotes).
std::string json_escape(std::string_view text);

}  // namespace mlops
