#pragma once
// What a source hands the lake between two commits: typed records per clean table, the
// records it could not parse, and the position it will resume from once they are committed.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mlops/io/read_result.h"

namespace mlops {

/// Records bound for one clean table.
struct TableBatch {
  std::string table;
  std::string source;  // where the records came from (URL, file, topic), for quarantine lines
  ReadResult result;   // typed rows, and the records that could not be typed
  /// Optional, one per source record (result.bad's `record` indexes them): its position
  /// ("events[0]@41") and its text as received, for records rejected by the clean layer.
  std::vector<std::string> record_sources;
  std::vector<std::string> record_texts;
  /// JSON records: a key that only ever held null adds no column (CSV headers always do).
  bool json = true;
  /// Where the rows came from, kept per row run in the table (RowOrigin): a file source's
  /// path, "" for other sources.
  std::string origin;
};

struct Batch {
  std::vector<TableBatch> tables;
  std::vector<BadRecord> bad;  // rejected before typing: a body or message that is not JSON
  std::string bad_table;       // the table those belong to (for the quarantine line)
  nlohmann::json position = nlohmann::json::object();  // the source's state after this batch
  /// A changed file: the rows an earlier commit took from this origin leave the clean tables
  /// in the same commit that adds the new ones (the file is the unit of replacement).
  std::string replaces;
  /// With a key: a row whose key was committed before replaces the earlier row (latest wins)
  /// instead of being skipped as a duplicate; within the batch the last row of a key wins.
  bool upsert = false;
  /// Hand the rows the commit added back in CommitStats::added (follow mode pushes them to
  /// the online store); off by default, since it copies them.
  bool keep_rows = false;
};

/// Counts of one commit.
struct CommitStats {
  uint64_t rows = 0;         // rows added to clean tables
  uint64_t quarantined = 0;  // records sent to quarantine
  uint64_t duplicates = 0;   // records skipped because their key was already ingested
  uint64_t replaced = 0;     // earlier rows removed: their file changed, or their key upserted
  /// With Batch::keep_rows: the rows added to each clean table, as committed (typed as the
  /// table, in the order written).
  std::vector<std::pair<std::string, Table>> added;
};

/// JSON texts, one record each, typed as one batch with `options` (the ingest schema's
/// declared columns and null values). A text that is not JSON, or not an object, lands in
/// result.bad with its reason; `record` indexes `texts` throughout.
TableBatch json_batch(std::string table, std::string source, std::vector<std::string> texts,
                      const ReadOptions& options);

}  // namespace mlops
