#pragma once
// Reading a transform's parameters from its workflow entry, with errors naming the origin, and
// the column lookups every transform shares.

#include <optional>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

/// Throws ConfigError when the entry has a key outside `allowed` (besides `type`).
void check_transform_keys(const ConfigNode& spec, const std::vector<std::string>& allowed);
/// `columns: [a, b]` or `column: a`; at least one is required.
std::vector<std::string> transform_columns(const ConfigNode& spec);
/// The `name` key of a one-column transform: the column its output goes to, keeping the input.
/// "" when absent: the output replaces the input. Throws ConfigError when `name` comes with
/// several columns.
std::string output_name(const ConfigNode& spec, const std::vector<std::string>& columns);
/// Where the output of `column` goes: `output` when set, else the column itself.
inline const std::string& output_for(const std::string& column, const std::string& output) {
  return output.empty() ? column : output;
}
/// The entry's `type`.
std::string transform_type(const ConfigNode& spec);
/// The entry's `key` as one of `choices` (`fallback` when absent); throws ConfigError naming
/// the origin and the choices, with "did you mean".
std::string read_choice(const ConfigNode& spec, const std::string& key,
                        const std::vector<std::string>& choices, const std::string& fallback);
/// The entry's `key` as a number, when present; throws ConfigError for a non-number.
std::optional<double> read_number(const ConfigNode& spec, const std::string& key);
/// The entry's `key` as a string; throws ConfigError naming the origin when it is missing.
std::string required_string(const ConfigNode& spec, const std::string& key);
/// The column as a Column of the table, throwing DataError "<transform>: no column 'x'".
const Column& input_column(const Table& table, const std::string& name,
                           const std::string& transform);
/// input_column() that also throws DataError unless the column is numeric.
const Column& numeric_input(const Table& table, const std::string& name,
                            const std::string& transform);
/// Throws DataError "featurize: transform '<t>': unseen value '<v>' in column '<c>' (declared
/// unseen: error)".
[[noreturn]] void throw_unseen(const std::string& transform, const std::string& column,
                               std::string_view value);

}  // namespace mlops
