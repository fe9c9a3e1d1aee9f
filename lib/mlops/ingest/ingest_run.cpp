#include "mlops/ingest/ingest_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/http_source.h"
#include "mlops/ingest/kafka_source.h"
#include "mlops/ingest/rebuild.h"
#include "mlops/ingest/sqlite_source.h"

namespace mlops {

namespace {

void run_source(SourceContext& context) {
  const std::string& type = context.spec.type;
  if (type == "file") return run_file_source(context);
  if (type == "http") return run_http_source(context);
  if (type == "sqlite") return run_sqlite_source(context);
  if (type == "kafka") return run_kafka_source(context);
  throw ConfigError("ingest.source.type: unknown source type '{}'", type);
}

void log_report(const SourceReport& report) {
  const double seconds = report.seconds;
  const double megabytes = static_cast<double>(report.bytes) / 1e6;
  log_info("ingest: source finished",
           {{"source", report.name},
            {"type", report.type},
            {"records", report.records},
            {"rows", report.rows},
            {"quarantined", report.quarantined},
            {"duplicates", report.duplicates},
            {"requests", report.requests},
            {"mb", megabytes},
            {"seconds", seconds},
            {"rows_per_s", seconds > 0 ? static_cast<double>(report.records) / seconds : 0.0},
            {"mb_per_s", seconds > 0 ? megabytes / seconds : 0.0}});
}

// "all N rows were quarantined; first reasons: ..." when the run's records all went to
// quarantine and the main table is empty: one message instead of a failed contract per column.
std::exception_ptr all_quarantined(const Lake& lake, const std::string& table) {
  const std::vector<BadRecord>& bad = lake.quarantined();
  if (bad.empty() || lake.rows(table) > 0) return nullptr;
  std::vector<std::string> reasons;
  for (const auto& record : bad) {
    std::string where = record.source;
    if (record.line > 0) where += fmt::format(" line {}", record.line);
    const std::string reason = fmt::format("{} ({})", record.reason, where);
    if (std::none_of(reasons.begin(), reasons.end(), [&](const std::string& seen) {
          return seen.starts_with(record.reason + " (");
        })) {
      reasons.push_back(reason);
    }
    if (reasons.size() == 3) break;
  }
  return std::make_exception_ptr(DataError("all {} rows were quarantined; first reasons: {}",
                                           bad.size(),
                                           fmt::format("{}", fmt::join(reasons, "; "))));
}

}  // namespace

std::string lake_root(const Workflow& workflow) {
  return (std::filesystem::path(workflow.settings.lake_dir) / lake_component(workflow.name))
      .string();
}

std::string main_table(const Workflow& workflow, const Lake& lake) {
  if (!workflow.ingest.table.empty()) return workflow.ingest.table;
  const SourceSpec& first = workflow.ingest.sources.front();
  if (first.type != "kafka") return first.table;
  const auto topics = SourceOptions(first).list("topics");
  if (!topics.empty()) return topics.front();
  const auto written = lake.tables_of(first.name);
  return written.empty() ? first.table : written.front();
}

void check_sources(const Workflow& workflow) {
  if (workflow.ingest.follow &&
      (workflow.ingest.sources.size() != 1 || workflow.ingest.sources.front().type != "kafka")) {
    throw ConfigError(
        "ingest --follow (ingest.follow.enabled) needs exactly one source, of type kafka; "
        "workflow '{}' has {} source(s), the first of type '{}'",
        workflow.name, workflow.ingest.sources.size(), workflow.ingest.sources.front().type);
  }
  for (const auto& spec : workflow.ingest.sources) {
    SourceOptions options(spec);
    if (spec.type == "http") parse_http_config(options);
    if (spec.type == "kafka") parse_kafka_config(options, workflow.name);
    // A glob's files each have their own extension; a plain path is checked now.
    if (spec.type == "file" && spec.path.find_first_of("*?[") == std::string::npos) {
      resolve_format(spec);
    }
  }
}

IngestOutcome run_ingest(const Workflow& workflow, Lake& lake, const IngestOptions& options) {
  check_sources(workflow);
  const std::string schema_hash = declared_schema_hash(workflow.ingest);
  const std::string& built_with = lake.built_schema_hash();
  if (!workflow.ingest.rebuild && !built_with.empty() && built_with != schema_hash &&
      !lake.tables().empty()) {
    throw ConfigError(
        "{}: ingest.schema (or ingest.null_values) changed since the lake's clean tables were "
        "typed, so new rows would not match the earlier ones; run `mlops ingest --rebuild` to "
        "replay the raw layer through the new schema",
        lake.root());
  }
  lake.set_schema_hash(schema_hash);
  if (workflow.ingest.rebuild) rebuild_lake(workflow, lake, options.fault);
  IngestOutcome outcome;
  for (const auto& spec : workflow.ingest.sources) {
    // A rebuild contacts no server, broker or database; a file source still reads the files
    // added or changed since (local files, as a plain ingest would next).
    if (workflow.ingest.rebuild && spec.type != "file") {
      log_info("ingest: rebuilt from raw only; run `mlops ingest` to fetch new records",
               {{"source", spec.name}, {"type", spec.type}});
      continue;
    }
    SourceContext context(workflow, spec, lake);
    context.sleep = options.sleep;
    context.after_commit = options.after_commit;
    context.report.name = spec.name;
    context.report.type = spec.type;
    const auto start = std::chrono::steady_clock::now();
    try {
      run_source(context);
    } catch (const NetworkError& error) {
      log_error("ingest: source stopped", {{"source", spec.name}, {"error", error.what()}});
      if (!outcome.error) outcome.error = std::current_exception();
    } catch (const DataError& error) {
      log_error("ingest: source stopped", {{"source", spec.name}, {"error", error.what()}});
      if (!outcome.error) outcome.error = std::current_exception();
    }
    context.report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log_report(context.report);
    outcome.inputs.insert(outcome.inputs.end(), context.report.inputs.begin(),
                          context.report.inputs.end());
    outcome.sources.push_back(std::move(context.report));
  }
  for (const auto& table : lake.tables()) lake.compact(table);
  outcome.main_table = main_table(workflow, lake);
  if (!outcome.error) outcome.error = all_quarantined(lake, outcome.main_table);
  return outcome;
}

}  // namespace mlops
