#include "mlops/ingest/rebuild.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/log.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/source.h"
#include "mlops/io/file.h"

namespace mlops {

namespace fs = std::filesystem;

namespace {

// Every index line of a source's raw layer, oldest partition first, with its partition folder.
std::vector<std::pair<fs::path, nlohmann::json>> raw_entries(const fs::path& source_dir) {
  std::vector<std::pair<fs::path, nlohmann::json>> entries;
  std::error_code error;
  if (!fs::is_directory(source_dir, error)) return entries;
  std::vector<fs::path> partitions;
  for (const auto& entry : fs::directory_iterator(source_dir, error)) {
    if (entry.is_directory()) partitions.push_back(entry.path());
  }
  std::sort(partitions.begin(), partitions.end());
  for (const auto& partition : partitions) {
    const fs::path index = partition / "index.jsonl";
    if (!path_exists(index.string())) continue;
    std::istringstream lines(read_file(index.string()));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      try {
        entries.emplace_back(partition, nlohmann::json::parse(line));
      } catch (const nlohmann::json::exception& e) {
        throw IoError("{}: not a raw index: {}", index.string(), e.what());
      }
    }
  }
  return entries;
}

void replay_file_source(SourceContext& context, const fs::path& raw_dir) {
  nlohmann::json position{{"files", nlohmann::json::object()}};
  for (const auto& [partition, meta] : raw_entries(raw_dir)) {
    if (meta.value("kind", "") != "file") continue;
    const std::string path = meta.value("path", "");
    std::string checksum = meta.value("checksum", "");
    if (checksum.starts_with("xxh128:")) checksum = checksum.substr(7);
    const auto& files = position["files"];
    if (files.contains(path) && files[path].value("checksum", "") == checksum) continue;
    const fs::path copy = partition / "files" / fs::path(meta.value("stored", "")).filename();
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
  for (const auto& spec : workflow.ingest.sources) {
    if (spec.type != "file") {
      throw ConfigError(
          "mlops ingest --rebuild: source '{}' is a {} source, and only file sources can be "
          "replayed from the raw layer yet (nothing was changed)",
          spec.name, spec.type);
    }
  }
  log_info("ingest: rebuilding the clean tables from the raw layer", {{"lake", lake.root()}});
  Checkpoint built;
  std::vector<BadRecord> quarantined;
  {
    Lake aside(lake.root() + "/rebuild", fault);
    aside.set_schema_hash(declared_schema_hash(workflow.ingest));
    for (const auto& spec : workflow.ingest.sources) {
      SourceContext context(workflow, spec, aside);
      replay_file_source(context, fs::path(lake.root()) / "raw" / lake_component(spec.name));
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
