#pragma once
// The on-disk journal of the served prediction log: where records go while the evaluation store
// cannot take them (unreachable, locked) or the in-memory queue is full, until they are
// replayed into the store. Append-only segment files under one directory, named
// `<created µs, 20 digits>-<pid>-<n>.journal` so that names sort oldest first. A segment is a
// sequence of frames, each written with one write(2):
//
//   "MLJ1" | u64 XXH3-64 of the rest | u32 record count | u32 payload bytes | payload
//
// (little-endian), the payload a JSON array of records ({"id", "model", "request_id", ...}).
// A frame cut short by a crash, or damaged, fails its length or checksum: the reader warns,
// skips to the next frame marker that checks out, and never throws for it.
//
// Segments are owned through flock(2): the process appending to a segment holds an exclusive
// lock on it, and a replayer takes the lock (non-blocking) before reading one, so a segment of
// a live process is never replayed under it, while one left by a dead process (its lock gone
// with it) is. Replay is safe to repeat: every record carries its log_id, which the store keeps
// once.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/store/evaluation_store.h"

namespace mlops {

/// The records of one segment that checked out, and what did not.
struct JournalSegmentRead {
  std::vector<ServedLogEntry> entries;
  uint64_t damaged_bytes = 0;  // bytes skipped: a torn tail or a damaged frame
};

/// One frame's bytes for `entries` (exposed for tests that tear or damage frames).
std::string encode_journal_frame(std::span<const ServedLogEntry> entries);

/// Reads every frame of the segment at `path` that checks out; damaged or torn frames are
/// skipped with a warning naming the file and offset. Throws IoError when the file cannot be
/// read at all.
JournalSegmentRead read_journal_segment(const std::string& path);

class PredictionJournal {
 public:
  /// A journal under `dir` (created on the first append). Counts the records of segments
  /// already there (left by an earlier process) so stats include them.
  explicit PredictionJournal(std::string dir, uint64_t segment_bytes = 16u << 20);
  ~PredictionJournal();
  PredictionJournal(const PredictionJournal&) = delete;
  PredictionJournal& operator=(const PredictionJournal&) = delete;

  /// Appends `entries` as one frame to this process's open segment (opening a new one when
  /// there is none or it passed segment_bytes). Thread-safe. Throws IoError when the directory
  /// or the file cannot be written; nothing is counted then.
  void append(std::span<const ServedLogEntry> entries);

  /// Closes the open segment (after an fdatasync), so it can be replayed; later appends open a
  /// new one. Thread-safe.
  void seal();

  /// True when the open segment holds records (seal() it to replay them).
  bool open_segment_has_records() const;

  /// The segments a replayer may take, oldest first: every segment but the open one.
  std::vector<std::string> closed_segments() const;

  /// Hands a segment's records to the store: a function that stores them or throws, and
  /// returns how many were new.
  using StoreRecords = std::function<size_t(std::span<const ServedLogEntry>)>;

  /// Locks the segment for replay (nullopt when another live process holds it, or it is
  /// gone), reads it, hands its records to `store`, deletes it and returns what `store`
  /// returned. Throws what `store` throws: the segment stays, to be replayed again (records
  /// stored before the failure are skipped then, by their log_id).
  std::optional<size_t> replay(const std::string& segment, const StoreRecords& store);

  uint64_t records() const;
  uint64_t bytes() const;
  const std::string& dir() const { return dir_; }

 private:
  struct Segment {
    uint64_t records = 0;
    uint64_t bytes = 0;
  };
  void close_open_segment();  // with mutex_ held

  std::string dir_;
  uint64_t segment_bytes_;
  mutable std::mutex mutex_;
  std::map<std::string, Segment> segments_;  // every segment known, the open one included
  std::string open_path_;                    // "" when none is open
  int open_fd_ = -1;
  uint64_t next_number_ = 0;
};

}  // namespace mlops
