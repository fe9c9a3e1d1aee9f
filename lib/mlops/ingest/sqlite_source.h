#pragma once
// The sqlite source: a query against a SQLite database, read-only. With `incremental_column`,
// each run reads only the rows past the largest value of that column already committed (in
// that column's order, `batch_size` rows per commit); without it, every run reads the whole
// result again, which suits a `key` that skips the rows already ingested.

#include <vector>

#include "mlops/ingest/raw_layer.h"
#include "mlops/ingest/source.h"

namespace mlops {

/// Runs a sqlite source. Throws IoError when the database cannot be opened, ConfigError when
/// the query does not compile (naming SQLite's message).
void run_sqlite_source(SourceContext& context);
/// Replays the source's raw layer (`entries`, kind "sqlite": each body one commit's rows as
/// JSON lines) into `context.lake`, commit by commit as they were read, without opening the
/// database. Throws IoError for a damaged body.
void replay_sqlite_source(SourceContext& context, const std::vector<RawEntry>& entries);

}  // namespace mlops
