#include "mlops/ingest/json_path.h"

#include <cctype>

#include "mlops/core/ascii.h"

namespace mlops {

namespace {

// The relations of one link's parameters ("; rel=\"next last\"; title=...").
bool has_relation(std::string_view params, std::string_view wanted) {
  size_t pos = 0;
  while ((pos = params.find(';', pos)) != std::string_view::npos) {
    ++pos;
    while (pos < params.size() && params[pos] == ' ') ++pos;
    const size_t equals = params.find('=', pos);
    if (equals == std::string_view::npos) break;
    std::string name = ascii_lower(params.substr(pos, equals - pos));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    size_t start = equals + 1;
    while (start < params.size() && params[start] == ' ') ++start;
    std::string value;
    if (start < params.size() && params[start] == '"') {
      const size_t end = params.find('"', start + 1);
      value = std::string(params.substr(start + 1, end - start - 1));
      pos = end == std::string_view::npos ? params.size() : end + 1;
    } else {
      const size_t end = params.find(';', start);
      value = std::string(params.substr(start, end - start));
      pos = end == std::string_view::npos ? params.size() : end;
    }
    if (name != "rel") continue;
    value = ascii_lower(value);
    size_t word = 0;
    while (word < value.size()) {
      const size_t space = value.find(' ', word);
      if (value.substr(word, space - word) == wanted) return true;
      if (space == std::string::npos) break;
      word = space + 1;
    }
  }
  return false;
}

}  // namespace

const nlohmann::json* json_at(const nlohmann::json& document, std::string_view path) {
  const nlohmann::json* node = &document;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string step(path.substr(0, dot));
    if (!node->is_object()) return nullptr;
    auto it = node->find(step);
    if (it == node->end()) return nullptr;
    node = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

std::optional<std::string> link_target(const std::vector<std::string>& link_headers,
                                       std::string_view rel) {
  const std::string wanted = ascii_lower(rel);
  for (const auto& header : link_headers) {
    std::string_view rest(header);
    // Each link is <target> followed by parameters up to the next '<' outside quotes.
    while (true) {
      const size_t open = rest.find('<');
      if (open == std::string_view::npos) break;
      const size_t close = rest.find('>', open);
      if (close == std::string_view::npos) break;
      const std::string_view target = rest.substr(open + 1, close - open - 1);
      size_t end = close + 1;
      bool quoted = false;
      while (end < rest.size() && (quoted || rest[end] != ',')) {
        if (rest[end] == '"') quoted = !quoted;
        ++end;
      }
      if (has_relation(rest.substr(close + 1, end - close - 1), wanted)) {
        return std::string(target);
      }
      if (end >= rest.size()) break;
      rest = rest.substr(end + 1);
    }
  }
  return std::nullopt;
}

}  // namespace mlops
