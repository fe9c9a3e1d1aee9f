#pragma once
// `mlops ingest --rebuild`: the clean tables, quarantine and key logs rebuilt from the raw
// layer through the workflow's current schema, built aside and swapped in at one checkpoint
// commit (Lake::swap_in_rebuild). The raw layer stays as received.

#include <string>

#include "mlops/config/workflow.h"
#include "mlops/ingest/lake.h"

namespace mlops {

/// Hash of what types the clean rows: the declared columns (name, type, allowed values) and
/// the null values. The lake records it, so a change is noticed.
std::string declared_schema_hash(const IngestSpec& spec);

/// Replays every source's raw layer into a lake under `<root>/rebuild` and swaps it in,
/// contacting no server, broker or database. File sources replay each file version received,
/// in order, as ingest read it (appends, changed files); http sources serve the recorded
/// responses to the same page walk or poll, run after run; sqlite sources commit each recorded
/// result batch; kafka sources the recorded messages in batches of batch_size. Throws
/// ConfigError naming the source when its raw layer lacks what the lake committed (a lake
/// written before raw was kept) or cannot be replayed with the current settings, DataError or
/// IoError for a version or body that cannot be read; nothing is swapped then.
void rebuild_lake(const Workflow& workflow, Lake& lake, const FaultHook& fault = {});

}  // namespace mlops
