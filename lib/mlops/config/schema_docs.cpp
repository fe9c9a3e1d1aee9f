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
    case KeyType::kStringList:
      if (key.choices.empty()) return "list of strings";
      return fmt::format("list of: {}", fmt::join(key.choices, ", "));
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
  out +=
      "\n## Timestamp formats\n\n"
      "`ingest.schema: {date: {type: timestamp, format: \"%b %d %Y\"}}` reads `Nov 12 2015`. "
      "Without `format` a timestamp is ISO 8601 (`2015-11-12`, `2015-11-12 08:05:09[.ffffff]`, "
      "`T` or a space, an optional `Z` or `+hh:mm`), the fast path. A format is strptime-like, "
      "checked when the workflow is loaded (an unknown directive is a config error naming the "
      "file, line and key); a value that does not match the whole format goes to quarantine "
      "with its line, column, value and the format.\n\n"
      "| directive | reads |\n| --- | --- |\n"
      "| `%Y` | year, up to 4 digits (optional sign) |\n"
      "| `%y` | year 00-99: 69-99 are 1969-1999, 00-68 are 2000-2068 (POSIX) |\n"
      "| `%m` | month 1-12 (`3` or `03`) |\n"
      "| `%d`, `%e` | day of the month 1-31 (`%e` allows a leading space) |\n"
      "| `%j` | day of the year 1-366 |\n"
      "| `%b`, `%h`, `%B` | English month name, any case, abbreviated (`Nov`) or full (`November`) "
      "|\n"
      "| `%a`, `%A` | English weekday name (read, not checked against the date) |\n"
      "| `%H` | hour 0-23 |\n"
      "| `%I`, `%p` | hour 1-12 and `AM`/`PM` (any case) |\n"
      "| `%M` | minute 0-59 |\n"
      "| `%S` | second 0-60 |\n"
      "| `%f` | fraction of a second, 1-9 digits (kept to the microsecond) |\n"
      "| `%z` | UTC offset `Z`, `+hh`, `+hhmm` or `+hh:mm` (the value is converted to UTC) |\n"
      "| `%s` | seconds since 1970-01-01 UTC |\n"
      "| `%T`, `%D`, `%F` | `%H:%M:%S`, `%m/%d/%y`, `%Y-%m-%d` |\n"
      "| `%%` | a literal `%` |\n\n"
      "A space in the format matches any run of spaces, including none; every other character "
      "matches itself. Parts the format lacks default to 1970, January, the 1st, midnight UTC "
      "(`%Y` alone reads `1982` as 1982-01-01).\n";
  return out;
}

}  // namespace mlops
