#include "mlops/ingest/rebuild.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/log.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/http_replay.h"
#include "mlops/ingest/kafka_source.h"
#include "mlops/ingest/source.h"
#include "mlops/ingest/sqlite_source.h"
#include "mlops/io/file.h"

namespace mlops {

namespace fs = std::filesystem;

namespace {

void replay_file_source(SourceContext& context, const std::vector<RawEntry>& entries) {
  nlohmann::json position{{"files", nlohmann::json::object()}};
  for (const auto& [partition, meta] : entries) {
    if (meta.value("kind", "") != "file") continue;
    const std::string path = meta.value("path", "");
    std::string checksum = meta.value("checksum", "");
    if (checksum.starts_with("xxh128:")) checksum = checksum.substr(7);
    const auto& files = position["files"];
    if (files.contains(path) && files[path].value("checksum", "") == checksum) continue;
    const fs::path copy =
        fs::path(partition) / "files" / fs::path(meta.value("stored", "")).filename();
    if (!path_exists(copy.string())) {
      throw IoError("{}: the raw copy of '{}' is missing; the raw layer cannot be replayed",
                    copy.string(), path);
    }
    const std::string bytes = read_file(copy.string());
    ingest_file_version(context, path, bytes, checksum, position,
                        {{"size", bytes.size()},
                         {"checksum", checksum},
                         {"ingested_at", meta.value("received_at", "")}},
                        false);
  }
}

// Refuses a source whose raw layer lacks records the lake committed: a lake written before
// raw was kept. A partial rebuild would silently drop them.
void check_complete(const Lake& lake, const SourceSpec& spec, const std::vector<RawEntry>& entries,
                    const std::string& raw_dir) {
  const auto it = lake.checkpoint().sources.find(spec.name);
  if (it == lake.checkpoint().sources.end()) return;  // never committed: nothing to lose
  const SourceCheckpoint& state = it->second;
  const bool committed =
      !state.position.empty() || !state.tables.empty() || state.quarantine_bytes > 0;
  const auto refuse = [&](const std::string& what) {
    throw ConfigError(
        "mlops ingest --rebuild: source '{}' ({}): {}: the lake was written before its raw layer "
        "kept what a replay needs, so its clean tables cannot be rebuilt from raw (nothing was "
        "changed); move {} aside and run `mlops ingest` to ingest the source again",
        spec.name, spec.type, what, lake.root());
  };
  if (committed && entries.empty()) refuse(fmt::format("{} holds no raw records", raw_dir));
  if (spec.type != "kafka") return;
  for (const auto& entry : entries) {
    if (!entry.meta.contains("kafka_offset")) {
      refuse("its raw index lines lack the messages' offsets");
    }
  }
  // Every partition's last committed message must be in raw.
  const nlohmann::json offsets = state.position.value("offsets", nlohmann::json::object());
  for (const auto& topic : offsets.items()) {
    for (const auto& partition : topic.value().items()) {
      const int64_t last = partition.value().get<int64_t>() - 1;
      const bool found = std::any_of(entries.begin(), entries.end(), [&](const RawEntry& entry) {
        return entry.meta.value("topic", "") == topic.key() &&
               std::to_string(entry.meta.value("partition", 0)) == partition.key() &&
               entry.meta.value("kafka_offset", int64_t{-1}) == last;
      });
      if (!found) {
        refuse(fmt::format("the raw layer lacks message {}[{}]@{}, which the lake committed",
                           topic.key(), partition.key(), last));
      }
    }
  }
}

void replay_source(SourceContext& context, const std::vector<RawEntry>& entries) {
  const std::string& type = context.spec.type;
  if (type == "file") return replay_file_source(context, entries);
  if (type == "http") return replay_http_source(context, entries);
  if (type == "sqlite") return replay_sqlite_source(context, entries);
  if (type == "kafka") return replay_kafka_source(context, entries);
  throw ConfigError("ingest.source.type: unknown source type '{}'", type);
}

}  // namespace

std::string declared_schema_hash(const IngestSpec& spec) {
  nlohmann::json doc{{"columns", nlohmann::json::array()}, {"null_values", spec.null_values}};
  for (const auto& column : spec.schema) {
    nlohmann::json entry{column.name, std::string(dtype_name(column.type)), column.allowed};
    // Only when set, so lakes built before these options keep their hash.
    if (column.format) entry.push_back(column.format->pattern());
    doc["columns"].push_back(std::move(entry));
  }
  for (const auto& source : spec.sources) {
    if (source.delimiter != 0 || source.quote != '"') {
      doc["csv"][source.name] = {std::string(1, source.delimiter), std::string(1, source.quote)};
    }
  }
  return hash_bytes(doc.dump());
}

void rebuild_lake(const Workflow& workflow, Lake& lake, const FaultHook& fault) {
  // Every source's raw layer is read and checked before anything is built.
  std::vector<std::vector<RawEntry>> raw;
  for (const auto& spec : workflow.ingest.sources) {
    const std::string dir = (fs::path(lake.root()) / "raw" / lake_component(spec.name)).string();
    raw.push_back(read_raw_index(dir));
    check_complete(lake, spec, raw.back(), dir);
  }
  log_info("ingest: rebuilding the clean tables from the raw layer", {{"lake", lake.root()}});
  Checkpoint built;
  std::vector<BadRecord> quarantined;
  {
    Lake aside(lake.root() + "/rebuild", fault);
    aside.set_schema_hash(declared_schema_hash(workflow.ingest));
    for (size_t i = 0; i < workflow.ingest.sources.size(); ++i) {
      SourceContext context(workflow, workflow.ingest.sources[i], aside);
      context.replay = true;
      replay_source(context, raw[i]);
    }
    for (const auto& table : aside.tables()) aside.compact(table);
    built = aside.checkpoint();
    quarantined = aside.quarantined();
  }
  uint64_t rows = 0;
  for (const auto& [name, table] : built.tables) rows += table.rows;
  lake.swap_in_rebuild(built, std::move(quarantined));
  log_info("ingest: rebuilt", {{"tables", static_cast<uint64_t>(built.tables.size())},
                               {"rows", rows},
                               {"quarantined", static_cast<uint64_t>(lake.quarantined().size())}});
}

}  // namespace mlops
