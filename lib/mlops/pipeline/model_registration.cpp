#include "mlops/pipeline/model_registration.h"

#include <fmt/format.h>

#include "mlops/core/log.h"
#include "mlops/model/task.h"
#include "mlops/pipeline/run_context.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/promotion.h"

namespace mlops {

namespace {

constexpr const char* kChampion = "champion";
constexpr const char* kChallenger = "challenger";

}  // namespace

nlohmann::json register_trained_model(const RunContext& run,
                                      const std::map<std::string, double>& holdout_metrics,
                                      const nlohmann::json& lineage) {
  const Workflow& workflow = run.workflow();
  const std::string& model = workflow.registry.model;
  std::unique_ptr<ModelRegistry> registry = open_registry(workflow.settings);

  const GateSpec gate{workflow.registry.gate_metric, workflow.registry.gate_min_delta};
  const Task task = task_for_objective(workflow.train.objective);
  auto current_champion = [&]() -> std::optional<ModelVersion> {
    const auto aliases = registry->aliases(model);
    auto it = aliases.find(kChampion);
    if (it == aliases.end()) return std::nullopt;
    return registry->find_version(model, it->second);
  };
  auto decide = [&](const std::optional<ModelVersion>& champion) {
    return decide_promotion(gate, task, holdout_metrics,
                            champion ? std::optional(champion->metrics) : std::nullopt);
  };
  // Decided once before registering, so a misnamed gate metric registers nothing.
  decide(current_champion());
  const ModelVersion version = registry->register_version(
      model, run.run_id(), run.paths().train_dir(), holdout_metrics, lineage);

  // Compare-and-set on the champion: when another training promoted meanwhile, decide again
  // against the new champion, so the better of two concurrent versions wins.
  std::optional<ModelVersion> champion;
  GateDecision decision;
  for (;;) {
    champion = current_champion();
    decision = decide(champion);
    if (!decision.promote) {
      registry->set_alias(model, kChallenger, version.version, "gate", decision.reason);
      break;
    }
    if (registry->set_alias_if(model, kChampion, version.version, champion ? champion->version : 0,
                               "gate", decision.reason)) {
      break;
    }
  }
  if (decision.promote) {
    log_info(fmt::format("registry: {} v{} promoted to champion", model, version.version),
             {{"reason", decision.reason}});
  } else {
    log_warn(
        fmt::format("registry: {} v{} is the challenger, not promoted", model, version.version),
        {{"reason", decision.reason}});
  }

  nlohmann::json held = nlohmann::json::array();
  for (const auto& [name, number] : registry->aliases(model)) {
    if (number == version.version) held.push_back(name);
  }
  nlohmann::json previous = nullptr;
  if (champion) {
    previous = {{"version", champion->version}, {"metrics", metrics_json(champion->metrics)}};
  }
  return {{"model", model},
          {"version", version.version},
          {"artifact_dir", version.artifact_dir},
          {"aliases", held},
          {"previous_champion", previous},
          {"gate",
           {{"passed", decision.promote},
            {"metric", decision.metric},
            {"candidate", decision.candidate},
            {"champion", decision.champion ? nlohmann::json(*decision.champion) : nullptr},
            {"min_delta", gate.min_delta},
            {"reason", decision.reason}}}};
}

}  // namespace mlops
