// ConfigNode: construction, lookup, merging and typed reads.

#include "mlops/config/node.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "mlops/core/error.h"
#include "mlops/core/value_parse.h"

namespace mlops {

std::string Origin::describe() const {
  if (line == 0) return file;
  if (column == 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

ConfigNode ConfigNode::scalar(std::string value, Origin origin) {
  ConfigNode node;
  node.kind_ = Kind::kScalar;
  node.scalar_ = std::move(value);
  node.origin_ = std::move(origin);
  return node;
}

ConfigNode ConfigNode::map(Origin origin) {
  ConfigNode node;
  node.kind_ = Kind::kMap;
  node.origin_ = std::move(origin);
  return node;
}

ConfigNode ConfigNode::sequence(Origin origin) {
  ConfigNode node;
  node.kind_ = Kind::kSequence;
  node.origin_ = std::move(origin);
  return node;
}

const ConfigNode* ConfigNode::get(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  for (const auto& [name, value] : entries_) {
    if (name == key) return &value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::get(std::string_view key) {
  return const_cast<ConfigNode*>(std::as_const(*this).get(key));
}

const ConfigNode* ConfigNode::find_path(std::string_view dotted) const {
  const ConfigNode* node = this;
  while (node && !dotted.empty()) {
    size_t dot = dotted.find('.');
    node = node->get(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return node;
}

void ConfigNode::set(std::string key, ConfigNode value) {
  if (kind_ != Kind::kMap) {  // setting a key turns any other node into a map
    *this = map(origin_);
  }
  if (ConfigNode* existing = get(key)) {
    *existing = std::move(value);
  } else {
    entries_.emplace_back(std::move(key), std::move(value));
  }
}

namespace {

std::string describe_kind(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull: return "nothing";
    case ConfigNode::Kind::kScalar: return fmt::format("'{}'", node.text());
    case ConfigNode::Kind::kMap: return "a map";
    case ConfigNode::Kind::kSequence: return "a list";
  }
  return "";
}

[[noreturn]] void throw_expected(const ConfigNode& node, std::string_view key,
                                 std::string_view type) {
  throw ConfigError("{}: key '{}': expected {}, got {}", node.origin().describe(), key, type,
                    describe_kind(node));
}

}  // namespace

std::string ConfigNode::as_string(std::string_view key) const {
  if (is_null()) return "";
  if (!is_scalar()) throw_expected(*this, key, "string");
  return scalar_;
}

int64_t ConfigNode::as_int(std::string_view key) const {
  std::optional<int64_t> value;
  if (is_scalar()) value = parse_int64(scalar_);
  if (!value) throw_expected(*this, key, "int");
  return *value;
}

double ConfigNode::as_double(std::string_view key) const {
  std::optional<double> value;
  if (is_scalar()) value = parse_double(scalar_);
  if (!value) throw_expected(*this, key, "float");
  return *value;
}

bool ConfigNode::as_bool(std::string_view key) const {
  std::optional<bool> value;
  if (is_scalar()) value = parse_bool(scalar_);
  if (!value) throw_expected(*this, key, "bool");
  return *value;
}

std::vector<std::string> ConfigNode::as_string_list(std::string_view key) const {
  if (is_null()) return {};
  if (is_scalar()) return {scalar_};
  if (!is_sequence()) throw_expected(*this, key, "a list of strings");
  std::vector<std::string> values;
  for (const auto& item : items_) {
    if (!item.is_scalar()) throw_expected(item, key, "a list of strings");
    values.push_back(item.text());
  }
  return values;
}

void merge_into(ConfigNode& base, const ConfigNode& overlay) {
  if (!base.is_map() || !overlay.is_map()) {
    base = overlay;
    return;
  }
  // The map now reflects the latest layer that mentions it, so errors about it point there.
  base.set_origin(overlay.origin());
  for (const auto& [key, value] : overlay.entries()) {
    if (ConfigNode* existing = base.get(key)) {
      merge_into(*existing, value);
    } else {
      base.entries().emplace_back(key, value);
    }
  }
}

bool is_secret_key(std::string_view key) {
  static constexpr std::string_view kSecretParts[] = {
      "password", "passwd", "secret", "token", "api_key", "apikey", "credentials", "private_key"};
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kSecretParts), std::end(kSecretParts),
                     [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

}  // namespace mlops
