// config_reference_markdown: docs/config.md generated from the key table.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlops/config/schema.h"
#include "mlops/config/schema_checks.h"
#include "mlops/config/tree_path.h"

namespace mlops {
namespace {

std::string type_text(const KeyDecl& key) {
  switch (key.type) {
    case KeyType::kString: return "string";
    case KeyType::kPath: return "path";
    case KeyType::kInt: return "int";
    case KeyType::kFloat: return "float";
    case KeyType::kBool: return "bool";
    case KeyType::kEnum: return fmt::format("one of {}", fmt::join(key.choices, ", "));
    case KeyType::kStringList: return "list of strings";
    case KeyType::kMap: return "map";
    case KeyType::kOpenMap: return "map (free keys)";
    case KeyType::kMapList: return "map or list of maps";
    case KeyType::kAny: return "any";
  }
  return "";
}

// '|' would end a table cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string config_reference_markdown() {
  std::string out =
      "# Configuration reference\n\n"
      "Generated from `lib/mlops/config/schema_keys.cpp`; do not edit by hand.\n\n"
      "Layers, lowest first: built-in defaults < `configs/base.yaml` < `configs/<env>.yaml` < "
      "workflow file < `MLOPS_*` environment variables < `--set key=value`. Every scalar may use "
      "`${key}` (another config key), `${VAR}` or `${VAR:-default}` (environment); `$${` is a "
      "literal `${`.\n\n"
      "| key | type | default | environment | description |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (const auto& key : config_keys()) {
    std::string help = key.help;
    if (const auto* check = config_detail::find_range_check(key.path)) {
      help += fmt::format(" Value {}.", check->rule);
    }
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", key.path, cell(type_text(key)),
                       key.default_value.empty() ? "" : fmt::format("`{}`", key.default_value),
                       config_detail::settable_from_env(key.type)
                           ? fmt::format("`{}`", config_detail::env_var_name(key.path))
                           : "",
                       cell(help));
  }
  return out;
}

}  // namespace mlops
