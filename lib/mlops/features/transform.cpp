#include "mlops/features/transform.h"

#include <fmt/ranges.h>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/features/categorical_transforms.h"
#include "mlops/features/datetime_parts.h"
#include "mlops/features/numeric_transforms.h"

namespace mlops {

const std::vector<std::string>& transform_types() {
  static const std::vector<std::string> types{"category_codes", "datetime_parts", "fill_null",
                                              "log1p",          "one_hot",        "standard_scale"};
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
  if (type == "category_codes") return std::make_unique<CategoryCodesTransform>(spec);
  if (type == "datetime_parts") return std::make_unique<DatetimePartsTransform>(spec);
  if (type == "fill_null") return std::make_unique<FillNullTransform>(spec);
  if (type == "log1p") return std::make_unique<Log1pTransform>(spec);
  if (type == "one_hot") return std::make_unique<OneHotTransform>(spec);
  if (type == "standard_scale") return std::make_unique<StandardScaleTransform>(spec);
  throw ConfigError("{}: key 'featurize.transforms': unknown transform type '{}'{}",
                    type_node->origin().describe(), type, did_you_mean(type, transform_types()));
}

}  // namespace mlops
