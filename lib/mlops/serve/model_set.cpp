#include "mlops/serve/model_set.h"

#include <fmt/format.h>

#include <algorithm>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/io/file.h"

namespace mlops {

std::shared_ptr<const ServedModel> load_served_model(ModelRegistry& registry,
                                                     const std::string& model,
                                                     const std::string& reference) {
  const ModelVersion version = resolve_model_version(registry, model, reference);
  const std::string label = fmt::format("v{}", version.version);
  auto served = std::make_shared<ServedModel>(ServedModel{
      .engine = ScoringEngine::load(version.artifact_dir, label),
      .baseline = std::nullopt,
      .version = version.version,
      .label = label,
      .loaded_at_us = now_micros(),
  });
  const std::vector<ColumnDecl>& inputs = served->engine.input_schema();
  served->records_joined_schema = std::any_of(inputs.begin(), inputs.end(), [](const auto& c) {
    return c.name.find("__") != std::string::npos;
  });
  const std::string baseline_path = version.artifact_dir + "/baseline.json";
  if (path_exists(baseline_path)) {
    try {
      served->baseline.emplace(BaselineModel::load(baseline_path));
    } catch (const Error& error) {
      log_warn("serve: the baseline cannot be read; fallback step 3 is off for this version",
               {{"model", model}, {"version", label}, {"reason", error.what()}});
    }
  }
  return served;
}

ModelSet::ModelSet(ModelRegistry& registry,
                   std::vector<std::pair<std::string, std::string>> models) {
  for (auto& [name, alias] : models) {
    auto slot = std::make_unique<Slot>();
    slot->model.store(load_served_model(registry, name, alias));
    slot->model_name = std::move(name);
    slot->alias = std::move(alias);
    slots_.push_back(std::move(slot));
  }
}

std::vector<ReloadEvent> ModelSet::refresh(ModelRegistry& registry) {
  std::vector<ReloadEvent> events;
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[i];
    const int current = slot.model.load()->version;
    ReloadEvent event{
        .slot = i, .from_version = current, .to_version = current, .ok = true, .error = {}};
    try {
      const ModelVersion wanted = resolve_model_version(registry, slot.model_name, slot.alias);
      if (wanted.version == current) continue;
      event.to_version = wanted.version;
      slot.model.store(load_served_model(registry, slot.model_name, slot.alias));
      event.to_version = slot.model.load()->version;
    } catch (const Error& error) {
      event.ok = false;
      event.error = error.what();
    } catch (const std::exception& error) {
      event.ok = false;
      event.error = error.what();
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace mlops
