#include "mlops/features/transform_params.h"

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {

void check_transform_keys(const ConfigNode& spec, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : spec.entries()) {
    if (key == "type") continue;
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (!known) {
      throw ConfigError("{}: transform '{}': unknown key '{}'{}", value.origin().describe(),
                        spec.get("type")->text(), key, did_you_mean(key, allowed));
    }
  }
}

std::vector<std::string> transform_columns(const ConfigNode& spec) {
  if (const ConfigNode* columns = spec.get("columns")) return columns->as_string_list("columns");
  if (const ConfigNode* column = spec.get("column")) return {column->as_string("column")};
  throw ConfigError("{}: transform '{}' needs 'columns' (or 'column')", spec.origin().describe(),
                    spec.get("type")->text());
}

const Column& input_column(const Table& table, const std::string& name,
                           const std::string& transform) {
  if (const Column* column = table.find(name)) return *column;
  throw DataError("featurize: transform '{}': no column '{}'{}", transform, name,
                  did_you_mean(name, table.column_names()));
}

}  // namespace mlops
