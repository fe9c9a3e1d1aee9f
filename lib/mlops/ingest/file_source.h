#pragma once
// The file source: reads one CSV / TSV / JSON / JSON Lines file into a typed table, with the
// records that cannot be typed set aside for the quarantine.

#include <string>

#include "mlops/config/workflow.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// The format implied by the source's `format` key, or by the file extension when it is
/// "auto" (.csv, .tsv, .json, .jsonl/.ndjson). Throws ConfigError when it cannot tell.
std::string resolve_format(const SourceSpec& source);
/// Reads the source with the declared schema and null values. Throws IoError naming the path
/// when the file cannot be read, DataError when it cannot be parsed at all.
ReadResult read_source(const IngestSpec& spec);
/// Reads any table file (for batch-predict input) typed as the ingest schema declares.
ReadResult read_with_schema(const std::string& path, const IngestSpec& spec);

}  // namespace mlops
