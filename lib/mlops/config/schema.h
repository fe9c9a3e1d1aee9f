#pragma once
// Every config key declared once: its dotted name, type, default and help. Validation of the
// merged tree, the built-in defaults layer, `mlops config keys` and docs/config.md all come
// from this one table (the LightGBM config.h idea).

#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/node.h"

namespace mlops {

enum class KeyType {
  kString,
  kPath,  // a string naming a file or directory
  kInt,
  kFloat,
  kBool,
  kEnum,        // a string among `choices`
  kStringList,  // a sequence of scalars (a single scalar is accepted as one item)
  kMap,         // a map whose own keys are declared below it
  kOpenMap,     // a map whose keys are free (column names, xgboost params); a component checks it
  kMapList,     // a map whose own keys are declared below it, or a list of such maps (sources)
  kAny,         // checked by the component that reads it (transform lists, contracts)
};

struct KeyDecl {
  std::string path;  // dotted: "train.split.holdout"
  KeyType type;
  std::string default_value;  // "" = no default; a YAML scalar otherwise
  std::string help;
  std::vector<std::string> choices;  // for kEnum
};

/// All declared keys, parents before children.
const std::vector<KeyDecl>& config_keys();
/// The declaration of dotted `path`, or nullptr when no key has it.
const KeyDecl* find_key(std::string_view path);
/// The built-in defaults layer as a tree (origin "built-in").
ConfigNode builtin_defaults();
/// Checks every key and scalar type of the merged tree against config_keys(); throws
/// ConfigError "<origin>: unknown key 'a.b' (did you mean 'a.c'?)" or
/// "<origin>: key 'a.b': expected int, got 'x'".
void validate_against_schema(const ConfigNode& root);
/// Markdown reference of every key (docs/config.md is generated from it).
std::string config_reference_markdown();

}  // namespace mlops
