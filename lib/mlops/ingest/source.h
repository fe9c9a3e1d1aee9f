#pragma once
// What every source gets while it runs, and what it reports. A source reads only what is new
// since its committed position, hands the lake batches through commit(), and returns when
// there is nothing more for this run. It throws NetworkError or DataError for what stops it;
// everything committed before stays.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/ingest/lake.h"
#include "mlops/ingest/source_options.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// Counts of one source in one run.
struct SourceReport {
  std::string name;
  std::string type;
  uint64_t records = 0;      // records received (rows read, records in responses, messages)
  uint64_t rows = 0;         // rows added to clean tables
  uint64_t quarantined = 0;  // records sent to quarantine
  uint64_t duplicates = 0;   // records skipped by key
  uint64_t bytes = 0;        // bytes received (decompressed for files)
  uint64_t requests = 0;     // HTTP requests, files or queries
  uint64_t commits = 0;
  double seconds = 0;
  std::vector<std::string> inputs;  // files, URLs, topics read
};

class SourceContext {
 public:
  SourceContext(const Workflow& workflow, const SourceSpec& spec, Lake& lake)
      : workflow(workflow), spec(spec), options(spec), lake(lake) {}

  /// Commits the batch with the source's key and adds its counts to the report.
  void commit(Batch batch);
  /// Reading options for typing records: the ingest schema and null values.
  ReadOptions read_options(std::string source_name) const;
  /// Sleeps `seconds` (backoff, poll interval) through `sleep`, so tests can skip the wait.
  void pause(double seconds) const;

  const Workflow& workflow;
  const SourceSpec& spec;
  SourceOptions options;
  Lake& lake;
  std::function<void(double)> sleep;  // empty: really sleep
  /// Set by a rebuild: the records come from the raw layer, so nothing is stored there again.
  bool replay = false;
  /// Called after each lake commit with the rows it added (follow mode's online push); it
  /// runs before the source acknowledges the batch upstream (kafka offsets), so a throw
  /// leaves the batch unacknowledged. Empty: nothing is called and no rows are kept.
  std::function<void(const CommitStats&)> after_commit;
  SourceReport report;
};

}  // namespace mlops
