#pragma once
// A YAML-like tree in which every value remembers where it came from (file:line:column, an
// environment variable, --set, or the built-in defaults), so every config error can name it.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

/// Where a config value was set.
struct Origin {
  std::string file;  // path, "--set", "built-in", or "env MLOPS_X"
  int line = 0;      // 1-based; 0 when not from a file
  int column = 0;    // 1-based; 0 when not from a file
  /// "configs/dev.yaml:3:5", or just `file` when line is 0.
  std::string describe() const;
};

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kMap, kSequence };

  ConfigNode() = default;
  static ConfigNode scalar(std::string value, Origin origin);
  static ConfigNode map(Origin origin);
  static ConfigNode sequence(Origin origin);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  const Origin& origin() const { return origin_; }
  void set_origin(Origin origin) { origin_ = std::move(origin); }

  /// Scalar text (after ${...} interpolation). Empty for non-scalars.
  const std::string& text() const { return scalar_; }
  void set_text(std::string text) { scalar_ = std::move(text); }

  /// Map entries in file order; keys are unique.
  const std::vector<std::pair<std::string, ConfigNode>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, ConfigNode>>& entries() { return entries_; }
  /// Sequence items.
  const std::vector<ConfigNode>& items() const { return items_; }
  std::vector<ConfigNode>& items() { return items_; }

  /// Map lookup; nullptr when absent or not a map.
  const ConfigNode* get(std::string_view key) const;
  ConfigNode* get(std::string_view key);
  /// Dotted-path lookup ("train.params.max_depth"); nullptr when absent.
  const ConfigNode* find_path(std::string_view dotted) const;
  /// Sets a map entry, replacing an existing one in place (keeps order).
  void set(std::string key, ConfigNode value);

  // Typed reads of a scalar; each throws ConfigError "<origin>: key '<key>': expected <type>,
  // got '<text>'" where `key` is the dotted key the caller names.
  std::string as_string(std::string_view key) const;
  int64_t as_int(std::string_view key) const;
  double as_double(std::string_view key) const;
  bool as_bool(std::string_view key) const;
  /// A sequence of scalars, or a single scalar read as a one-element list.
  std::vector<std::string> as_string_list(std::string_view key) const;

 private:
  Kind kind_ = Kind::kNull;
  Origin origin_;
  std::string scalar_;
  std::vector<std::pair<std::string, ConfigNode>> entries_;
  std::vector<ConfigNode> items_;
};

/// Reads YAML text into a tree whose origins name `file_name`; throws ConfigError with
/// file:line:column for YAML syntax errors and duplicate keys.
ConfigNode parse_yaml(std::string_view text, const std::string& file_name);
/// Reads a YAML file; throws ConfigError "<path>: no such file" when it is missing.
ConfigNode load_yaml_file(const std::string& path);
/// Deep merge: maps merge key by key, anything else in `overlay` replaces `base`.
void merge_into(ConfigNode& base, const ConfigNode& overlay);
/// Serializes back to YAML (block style); values whose key looks secret are printed as "****"
/// when `mask_secrets`; with `explain`, each scalar line ends with "  # <origin>".
std::string to_yaml(const ConfigNode& node, bool mask_secrets, bool explain);
/// A canonical serialization for hashing (independent of origins).
std::string canonical_text(const ConfigNode& node);
/// True for keys that hold secrets: password, passwd, secret, token, api_key, apikey,
/// credentials, private_key (case-insensitive, as a part of the key).
bool is_secret_key(std::string_view key);

}  // namespace mlops
