#pragma once
// The XGBoost parameters a training run uses, and blaming the right one when XGBoost rejects
// them. XGBoost 1.7 checks parameters lazily (when it configures, some only in the first
// round), and a booster that failed must not be used again (updating it can crash).

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/model/task.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

/// Parameter name/value pairs in the order they are set.
using Params = std::vector<std::pair<std::string, std::string>>;

/// objective (and num_class for multiclass), then tree_method, nthread and verbosity with
/// their key-table defaults (hist, 2, 1) and seed=spec.split.seed unless spec.params sets them
/// (under any alias), then spec.params in order.
/// Throws ConfigError for an objective whose predictions are not probabilities
/// (binary:logitraw, binary:hinge, multi:softmax), for train.params.objective, and for a
/// train.params.num_class that disagrees with the labels.
Params booster_params(const TrainSpec& spec, Task task, int num_class);

/// Starts an identity-link regression where its labels are, unless spec.params sets
/// base_score: the mean for reg:squarederror, the median for reg:absoluteerror and
/// reg:pseudohubererror. XGBoost 1.7 starts every model at 0.5, and a robust loss, whose
/// gradient is bounded, may then need thousands of rounds to reach labels far from it.
void add_base_score(Params& params, const TrainSpec& spec, std::span<const float> labels);
/// Whether add_base_score() reads the labels (else it adds nothing): a regression objective
/// whose start is their mean or median, without base_score set by the workflow.
bool base_score_from_labels(const TrainSpec& spec);

/// Sets `params` on `booster`, configures it and runs round 0 on `train`. When XGBoost fails,
/// scratch boosters find the culprit and it throws ConfigError "train.params.<name>: xgboost
/// rejected '<value>': <message>" when one workflow parameter alone fails, ModelError when
/// the objective fails without any ("xgboost cannot train '<objective>' on these labels: ..."),
/// else ConfigError "train.params: xgboost rejected the parameters: <message>".
/// `distributed`: one worker of a distributed job, where the scratch boosters cannot run (the
/// other workers wait in XGBoost's allreduce): any failure is a ModelError with its message.
void begin_training(Booster& booster, const Params& params, const TrainSpec& spec,
                    const DMatrix& train, bool distributed = false);

}  // namespace mlops
