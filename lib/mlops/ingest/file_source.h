#pragma once
// The file source: a path or a glob of CSV / TSV / JSON / JSON Lines files, optionally .gz or
// .zst compressed. Each run reads only the files not ingested yet (or changed since), one
// commit per file, and logs each file's throughput. A file that grew by whole lines (CSV, TSV,
// JSON Lines, uncompressed; its earlier bytes unchanged, checked by hash) gives only its new
// records; a file changed otherwise replaces the rows it gave before. With a `key`, every
// file's rows are upserted by key (latest wins). An empty file is a DataError whatever its
// format.

#include <optional>
#include <string>

#include "mlops/config/workflow.h"
#include "mlops/ingest/source.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// The format implied by the source's `format` key, or by the file extension when it is
/// "auto" (.csv, .tsv, .json, .jsonl/.ndjson, each optionally followed by .gz or .zst).
/// Throws ConfigError when it cannot tell.
std::string resolve_format(const SourceSpec& source);
/// The paths the source's `path` names now: the glob's matches in order, or the one file.
/// Throws IoError for a plain path that does not exist.
std::vector<std::string> expand_source_path(const std::string& pattern);
/// Ingests one version of the file at `path` (`bytes`, their hash_bytes `checksum`) against
/// `position` (the source's {"files": {...}}), whose entry for `path` becomes `entry`, in one
/// commit; `store_raw`: also copy the bytes to the raw layer (false when replaying raw).
/// Throws DataError for an empty or unparseable file, IoError.
void ingest_file_version(SourceContext& context, const std::string& path, const std::string& bytes,
                         const std::string& checksum, nlohmann::json& position,
                         nlohmann::json entry, bool store_raw);
/// Runs a file source: every matching file not yet in its checkpoint goes through the lake.
void run_file_source(SourceContext& context);

}  // namespace mlops
