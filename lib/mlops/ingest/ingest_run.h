#pragma once
// One ingest run of a workflow: every source in order into the workflow's lake, then the main
// clean table the run's featurize reads.

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/ingest/lake.h"
#include "mlops/ingest/source.h"

namespace mlops {

/// Seams for tests: a crash at a commit step, and waits that do not really wait.
struct IngestOptions {
  FaultHook fault;
  std::function<void(double)> sleep;
  /// Given to every source's context (source.h): follow mode's online push.
  std::function<void(const CommitStats&)> after_commit;
};

struct IngestOutcome {
  std::string main_table;
  std::vector<SourceReport> sources;
  std::vector<std::string> inputs;  // files, URLs, databases and topics read
  /// The first source failure (NetworkError once the retry budget is spent, DataError for a
  /// page that cannot be followed). Sources before and after it ran; what it committed stays.
  std::exception_ptr error;
};

/// <lake_dir>/<workflow name>: where the workflow's lake lives.
std::string lake_root(const Workflow& workflow);
/// The table the run's clean.csv is made of: ingest.table, else the first source's table (a
/// kafka source's first listed topic, or the first topic it has written).
std::string main_table(const Workflow& workflow, const Lake& lake);
/// Checks every source's options before anything is read; throws ConfigError, also for
/// ingest.follow with anything but one kafka source.
void check_sources(const Workflow& workflow);
/// Runs every source of the workflow into `lake`, logging each source's counts and throughput,
/// and compacts the tables written. With ingest.rebuild, first rebuilds the clean layer from
/// raw (rebuild.h), then runs only the file sources (http, sqlite and kafka sources are not
/// contacted). Source failures are returned in `error`, not thrown, and so is a run whose
/// records were all quarantined with the main table empty (DataError "all N rows were
/// quarantined; first reasons: ..."). Throws ConfigError when the declared schema changed
/// since the clean tables were typed (naming --rebuild), and ConfigError and IoError of the
/// lake itself.
IngestOutcome run_ingest(const Workflow& workflow, Lake& lake, const IngestOptions& options = {});

}  // namespace mlops
