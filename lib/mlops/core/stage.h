#pragma once
// The six stages of a workflow, in order, and their names (which are also the stage folders
// of a run and the keys of its manifest's `stages`).

#include <optional>
#include <string_view>
#include <vector>

namespace mlops {

enum class Stage { kIngest, kFeaturize, kValidate, kTrain, kBatchPredict, kReport };

/// ingest, featurize, validate, train, predict, report (also the output folder names).
std::string_view stage_name(Stage stage);
/// The stage named `name`, or nullopt when no stage has that name.
std::optional<Stage> parse_stage(std::string_view name);
/// Every stage in workflow order.
const std::vector<Stage>& all_stages();

}  // namespace mlops
