#pragma once
// The models being served, one per workflow, and their hot reload: each workflow's slot holds a
// shared_ptr to an immutable ServedModel. A request takes its own reference (so a swap never
// pulls a model from under it); refresh() looks the alias up in the registry and, when it
// points at another version, loads that version completely (off the request path) before it
// swaps the pointer. A version that cannot be loaded leaves the served one in place.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlops/model/baseline/baseline.h"
#include "mlops/predict/scoring_engine.h"
#include "mlops/store/registry.h"

namespace mlops {

/// One loaded registry version: the scoring engine and the baseline trained beside it.
struct ServedModel {
  ScoringEngine engine;
  std::optional<BaselineModel> baseline;  // baseline.json, when present and readable
  int version = 0;
  std::string label;  // "v3": what responses and the prediction log call it
  int64_t loaded_at_us = 0;
  /// The input schema names VIEW__FEATURE columns: the model was trained from a point-in-time
  /// join after train began recording the joined rows' schema (decided once, at load).
  bool records_joined_schema = false;
};

/// Loads the version `reference` (an alias or a version) of `model`. Throws ConfigError for an
/// unknown model, alias or version, and what ScoringEngine::load throws.
std::shared_ptr<const ServedModel> load_served_model(ModelRegistry& registry,
                                                     const std::string& model,
                                                     const std::string& reference);

/// What one refresh() did to one workflow's slot.
struct ReloadEvent {
  size_t slot = 0;
  int from_version = 0;
  int to_version = 0;
  bool ok = true;
  std::string error;  // when !ok: why the new version was not loaded
};

class ModelSet {
 public:
  /// One slot per (registered model, alias), loaded now. Throws as load_served_model.
  ModelSet(ModelRegistry& registry, std::vector<std::pair<std::string, std::string>> models);

  size_t size() const { return slots_.size(); }
  /// The model served in slot `i` now. Thread-safe.
  std::shared_ptr<const ServedModel> get(size_t i) const { return slots_[i]->model.load(); }
  const std::string& model_name(size_t i) const { return slots_[i]->model_name; }
  const std::string& alias(size_t i) const { return slots_[i]->alias; }

  /// Resolves every slot's alias again and swaps in the versions that changed. Call from one
  /// thread at a time (the reloader). Never throws for a version that cannot be loaded: the
  /// event says why and the slot keeps its model.
  std::vector<ReloadEvent> refresh(ModelRegistry& registry);

 private:
  struct Slot {
    std::string model_name;
    std::string alias;
    std::atomic<std::shared_ptr<const ServedModel>> model;
  };
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace mlops
