#include "mlops/pipeline/shard_records.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "mlops/core/stage.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;

nlohmann::json to_json(const ShardRecord& shard) {
  return {{"run_id", shard.run_id},
          {"stage", shard.stage},
          {"shard", shard.shard_index},
          {"shard_count", shard.shard_count},
          {"host", shard.host},
          {"recorded_at", shard.recorded_at},
          {"entry", nlohmann::json::parse(shard.entry, nullptr, false)}};
}

/// The merged entry of one stage from its shards' entries (K -> entry).
nlohmann::json merge_stage(const std::map<int, const ShardRecord*>& shards) {
  nlohmann::json merged{{"status", "ok"},
                        {"finished_at", ""},
                        {"seconds", 0.0},
                        {"peak_rss_bytes", 0},
                        {"rows", 0},
                        {"columns", 0},
                        {"inputs", nlohmann::json::array()},
                        {"outputs", nlohmann::json::array()},
                        {"contracts", nlohmann::json::array()},
                        {"details", nlohmann::json::object()},
                        {"shards", nlohmann::json::object()}};
  std::set<std::string> inputs;
  int64_t rows = 0, input_rows = 0;
  int count = 0;
  for (const auto& [index, shard] : shards) {
    nlohmann::json entry = nlohmann::json::parse(shard->entry, nullptr, false);
    if (!entry.is_object()) continue;
    count = std::max(count, shard->shard_count);
    const std::string status = entry.value("status", "");
    if (merged["status"] == "ok" && status != "ok") merged["status"] = status;
    merged["finished_at"] =
        std::max(merged["finished_at"].get<std::string>(), entry.value("finished_at", ""));
    merged["seconds"] = std::max(merged["seconds"].get<double>(), entry.value("seconds", 0.0));
    merged["peak_rss_bytes"] = std::max(merged["peak_rss_bytes"].get<uint64_t>(),
                                        entry.value("peak_rss_bytes", uint64_t{0}));
    rows += entry.value("rows", int64_t{0});
    merged["columns"] = entry.value("columns", 0);
    for (const auto& input : entry.value("inputs", nlohmann::json::array())) {
      if (inputs.insert(input.dump()).second) merged["inputs"].push_back(input);
    }
    for (const auto& output : entry.value("outputs", nlohmann::json::array())) {
      merged["outputs"].push_back(output);
    }
    for (const auto& contract : entry.value("contracts", nlohmann::json::array())) {
      merged["contracts"].push_back(contract);
    }
    const nlohmann::json details = entry.value("details", nlohmann::json::object());
    if (details.contains("input_rows") && details["input_rows"].is_number()) {
      input_rows += details["input_rows"].get<int64_t>();
    }
    if (details.contains("model")) merged["details"]["model"] = details["model"];
    entry["host"] = shard->host;
    merged["shards"][fmt::format("{}/{}", index, shard->shard_count)] = std::move(entry);
  }
  merged["rows"] = rows;
  merged["details"]["input_rows"] = input_rows;
  merged["details"]["shard_count"] = count;
  merged["details"]["shards_recorded"] = shards.size();
  return merged;
}

}  // namespace

std::optional<std::pair<int, int>> stage_shard(const Workflow& workflow, Stage stage) {
  if (stage != Stage::kBatchPredict || workflow.predict.shard_count <= 1) return std::nullopt;
  return std::pair<int, int>(static_cast<int>(workflow.predict.shard_index),
                             static_cast<int>(workflow.predict.shard_count));
}

std::string shard_file(const std::string& run_root, const ShardRecord& shard) {
  return fmt::format("{}/shards/{}-{}-of-{}.json", run_root, shard.stage, shard.shard_index,
                     shard.shard_count);
}

void write_shard_file(const std::string& run_root, const ShardRecord& shard) {
  make_directories(run_root + "/shards");
  write_file_atomic(shard_file(run_root, shard), to_json(shard).dump(2) + "\n");
}

std::vector<ShardRecord> read_shard_files(const std::string& run_root) {
  std::vector<ShardRecord> found;
  std::error_code error;
  for (const auto& file : fs::directory_iterator(fs::path(run_root) / "shards", error)) {
    if (file.path().extension() != ".json") continue;  // a writer's temp file
    try {
      const nlohmann::json json = nlohmann::json::parse(read_file(file.path().string()));
      found.push_back({json.at("run_id").get<std::string>(), json.at("stage").get<std::string>(),
                       json.at("shard").get<int>(), json.at("shard_count").get<int>(),
                       json.value("host", ""), json.value("recorded_at", ""),
                       json.at("entry").dump()});
    } catch (const std::exception&) {
      // Not a shard record (renamed in whole by an atomic writer, so not a torn one).
    }
  }
  return found;
}

void merge_shard_records(nlohmann::json& manifest, const std::vector<ShardRecord>& records) {
  std::map<std::string, std::map<int, const ShardRecord*>> by_stage;
  for (const ShardRecord& record : records) {
    const ShardRecord*& slot = by_stage[record.stage][record.shard_index];
    if (!slot || slot->recorded_at < record.recorded_at) slot = &record;
  }
  for (const auto& [stage, shards] : by_stage) manifest["stages"][stage] = merge_stage(shards);
}

}  // namespace mlops
