#pragma once
// `mlops store copy --from sqlite:PATH --to postgresql://...`: a workspace's history moved from
// its SQLite store into a PostgreSQL one, for the move from one machine to many
// (docs/production.md).

#include <cstdint>
#include <string>

#include "mlops/config/workflow.h"

namespace mlops {

/// What copy_sqlite_to_postgres copied, and what the destination already held.
struct CopyCounts {
  int64_t runs = 0;
  int64_t metrics = 0;
  int64_t versions = 0;
  int64_t alias_changes = 0;
  int64_t predictions = 0;
  int64_t labels = 0;
  int64_t live_metrics = 0;
  int64_t already_there = 0;  // rows skipped: the destination had them (a copy run again)
};

/// Copies every run (with its metrics), model version (with its files: into the database, or
/// under `to.models_dir` with store.artifacts: models_dir), alias (with its whole history, in
/// order), prediction (batch and served), label and live metric from the SQLite file
/// `sqlite_path` into the PostgreSQL store of `to` (to.store_url), in one transaction.
/// Idempotent: what the destination already holds (a run id, a model version, the same history
/// entry, a batch-predict run's predictions, a served prediction's log id, a label's key) is
/// skipped, so a copy run twice leaves one copy of everything. Throws ConfigError when the
/// source file does not exist or a destination version number belongs to another run (the
/// destination has a history of its own: nothing is merged), IoError when a version's files are
/// missing, and what opening the stores throws.
CopyCounts copy_sqlite_to_postgres(const std::string& sqlite_path, const Settings& to);

}  // namespace mlops
