#pragma once
// The sqlite source: a query against a SQLite database, read-only. With `incremental_column`,
// each run reads only the rows past the largest value of that column already committed (in
// that column's order, `batch_size` rows per commit); without it, every run reads the whole
// result again, which suits a `key` that skips the rows already ingested.

#include "mlops/ingest/source.h"

namespace mlops {

/// Runs a sqlite source. Throws IoError when the database cannot be opened, ConfigError when
/// the query does not compile (naming SQLite's message).
void run_sqlite_source(SourceContext& context);

}  // namespace mlops
