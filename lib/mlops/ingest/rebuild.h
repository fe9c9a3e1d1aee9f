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

/// Replays every source's raw layer into a lake under `<root>/rebuild` and swaps it in. File
/// sources replay each file version received, in order, as ingest read it (appends, changed
/// files). Throws ConfigError for a source whose raw layer cannot be replayed (http, sqlite,
/// kafka), DataError for a file version that cannot be read; nothing is swapped then.
void rebuild_lake(const Workflow& workflow, Lake& lake, const FaultHook& fault = {});

}  // namespace mlops
