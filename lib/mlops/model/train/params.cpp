#include "mlops/model/train/params.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "mlops/config/train_params.h"
#include "mlops/core/error.h"
#include "mlops/model/xgb/xgb_api.h"
#include "mlops/model/xgb/xgb_error.h"

namespace mlops {

namespace {

struct Default {
  std::array<std::string_view, 2> names;  // XGBoost's name and its alias
  std::string value;
};

bool has_any(const Params& params, const std::array<std::string_view, 2>& names) {
  return std::any_of(params.begin(), params.end(), [&](const auto& param) {
    return param.first == names[0] || param.first == names[1];
  });
}

// Sets the params, configures (XGBoosterSaveJsonConfig runs Learner::Configure) and trains
// round 0, stopping at the first failure, whose message it returns.
std::optional<std::string> attempt(Booster& booster, const Params& params, const DMatrix& train) {
  const XgbApi& api = xgb();
  for (const auto& [name, value] : params) {
    if (api.XGBoosterSetParam(booster.handle(), name.c_str(), value.c_str()) != 0) {
      return xgb_last_error();
    }
  }
  bst_ulong length = 0;
  const char* config = nullptr;
  if (api.XGBoosterSaveJsonConfig(booster.handle(), &length, &config) != 0) return xgb_last_error();
  if (api.XGBoosterUpdateOneIter(booster.handle(), 0, train.handle()) != 0) return xgb_last_error();
  return std::nullopt;
}

std::optional<std::string> attempt_fresh(const Params& params, const DMatrix& train) {
  Booster scratch({&train});
  return attempt(scratch, params, train);
}

}  // namespace

Params booster_params(const TrainSpec& spec, Task task, int num_class) {
  const std::string& objective = spec.objective;
  if (std::string problem = objective_problem(objective); !problem.empty()) {
    throw ConfigError("train.objective: {}", problem);
  }
  Params params{{"objective", objective}};
  if (task == Task::kMulticlass) params.emplace_back("num_class", std::to_string(num_class));
  // What mlops sets unless the workflow does: tree_method (hist is XGBoost's default from 2.0
  // and lets training use a quantized DMatrix fed in batches), nthread and verbosity with the
  // key table's defaults, and the split's seed.
  const std::array<Default, 4> defaults{
      {{{"tree_method", "tree_method"}, train_param_default("tree_method")},
       {{"nthread", "n_jobs"}, train_param_default("nthread")},
       {{"seed", "random_state"}, std::to_string(spec.split.seed)},
       {{"verbosity", "verbosity"}, train_param_default("verbosity")}}};
  for (const auto& fallback : defaults) {
    if (!has_any(spec.params, fallback.names)) {
      params.emplace_back(std::string(fallback.names[0]), fallback.value);
    }
  }
  for (const auto& [name, value] : spec.params) {
    if (name == "objective") {
      throw ConfigError("train.params.objective: set train.objective instead");
    }
    if (name == "num_class") {
      if (task == Task::kMulticlass && value == std::to_string(num_class)) continue;
      throw ConfigError("train.params.num_class: '{}' but the label has {} classes; remove it",
                        value, num_class);
    }
    params.emplace_back(name, value);
  }
  return params;
}

bool base_score_from_labels(const TrainSpec& spec) {
  const std::string& objective = spec.objective;
  const bool set_by_workflow = std::any_of(spec.params.begin(), spec.params.end(),
                                           [](const auto& p) { return p.first == "base_score"; });
  return !set_by_workflow && (objective == "reg:squarederror" || objective == "reg:absoluteerror" ||
                              objective == "reg:pseudohubererror");
}

void add_base_score(Params& params, const TrainSpec& spec, std::span<const float> labels) {
  const bool mean = spec.objective == "reg:squarederror";
  if (!base_score_from_labels(spec) || labels.empty()) return;
  std::vector<double> values(labels.begin(), labels.end());
  double start = 0;
  if (mean) {
    for (double value : values) start += value;
    start /= static_cast<double>(values.size());
  } else {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    start = *middle;
  }
  params.emplace_back("base_score", fmt::format("{:.9g}", start));
}

void begin_training(Booster& booster, const Params& params, const TrainSpec& spec,
                    const DMatrix& train, bool distributed) {
  std::optional<std::string> failure = attempt(booster, params, train);
  if (!failure) return;
  // The scratch boosters below would train alone while the other workers wait in XGBoost's
  // allreduce: in a distributed job the first failure is the answer.
  if (distributed) throw ModelError("xgboost cannot train: {}", *failure);
  // The parameters mlops sets itself, then each workflow parameter alone on top of them.
  Params base;
  for (const auto& param : params) {
    bool from_workflow = std::any_of(spec.params.begin(), spec.params.end(),
                                     [&](const auto& own) { return own.first == param.first; });
    if (!from_workflow) base.push_back(param);
  }
  if (auto message = attempt_fresh(base, train)) {
    throw ModelError("xgboost cannot train '{}' on these labels: {}", spec.objective, *message);
  }
  for (const auto& [name, value] : spec.params) {
    if (name == "num_class") continue;  // already in base
    Params single = base;
    single.emplace_back(name, value);
    if (auto message = attempt_fresh(single, train)) {
      throw ConfigError("train.params.{}: xgboost rejected '{}': {}", name, value, *message);
    }
  }
  throw ConfigError("train.params: xgboost rejected the parameters: {}", *failure);
}

}  // namespace mlops
