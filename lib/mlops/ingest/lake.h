#pragma once
// The ingest lake of one workflow, kept across runs under <lake_dir>/<workflow>/:
//   raw/<source>/date=YYYY-MM-DD/   every body, message and file as received (raw_layer.h)
//   clean/<table>/part-*.csv        the typed rows, one immutable part per commit (+ schema)
//   quarantine/<source>.jsonl       records that could not be typed, with position and reason
//   keys/<source>.keys              keys already ingested, for sources that declare a `key`
//   checkpoint.json                 the commit point (checkpoint.h)
// A commit writes raw, then the clean part, then quarantine and keys, then replaces the
// checkpoint; opening the lake discards whatever a crash left past the last checkpoint (clean
// parts, log and raw bytes, `*.tmp-PID-N` files), so a restarted ingest sees every record
// exactly once in the clean and raw layers. A rebuild (rebuild.h) builds new clean,
// quarantine and keys folders aside under rebuild/ and swaps them in at a checkpoint commit.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/ingest/append_file.h"
#include "mlops/ingest/batch.h"
#include "mlops/ingest/checkpoint.h"
#include "mlops/ingest/raw_layer.h"

namespace mlops {

/// Called between the steps of a commit ("raw", "clean", "quarantine", "checkpoint"); tests
/// throw from it to simulate a crash at that point.
using FaultHook = std::function<void(std::string_view point)>;

/// Another process holds the lake's lock (a concurrent ingest of the same workflow); nothing
/// was done (exit 5). The runner marks a run refused this way `refused`, never `failed`.
class BusyError : public IoError {
 public:
  using IoError::IoError;
};

/// `name` made safe as one path component: characters other than letters, digits, '.', '-'
/// and '_' become '_' (a leading '.' too).
std::string lake_component(std::string_view name);

/// The rows of a clean table's parts in `dir`, in `state`'s order, typed as its fields (a part
/// lacking a field gives nulls). Throws IoError when a part is missing: a reader without the
/// lock (feature_store/committed_table) then retries at the newer checkpoint.
Table read_clean_parts(const std::string& dir, const CleanTableState& state);

class Lake {
 public:
  /// Opens (creating) the lake at `root`, takes its lock, loads the checkpoint, finishes a
  /// rebuild's swap that a crash interrupted, and removes what a crash left uncommitted: clean
  /// parts, raw bytes past the checkpoint, an unfinished rebuild/ and temp files. Throws
  /// IoError when another process holds the lock or the checkpoint cannot be read.
  explicit Lake(std::string root, FaultHook fault = {});
  ~Lake();
  Lake(const Lake&) = delete;
  Lake& operator=(const Lake&) = delete;

  const std::string& root() const { return root_; }
  /// The source's committed position, `{}` before its first commit.
  nlohmann::json position(const std::string& source) const;
  /// The raw layer of a source (opened on first use).
  RawLayer& raw(const std::string& source);

  /// Commits one batch of `source` (see the file comment for the order). `key` names the
  /// column that identifies a record ("" for none): rows whose key was committed before, or
  /// earlier in the batch, are skipped (batch.upsert: they replace the earlier rows instead).
  /// batch.replaces removes the rows an earlier commit took from that origin, in the same
  /// commit. Throws IoError; DataError when batch.replaces names rows of a table written
  /// before origins were kept; on any throw nothing of the batch is committed.
  CommitStats commit(const std::string& source, const std::string& key, Batch batch);

  /// Rows of a committed clean table (0 for an unknown one).
  uint64_t rows(const std::string& table) const;
  /// The declared-schema hash the clean tables were built with ("" when none recorded), and
  /// the one later commits record.
  const std::string& built_schema_hash() const { return checkpoint_.schema_hash; }
  void set_schema_hash(std::string hash) { schema_hash_ = std::move(hash); }
  /// The committed state of the lake.
  const Checkpoint& checkpoint() const { return checkpoint_; }
  /// Replaces the clean, quarantine and keys layers with those of `built` (a lake built under
  /// `<root>/rebuild`, which the caller closes first) and the sources' positions and raw state
  /// with the current ones, at one checkpoint commit; the raw layer is untouched. A crash
  /// after the commit point is finished by the next open. Throws IoError.
  void swap_in_rebuild(const Checkpoint& built, std::vector<BadRecord> quarantined);

  /// Every clean table, by name; and those a source has written to, in order of first write.
  std::vector<std::string> tables() const;
  std::vector<std::string> tables_of(const std::string& source) const;
  /// Merges the table's parts into one part (committed like any batch) so that later reads
  /// and snapshots are one file. A table with one part or none is left as it is.
  void compact(const std::string& table);
  /// The whole clean table; columns in order of first appearance. An unknown table is empty.
  /// A table this lake wrote as its only part is handed out once without a copy (it can be
  /// 100+ MB); later calls read the part again.
  Table load(const std::string& table);
  /// Writes the whole table to `path` with its schema sidecar (io/table_file.h layout),
  /// atomically, copying the part's files when there is a single part.
  void snapshot(const std::string& table, const std::string& path);
  /// Records quarantined by this object's commits, for the run's own quarantine file.
  const std::vector<BadRecord>& quarantined() const { return quarantined_; }

 private:
  struct SourceLogs;
  SourceLogs& logs(const std::string& source);
  void remove_uncommitted_parts();
  void finish_swap();
  void discard_uncommitted_raw_layers();
  void remove_temp_files();
  std::string table_dir(const std::string& table) const;
  uint64_t drop_rows(const std::string& table, CleanTableState& state, const std::string& origin,
                     const std::string& key, const std::unordered_set<std::string>& keys,
                     uint64_t sequence, std::vector<std::string>& obsolete);

  std::string root_;
  FaultHook fault_;
  int lock_fd_ = -1;
  Checkpoint checkpoint_;
  std::string schema_hash_;
  std::map<std::string, std::unique_ptr<SourceLogs>> logs_;
  std::map<std::string, std::unique_ptr<RawLayer>> raw_;
  std::map<std::string, Table> single_part_;  // the rows of a table's only part, when written here
  std::vector<BadRecord> quarantined_;
};

}  // namespace mlops
