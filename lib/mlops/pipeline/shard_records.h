#pragma once
// The records of a sharded stage (`mlops batch-predict --shard K/N`, perhaps on several
// machines at once, all in one run): each shard writes its own file under the run's `shards/`
// folder and its own row in the tracking store, and the run manifest's entry for the stage is
// merged from them whenever the manifest is read or written, so no shard's record is lost to
// another's rewrite of manifest.json.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/pipeline/stage.h"
#include "mlops/store/tracking_store.h"

namespace mlops {

/// (K, N) when this process runs `stage` as shard K of N > 1; nullopt otherwise.
std::optional<std::pair<int, int>> stage_shard(const Workflow& workflow, Stage stage);

/// `<run>/shards/<stage>-<K>-of-<N>.json`: one shard's record.
std::string shard_file(const std::string& run_root, const ShardRecord& shard);

/// Writes the shard's file atomically. Throws IoError.
void write_shard_file(const std::string& run_root, const ShardRecord& shard);

/// The shard records in the run's `shards/` folder (a file that cannot be read is skipped).
std::vector<ShardRecord> read_shard_files(const std::string& run_root);

/// Replaces the manifest's entry of every stage that has shard records with the merge of
/// them: status ok only when every recorded shard's is (else the first other status), rows
/// and input_rows summed, inputs, outputs and contracts of every shard, the longest time and
/// peak memory, `shards` (K/N -> the shard's entry with its host), `shard_count` and
/// `shards_recorded`. Records of one (stage, shard) from several sources count once (the
/// latest recorded_at).
void merge_shard_records(nlohmann::json& manifest, const std::vector<ShardRecord>& records);

}  // namespace mlops
