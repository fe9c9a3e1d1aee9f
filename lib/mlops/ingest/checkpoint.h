#pragma once
// The lake's single commit point: one JSON file, replaced atomically, holding every source's
// position, how far its quarantine and key logs are committed, and every clean table's schema
// and parts. Data written before it is replaced but not named by it is discarded on the next
// open, so a crash at any point leaves each record in the clean layer exactly once.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// One clean column: its type, and whether any non-null value arrived yet (until then the
/// type is provisional and the first value decides it).
struct CleanField {
  std::string name;
  DType type = DType::kString;
  bool has_values = false;
};

/// A run of consecutive clean rows that came from one origin: a file's path for file
/// sources, "" for records of other sources. A table's origins, in row order, add up to its
/// rows when the lake knows where each row came from (tables written before origins were kept
/// do not), which is what lets a changed file replace exactly its own rows.
struct RowOrigin {
  std::string origin;
  uint64_t rows = 0;
};

/// One clean table: the union of the columns of its parts, and the part files, oldest first.
struct CleanTableState {
  std::vector<CleanField> fields;
  std::vector<std::string> parts;  // file names inside the table's folder
  uint64_t rows = 0;
  std::vector<RowOrigin> origins;  // in row order; see RowOrigin
  /// True when `origins` accounts for every row.
  bool knows_origins() const;
  const CleanField* find(std::string_view name) const;
  CleanField* find(std::string_view name);
};

/// One source's committed state.
struct SourceCheckpoint {
  nlohmann::json position = nlohmann::json::object();  // source-specific (page, offsets, files)
  uint64_t quarantine_bytes = 0;
  uint64_t keys_bytes = 0;
  std::vector<std::string> tables;  // tables it has written to, in order of first write
  /// The raw layer as committed: {"partition": "date=...", "index_bytes": N, "bodies_bytes":
  /// N}; null for lakes written before it was kept. Opening the lake cuts raw back to it.
  nlohmann::json raw;
};

struct Checkpoint {
  uint64_t sequence = 0;  // commits so far; names the parts of the next commit
  std::string updated_at;
  std::map<std::string, SourceCheckpoint> sources;
  std::map<std::string, CleanTableState> tables;
  /// Hash of the declared schema (ingest.schema, ingest.null_values) the clean tables were
  /// typed with; "" before the first commit that recorded it.
  std::string schema_hash;
  /// Set by a rebuild's commit point: the folder under the lake root whose clean/,
  /// quarantine/ and keys/ replace the live ones (the swap is finished on the next open).
  std::string pending_swap;
};

/// Reads the checkpoint at `path`; an absent file is the empty checkpoint. Throws IoError
/// naming the file when it cannot be read or is not a checkpoint.
Checkpoint load_checkpoint(const std::string& path);
/// Replaces the checkpoint at `path` atomically (temp file, fsync, rename); throws IoError.
void save_checkpoint(const Checkpoint& checkpoint, const std::string& path);

}  // namespace mlops
