#include "mlops/core/log.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "mlops/core/secret_mask.h"
#include "mlops/core/time.h"
#include "mlops/core/value_format.h"

namespace mlops {

namespace {
LogFormat g_format = LogFormat::kText;
LogLevel g_level = LogLevel::kInfo;
std::mutex g_mutex;

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}
}  // namespace

LogField::LogField(std::string_view key, int64_t value)
    : key(key), value(std::to_string(value)), quoted(false) {}
LogField::LogField(std::string_view key, uint64_t value)
    : key(key), value(std::to_string(value)), quoted(false) {}
LogField::LogField(std::string_view key, double value)
    : key(key), value(fmt::format("{:.4g}", value)), quoted(false) {}

void set_log_format(LogFormat format) {
  g_format = format;
}
void set_log_level(LogLevel level) {
  g_level = level;
}
LogFormat log_format() {
  return g_format;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (level < g_level) return;
  std::string line;
  if (g_format == LogFormat::kJson) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","msg":"{}")", format_iso8601(now_micros()),
                       level_name(level), json_escape(message));
    for (const auto& field : fields) {
      if (field.quoted) {
        line += fmt::format(R"(,"{}":"{}")", json_escape(field.key), json_escape(field.value));
      } else {
        line += fmt::format(R"(,"{}":{})", json_escape(field.key), field.value);
      }
    }
    line += "}\n";
  } else {
    static const bool color = isatty(STDERR_FILENO) != 0;
    std::string_view tag = level == LogLevel::kError  ? "error"
                           : level == LogLevel::kWarn ? "warn "
                           : level == LogLevel::kInfo ? "info "
                                                      : "debug";
    if (color && level >= LogLevel::kWarn) {
      line = fmt::format("\x1b[{}m{}\x1b[0m {}", level == LogLevel::kError ? 31 : 33, tag, message);
    } else {
      line = fmt::format("{} {}", tag, message);
    }
    for (const auto& field : fields) {
      bool needs_quotes = field.value.find(' ') != std::string::npos || field.value.empty();
      line += needs_quotes ? fmt::format(" {}=\"{}\"", field.key, field.value)
                           : fmt::format(" {}={}", field.key, field.value);
    }
    line += '\n';
  }
  line = mask_secrets(line);
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace mlops
