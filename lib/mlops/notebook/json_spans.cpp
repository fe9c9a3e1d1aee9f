#include "mlops/notebook/json_spans.h"

#include <fmt/format.h>

#include "mlops/core/error.h"

namespace mlops {

namespace {

constexpr int kMaxDepth = 1000;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

uint32_t read_hex4(std::string_view text, size_t at) {
  uint32_t value = 0;
  for (size_t i = at; i < at + 4; ++i)
    value = value * 16 + static_cast<uint32_t>(hex_value(text[i]));
  return value;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& source_name)
      : text_(text), source_name_(source_name) {}

  JsonSpan document() {
    skip_space();
    JsonSpan root = value(0);
    skip_space();
    if (pos_ < text_.size()) fail("expected the end of the document");
    return root;
  }

 private:
  [[noreturn]] void fail(std::string_view expected) const {
    throw DataError("{}:{}: invalid JSON: {}", source_name_, line_column(text_, pos_), expected);
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  JsonSpan value(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than 1000 levels");
    if (pos_ >= text_.size()) fail("expected a value");
    switch (text_[pos_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true", JsonSpan::Kind::kBool);
      case 'f': return literal("false", JsonSpan::Kind::kBool);
      case 'n': return literal("null", JsonSpan::Kind::kNull);
      default: return number();
    }
  }

  JsonSpan literal(std::string_view word, JsonSpan::Kind kind) {
    if (text_.substr(pos_, word.size()) != word) fail("expected a value");
    JsonSpan span{kind, pos_, pos_ + word.size(), {}, {}};
    pos_ += word.size();
    return span;
  }

  JsonSpan number() {
    const size_t begin = pos_;
    if (at('-')) ++pos_;
    if (at('0')) {
      ++pos_;
    } else if (pos_ < text_.size() && is_digit(text_[pos_])) {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    } else {
      fail("expected a value");
    }
    if (at('.')) {
      ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected a digit after '.'");
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (at('e') || at('E')) {
      ++pos_;
      if (at('+') || at('-')) ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected a digit in the exponent");
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    return JsonSpan{JsonSpan::Kind::kNumber, begin, pos_, {}, {}};
  }

  JsonSpan string() {
    const size_t begin = pos_++;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) fail("unterminated string");
        const char escaped = text_[pos_];
        if (escaped == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= text_.size() || hex_value(text_[pos_ + i]) < 0) {
              fail("expected four hex digits after \\u");
            }
          }
          pos_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          fail("invalid escape in a string");
        }
      }
      ++pos_;
    }
    ++pos_;
    return JsonSpan{JsonSpan::Kind::kString, begin, pos_, {}, {}};
  }

  JsonSpan array(int depth) {
    JsonSpan span{JsonSpan::Kind::kArray, pos_++, 0, {}, {}};
    skip_space();
    if (!at(']')) {
      while (true) {
        span.items.push_back(value(depth + 1));
        skip_space();
        if (at(']')) break;
        if (!at(',')) fail("expected ',' or ']'");
        ++pos_;
        skip_space();
      }
    }
    span.end = ++pos_;
    return span;
  }

  JsonSpan object(int depth) {
    JsonSpan span{JsonSpan::Kind::kObject, pos_++, 0, {}, {}};
    skip_space();
    if (!at('}')) {
      while (true) {
        if (!at('"')) fail("expected a member name in double quotes");
        JsonMember member;
        member.key_begin = pos_;
        member.key = decode_string(text_, string());
        skip_space();
        if (!at(':')) fail("expected ':' after a member name");
        ++pos_;
        skip_space();
        member.value = value(depth + 1);
        span.members.push_back(std::move(member));
        skip_space();
        if (at('}')) break;
        if (!at(',')) fail("expected ',' or '}'");
        ++pos_;
        skip_space();
      }
    }
    span.end = ++pos_;
    return span;
  }

  std::string_view text_;
  const std::string& source_name_;
  size_t pos_ = 0;
};

}  // namespace

const JsonSpan* JsonSpan::find(std::string_view key) const {
  for (const auto& member : members) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

JsonSpan parse_json_spans(std::string_view text, const std::string& source_name) {
  return Parser(text, source_name).document();
}

std::string decode_string(std::string_view text, const JsonSpan& span) {
  // The parser validated the escapes, so decoding needs no checks.
  const std::string_view inner = text.substr(span.begin + 1, span.end - span.begin - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\') {
      out += inner[i];
      continue;
    }
    const char escaped = inner[++i];
    switch (escaped) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t code = read_hex4(inner, i + 1);
        i += 4;
        const bool high_surrogate = code >= 0xD800 && code < 0xDC00;
        if (high_surrogate && i + 6 < inner.size() && inner[i + 1] == '\\' && inner[i + 2] == 'u') {
          const uint32_t low = read_hex4(inner, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, code);
        break;
      }
      default: out += escaped;  // " \ /
    }
  }
  return out;
}

std::string line_column(std::string_view text, size_t offset) {
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("{}:{}", line, offset - line_start + 1);
}

}  // namespace mlops
