#pragma once
// Shared by the ingest tests: a workflow built from YAML text with its lake in a temp dir, and
// readers of what the lake holds.

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"
#include "mlops/ingest/ingest_run.h"
#include "mlops/ingest/lake.h"
#include "support/temp_dir.h"

namespace mlops::testing {

/// A workflow from `yaml` (name, ingest: ...) whose runs and lake live in `dir`.
inline Workflow make_workflow(const TempDir& dir, const std::string& yaml) {
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write("workflow.yaml", yaml);
  options.overrides = {"runs_dir=" + dir.file("runs")};
  options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return build_workflow(load_config(options), "local");
}

/// Runs ingest once with a fresh Lake (like one `mlops ingest` process).
inline IngestOutcome ingest_once(const Workflow& workflow, IngestOptions options = {}) {
  if (!options.sleep) options.sleep = [](double) {};
  Lake lake(lake_root(workflow));
  return run_ingest(workflow, lake, options);
}

inline Table load_table(const Workflow& workflow, const std::string& table) {
  Lake lake(lake_root(workflow));
  return lake.load(table);
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Every line of a JSON Lines file, parsed.
inline std::vector<nlohmann::json> read_lines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

/// Every raw index line of a source, across its date partitions.
inline std::vector<nlohmann::json> raw_index(const Workflow& workflow, const std::string& source) {
  std::vector<nlohmann::json> lines;
  const auto dir = std::filesystem::path(lake_root(workflow)) / "raw" / source;
  if (!std::filesystem::exists(dir)) return lines;
  for (const auto& partition : std::filesystem::directory_iterator(dir)) {
    for (auto& line : read_lines(partition.path() / "index.jsonl")) lines.push_back(line);
  }
  return lines;
}

inline std::vector<nlohmann::json> lake_quarantine_at(const std::string& lake,
                                                      const std::string& source) {
  return read_lines(std::filesystem::path(lake) / "quarantine" / (source + ".jsonl"));
}

inline std::vector<nlohmann::json> lake_quarantine(const Workflow& workflow,
                                                   const std::string& source) {
  return lake_quarantine_at(lake_root(workflow), source);
}

/// Values of an int64 column, in row order (-1 for null).
inline std::vector<int64_t> ints(const Table& table, const std::string& column) {
  std::vector<int64_t> out;
  const Column& values = table.column(column);
  for (size_t row = 0; row < values.size(); ++row) {
    out.push_back(values.is_null(row) ? -1 : values.int_at(row));
  }
  return out;
}

/// 1, 2, ..., n.
inline std::vector<int64_t> one_to(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

}  // namespace mlops::testing
