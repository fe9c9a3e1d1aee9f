// parse_yaml / load_yaml_file: yaml-cpp nodes to ConfigNode trees that remember file:line:col.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "mlops/config/node.h"
#include "mlops/core/error.h"
#include "mlops/core/utf8.h"

namespace mlops {
namespace {

Origin origin_of(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return Origin{file, 0, 0};
  return Origin{file, mark.line + 1, mark.column + 1};  // yaml-cpp counts from 0
}

// yaml-cpp decodes the escapes \N and \_ to the single bytes 0x85 and 0xA0 (Latin-1, not
// UTF-8), and does the same for a NUL byte followed by '_' or 'N'. The text was checked to be
// UTF-8, so any invalid byte in a scalar came from that decoding: it is re-encoded as the code
// point yaml-cpp meant, instead of failing later when the value is written as JSON.
std::string utf8_scalar(const std::string& scalar) {
  if (!find_invalid_utf8(scalar)) return scalar;
  std::string repaired;
  repaired.reserve(scalar.size() + 4);
  std::string_view rest = scalar;
  while (!rest.empty()) {
    const std::optional<size_t> bad = find_invalid_utf8(rest);
    if (!bad) break;
    repaired.append(rest.substr(0, *bad));
    const auto byte = static_cast<unsigned char>(rest[*bad]);
    repaired.push_back(static_cast<char>(0xC0 | (byte >> 6)));
    repaired.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    rest.remove_prefix(*bad + 1);
  }
  repaired.append(rest);
  return repaired;
}

// `origin` is passed in because a map value is best located by its key: a block map's own
// mark is on the line after the key, which would mislead "unknown key" messages.
ConfigNode convert(const YAML::Node& node, Origin origin, const std::string& file) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return ConfigNode::scalar(utf8_scalar(node.Scalar()), std::move(origin));
    case YAML::NodeType::Sequence: {
      ConfigNode result = ConfigNode::sequence(std::move(origin));
      for (const auto& item : node) {
        result.items().push_back(convert(item, origin_of(item.Mark(), file), file));
      }
      return result;
    }
    case YAML::NodeType::Map: {
      ConfigNode result = ConfigNode::map(std::move(origin));
      for (const auto& entry : node) {
        Origin key_origin = origin_of(entry.first.Mark(), file);
        if (!entry.first.IsScalar()) {
          throw ConfigError("{}: map keys must be plain values", key_origin.describe());
        }
        const std::string key = utf8_scalar(entry.first.Scalar());
        // yaml-cpp keeps both entries of a duplicated key; a silent "last one wins" hides typos.
        if (const ConfigNode* first = result.get(key)) {
          throw ConfigError("{}: duplicate key '{}' (first set at line {})", key_origin.describe(),
                            key, first->origin().line);
        }
        result.entries().emplace_back(key, convert(entry.second, key_origin, file));
      }
      return result;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: {
      ConfigNode result;
      result.set_origin(std::move(origin));
      return result;
    }
  }
  return {};
}

// YAML is UTF-8 here; yaml-cpp would pass other bytes through into values, to fail later when
// they are written as JSON (a manifest, a report).
// file:line:column of byte `offset` of `text`.
std::string locate(std::string_view text, size_t offset, const std::string& file_name) {
  const std::string_view before = text.substr(0, offset);
  const size_t line_start = before.rfind('\n');
  const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const size_t column = line_start == before.npos ? offset + 1 : offset - line_start;
  return fmt::format("{}:{}:{}", file_name, line, column);
}

// YAML allows no C0 control character but tab, line feed and carriage return (YAML 1.2,
// c-printable); yaml-cpp would read a NUL byte as part of an escape.
std::optional<size_t> find_control_byte(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) return i;
  }
  return std::nullopt;
}

// YAML is UTF-8 here; yaml-cpp would pass other bytes through into values, to fail later when
// they are written as JSON (a manifest, a report).
void check_text(std::string_view text, const std::string& file_name) {
  if (const std::optional<size_t> control = find_control_byte(text)) {
    throw ConfigError("{}: control character 0x{:02X} (YAML allows only tab, LF and CR)",
                      locate(text, *control, file_name),
                      static_cast<unsigned char>(text[*control]));
  }
  if (const std::optional<size_t> bad = find_invalid_utf8(text)) {
    throw ConfigError("{}: invalid UTF-8 byte 0x{:02X} (the file must be UTF-8)",
                      locate(text, *bad, file_name), static_cast<unsigned char>(text[*bad]));
  }
}

}  // namespace

ConfigNode parse_yaml(std::string_view text, const std::string& file_name) {
  check_text(text, file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    if (error.mark.is_null()) throw ConfigError("{}: {}", file_name, error.msg);
    throw ConfigError("{}: {}", origin_of(error.mark, file_name).describe(), error.msg);
  }
  return convert(root, origin_of(root.Mark(), file_name), file_name);
}

ConfigNode load_yaml_file(const std::string& path) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw ConfigError("{}: no such file", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("{}: cannot open for reading", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), path);
}

}  // namespace mlops
