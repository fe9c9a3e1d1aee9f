#include "mlops/core/run_manifest.h"

#include <string_view>

namespace mlops {

namespace {

using nlohmann::json;

std::optional<std::string> string_at(const json& object, std::string_view key) {
  const json& value = json_member(object, key);
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

std::optional<double> number_at(const json& object, std::string_view key) {
  const json& value = json_member(object, key);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

/// A count: a non-negative integer (signed or unsigned in the JSON).
std::optional<uint64_t> count_at(const json& object, std::string_view key) {
  const json& value = json_member(object, key);
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) return value.get<int64_t>();
  return std::nullopt;
}

std::optional<int64_t> integer_at(const json& object, std::string_view key) {
  const json& value = json_member(object, key);
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<int64_t>();
}

std::vector<ManifestFile> files_at(const json& object, std::string_view key) {
  std::vector<ManifestFile> files;
  const json& entries = json_member(object, key);
  if (!entries.is_array()) return files;
  for (const auto& entry : entries) {
    files.push_back({string_at(entry, "path"), string_at(entry, "hash")});
  }
  return files;
}

StageManifest read_stage(const json& entry) {
  StageManifest stage;
  stage.status = string_at(entry, "status");
  stage.reused_from = string_at(entry, "reused_from");
  stage.skip_reason = string_at(entry, "skip_reason");
  stage.finished_at = string_at(entry, "finished_at");
  stage.seconds = number_at(entry, "seconds");
  stage.peak_rss_bytes = count_at(entry, "peak_rss_bytes");
  stage.rows = count_at(entry, "rows");
  stage.columns = count_at(entry, "columns");
  stage.inputs = files_at(entry, "inputs");
  stage.outputs = files_at(entry, "outputs");
  if (const json& contracts = json_member(entry, "contracts"); contracts.is_array()) {
    stage.contracts = contracts;
  }
  stage.details = json_member(entry, "details");
  stage.error = string_at(entry, "error");
  return stage;
}

}  // namespace

bool stage_succeeded(std::string_view status) {
  return status == "ok" || status == "skipped";
}

const nlohmann::json& json_member(const nlohmann::json& value, std::string_view key) {
  static const nlohmann::json kNull;
  if (!value.is_object()) return kNull;
  const auto found = value.find(key);
  return found == value.end() ? kNull : *found;
}

const StageManifest* RunManifest::stage(Stage stage) const {
  const auto found = stages.find(stage);
  return found == stages.end() ? nullptr : &found->second;
}

RunManifest read_run_manifest(const json& manifest) {
  RunManifest run;
  run.run_id = string_at(manifest, "run_id");
  run.workflow = string_at(manifest, "workflow");
  run.workflow_file = string_at(manifest, "workflow_file");
  run.env = string_at(manifest, "env");
  run.mlops_version = string_at(manifest, "mlops_version");
  run.config_hash = string_at(manifest, "config_hash");
  run.started_at = string_at(manifest, "started_at");
  run.started_at_us = integer_at(manifest, "started_at_us");
  run.updated_at = string_at(manifest, "updated_at");
  run.status = string_at(manifest, "status");
  const json& stages = json_member(manifest, "stages");
  for (Stage stage : all_stages()) {
    const json& entry = json_member(stages, stage_name(stage));
    if (entry.is_object()) run.stages.emplace(stage, read_stage(entry));
  }
  return run;
}

}  // namespace mlops
