#pragma once
// ingest.schema: declared columns, `name: dtype` or `name: {type: dtype, values: [...]}`.

#include <vector>

#include "mlops/config/node.h"
#include "mlops/io/read_result.h"

namespace mlops::config_detail {

/// Reads the ingest.schema map (may be null) into column declarations in file order. Throws
/// ConfigError naming origin and key for an unknown dtype (with "did you mean"), an unknown
/// key inside a column's map, and allowed values on a column that is not a string.
std::vector<ColumnDecl> parse_column_decls(const ConfigNode* schema);

}  // namespace mlops::config_detail
