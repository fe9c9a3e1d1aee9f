#pragma once
// The raw layer: every response body, message or file exactly as received, append-only,
// partitioned by source and ingest date (raw/<source>/date=YYYY-MM-DD/). Bodies are
// concatenated in bodies.bin; index.jsonl has one line per body with its offset, size,
// XXH3-128 checksum, receive time and fetch metadata (URL and status;
// topic, partition and kafka_offset).
// Files are copied whole under files/. Nothing committed here is ever rewritten or removed:
// the lake's checkpoint records how far raw is committed (committed()), and opening the lake
// cuts back what a crash appended after it (discard_uncommitted_raw).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/ingest/append_file.h"

namespace mlops {

class RawLayer {
 public:
  /// `source_dir` is raw/<source>; partitions are created under it as the date requires.
  explicit RawLayer(std::string source_dir);

  /// Appends one body and its index line (`meta` plus offset, bytes, checksum, received_at).
  /// Durable after sync(). Throws IoError.
  void append(std::string_view body, nlohmann::json meta);
  /// Stores a copy of a whole file received (its bytes as read) and its index line; the copy
  /// is durable when this returns. Returns the copy's path. `checksum`: hash_bytes(bytes)
  /// when the caller has it already. Throws IoError.
  std::string add_file(std::string_view bytes, const std::string& file_name, nlohmann::json meta,
                       std::string checksum = "");
  /// Makes every append durable (bodies first, then the index that points into them).
  void sync();
  /// Bodies and files recorded by this object.
  uint64_t count() const { return count_; }
  /// What is durable now, for the checkpoint: {"partition", "index_bytes", "bodies_bytes"};
  /// `before` (the last committed state) when this object appended nothing. Call after sync().
  nlohmann::json committed(const nlohmann::json& before) const;

 private:
  void open_partition();

  std::string source_dir_;
  std::string partition_;  // date=YYYY-MM-DD of the open files
  std::unique_ptr<AppendFile> bodies_;
  std::unique_ptr<AppendFile> index_;
  uint64_t count_ = 0;
};

/// Cuts the raw layer at `source_dir` back to `committed` (RawLayer::committed): later date
/// partitions are removed and the committed partition's index and bodies truncated. An empty
/// object means nothing was ever committed (everything goes); null means unknown (a lake from
/// before raw was checkpointed: nothing is touched). Throws IoError when a file is shorter
/// than committed.
void discard_uncommitted_raw(const std::string& source_dir, const nlohmann::json& committed);

/// One index line of a raw layer, with the date partition folder it is in.
struct RawEntry {
  std::string partition;
  nlohmann::json meta;
};

/// Every index line under `source_dir` (raw/<source>), oldest partition first, in the order
/// received. A missing folder has none. Throws IoError for a line that is not JSON.
std::vector<RawEntry> read_raw_index(const std::string& source_dir);
/// The body an index line points to (bodies.bin at its offset), checked against its checksum.
/// Throws IoError naming the file when it is short or the bytes differ from those received.
std::string read_raw_body(const RawEntry& entry);

}  // namespace mlops
