#pragma once
// Typed reads of the XGBoost parameters under train.params: the value the workflow wrote, else
// the default declared once for `train.params.<name>` in the key table (schema_keys.cpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "mlops/config/workflow.h"

namespace mlops {

/// The default declared for `train.params.<name>` ("" when it has none). Throws ConfigError for
/// a name the key table does not declare (a bug in the caller).
std::string train_param_default(std::string_view name);

/// Parameter `name` (XGBoost's own name, aliases not followed) as the workflow wrote it, else
/// its declared default ("" when it has none). Throws ConfigError for a name the key table does
/// not declare (a bug in the caller).
std::string train_param_text(const TrainSpec& spec, std::string_view name);

/// train_param_text read as an integer. Throws ConfigError "key 'train.params.<name>': expected
/// int, got '<text>'" (reachable only for a TrainSpec built by hand: the load checks the type).
int64_t train_param_int(const TrainSpec& spec, std::string_view name);

/// Why `objective` cannot be trained by mlops ("'multi:softmax' predicts labels, not
/// probabilities; use multi:softprob"): binary:logitraw, binary:hinge and multi:softmax do not
/// predict probabilities. "" for any other objective.
std::string objective_problem(std::string_view objective);

}  // namespace mlops
