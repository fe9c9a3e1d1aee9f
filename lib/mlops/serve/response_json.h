#pragma once
// The predict route's 200 body, written straight into one string: byte for byte what
// building it as an nlohmann::json document and dump()ing it gave (keys in sorted order,
// nlohmann's number and string formatting), without the document's allocations:
//   {"predictions":[{"features_age_s":..,"model_version":..,"prediction":..,
//                    "probabilities":{..},"probability":..,"source":..}],"request_id":".."}

#include <span>
#include <string>
#include <string_view>

#include "mlops/serve/predictor.h"

namespace mlops {

/// Appends the body answering `rows` under `request_id` (letters, digits, '-', '_' and '.'
/// only, as the route makes it) to `out`. Throws what nlohmann's dump() throws for a string
/// that is not UTF-8 (a class name or version from the model).
void append_predictions_json(std::string& out, std::string_view request_id,
                             std::span<const PredictedRow> rows);

}  // namespace mlops
