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

/// One clean table: the union of the columns of its parts, and the part files, oldest first.
struct CleanTableState {
  std::vector<CleanField> fields;
  std::vector<std::string> parts;  // file names inside the table's folder
  uint64_t rows = 0;
  const CleanField* find(std::string_view name) const;
  CleanField* find(std::string_view name);
};

/// One source's committed state.
struct SourceCheckpoint {
  nlohmann::json position = nlohmann::json::object();  // source-specific (page, offsets, files)
  uint64_t quarantine_bytes = 0;
  uint64_t keys_bytes = 0;
  std::vector<std::string> tables;  // tables it has written to, in order of first write
};

struct Checkpoint {
  uint64_t sequence = 0;  // commits so far; names the parts of the next commit
  std::string updated_at;
  std::map<std::string, SourceCheckpoint> sources;
  std::map<std::string, CleanTableState> tables;
};

/// Reads the checkpoint at `path`; an absent file is the empty checkpoint. Throws IoError
/// naming the file when it cannot be read or is not a checkpoint.
Checkpoint load_checkpoint(const std::string& path);
/// Replaces the checkpoint at `path` atomically (temp file, fsync, rename); throws IoError.
void save_checkpoint(const Checkpoint& checkpoint, const std::string& path);

}  // namespace mlops
