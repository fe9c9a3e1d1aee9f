#pragma once
// Typed reads of one source's keys (`url`, `pagination.size`, ...) from its config map, with
// the defaults declared in the key table (config/schema_keys.cpp): a source in a list gets
// the same defaults as the single-map form, from the same one declaration.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlops/config/workflow.h"

namespace mlops {

class SourceOptions {
 public:
  explicit SourceOptions(const SourceSpec& spec) : spec_(spec) {}

  /// The value at `key` (dotted, below the source: "pagination.type"), else the declared
  /// default, else "". Typed reads throw ConfigError naming the origin and key.
  std::string text(std::string_view key) const;
  int64_t integer(std::string_view key) const;
  double number(std::string_view key) const;
  std::vector<std::string> list(std::string_view key) const;
  /// An open map's entries as text (headers): name -> value, in file order.
  std::vector<std::pair<std::string, std::string>> entries(std::string_view key) const;
  /// Whether the source sets the key itself.
  bool has(std::string_view key) const;

  const SourceSpec& spec() const { return spec_; }

 private:
  const ConfigNode* node(std::string_view key) const;
  std::string declared_default(std::string_view key) const;

  const SourceSpec& spec_;
};

}  // namespace mlops
