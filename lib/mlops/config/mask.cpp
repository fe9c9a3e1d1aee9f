// Secret masking and quoting shared by to_yaml and canonical_text.

#include "mlops/config/mask.h"

#include <fmt/format.h>

#include <regex>

namespace mlops::config_detail {

std::string mask_url_passwords(std::string_view text) {
  if (text.find("://") == std::string_view::npos) return std::string(text);  // the common case
  // The password runs to the last '@' of the URL: over-masking beats printing half a password.
  static const std::regex kUrlPassword(R"(([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)[^@\s]*@)");
  return std::regex_replace(std::string(text), kUrlPassword, fmt::format("$1{}@", kMask));
}

std::string double_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace mlops::config_detail
