#include "mlops/features/transform.h"

#include <fmt/ranges.h>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/features/categorical_transforms.h"
#include "mlops/features/datetime_parts.h"
#include "mlops/features/expr_transform.h"
#include "mlops/features/fill_null.h"
#include "mlops/features/numeric_transforms.h"
#include "mlops/features/scaling_transforms.h"
#include "mlops/features/target_encode.h"
#include "mlops/features/window_aggregate.h"

namespace mlops {

namespace {

using Factory = std::unique_ptr<Transform> (*)(const ConfigNode&);

template <typename T>
std::unique_ptr<Transform> make(const ConfigNode& spec) {
  return std::make_unique<T>(spec);
}

/// Every transform type, in the order docs/features.md lists them.
const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> table{
      {"expr", make<ExprTransform>},
      {"datetime_parts", make<DatetimePartsTransform>},
      {"log1p", make<Log1pTransform>},
      {"clip", make<ClipTransform>},
      {"bucketize", make<BucketizeTransform>},
      {"fill_null", make<FillNullTransform>},
      {"standard_scale", make<StandardScaleTransform>},
      {"min_max_scale", make<MinMaxScaleTransform>},
      {"one_hot", make<OneHotTransform>},
      {"category_codes", make<CategoryCodesTransform>},
      {"top_k_codes", make<CategoryCodesTransform>},
      {"frequency_encode", make<FrequencyEncodeTransform>},
      {"target_encode", make<TargetEncodeTransform>},
      {"window_aggregate", make<WindowAggregateTransform>},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& transform_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> names;
    for (const auto& [name, factory] : factories()) names.push_back(name);
    return names;
  }();
  return types;
}

std::unique_ptr<Transform> make_transform(const ConfigNode& spec) {
  if (!spec.is_map()) {
    throw ConfigError("{}: key 'featurize.transforms': each transform must be a map with a 'type'",
                      spec.origin().describe());
  }
  const ConfigNode* type_node = spec.get("type");
  if (!type_node) {
    throw ConfigError("{}: key 'featurize.transforms': transform has no 'type' (one of {})",
                      spec.origin().describe(), fmt::join(transform_types(), ", "));
  }
  const std::string type = type_node->as_string("type");
  for (const auto& [name, factory] : factories()) {
    if (name == type) return factory(spec);
  }
  throw ConfigError("{}: key 'featurize.transforms': unknown transform type '{}'{}",
                    type_node->origin().describe(), type, did_you_mean(type, transform_types()));
}

}  // namespace mlops
