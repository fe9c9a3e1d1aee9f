// parse_yaml / load_yaml_file: yaml-cpp nodes to ConfigNode trees that remember file:line:col.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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

// `origin` is passed in because a map value is best located by its key: a block map's own
// mark is on the line after the key, which would mislead "unknown key" messages.
ConfigNode convert(const YAML::Node& node, Origin origin, const std::string& file) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return ConfigNode::scalar(node.Scalar(), std::move(origin));
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
        const std::string& key = entry.first.Scalar();
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
void check_utf8(std::string_view text, const std::string& file_name) {
  const std::optional<size_t> bad = find_invalid_utf8(text);
  if (!bad) return;
  const std::string_view before = text.substr(0, *bad);
  const size_t line_start = before.rfind('\n');
  const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const size_t column = line_start == before.npos ? *bad + 1 : *bad - line_start;
  throw ConfigError("{}:{}:{}: invalid UTF-8 byte 0x{:02X} (the file must be UTF-8)", file_name,
                    line, column, static_cast<unsigned char>(text[*bad]));
}

}  // namespace

ConfigNode parse_yaml(std::string_view text, const std::string& file_name) {
  check_utf8(text, file_name);
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
