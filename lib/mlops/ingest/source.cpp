#include "mlops/ingest/source.h"

#include <chrono>
#include <thread>

namespace mlops {

void SourceContext::commit(Batch batch) {
  batch.keep_rows = static_cast<bool>(after_commit);
  const CommitStats stats = lake.commit(spec.name, options.text("key"), std::move(batch));
  report.rows += stats.rows;
  report.quarantined += stats.quarantined;
  report.duplicates += stats.duplicates;
  ++report.commits;
  if (after_commit) after_commit(stats);
}

ReadOptions SourceContext::read_options(std::string source_name) const {
  ReadOptions read;
  read.source_name = std::move(source_name);
  read.declared = workflow.ingest.schema;
  read.null_values = workflow.ingest.null_values;
  return read;
}

void SourceContext::pause(double seconds) const {
  if (seconds <= 0) return;
  if (sleep) {
    sleep(seconds);
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
}

}  // namespace mlops
