#pragma once
// Reading a transform's parameters from its workflow entry, with errors naming the origin.

#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

/// Throws ConfigError when the entry has a key outside `allowed` (besides `type`).
void check_transform_keys(const ConfigNode& spec, const std::vector<std::string>& allowed);
/// `columns: [a, b]` or `column: a`; at least one is required.
std::vector<std::string> transform_columns(const ConfigNode& spec);
/// The column as a Column of the table, throwing DataError "<transform>: no column 'x'".
const Column& input_column(const Table& table, const std::string& name,
                           const std::string& transform);

}  // namespace mlops
