#pragma once
// `mlops materialize`: the latest value of each entity key of a workflow's online views, from
// the view's rows (view_rows.h) into the online store (store/online_store.h).
//
// Guarantees, whatever point a run is killed at and rerun:
// - the store's latest-wins write rule (an older value never overwrites a newer one) makes a
//   rerun, a replay of any range, or runs in any order give every key its latest value;
// - the watermark is written only after every value it covers was written, so it is never
//   ahead of the data; incremental runs read rows with event time >= the watermark.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/store/online_store.h"

namespace mlops {

struct MaterializeOptions {
  std::vector<std::string> views;  // empty: every view with `online: true`
  /// Read only rows at or after the view's watermark (all rows when it has none).
  bool incremental = false;
  /// Read only rows with start <= event time < end (`--start/--end`); the watermark is left
  /// as it is.
  std::optional<int64_t> start_us;
  std::optional<int64_t> end_us;
  /// Keys per write() call (one SQLite transaction, one Redis pipeline).
  size_t batch_keys = 20'000;
  int64_t now_us = 0;  // 0: the clock's now (write time, finished-at)
};

/// What one view's materialization did.
struct ViewMaterialization {
  std::string view;
  bool skipped = false;                 // `online: false`
  std::string source;                   // what was read, for the summary
  int64_t rows_read = 0;                // rows of the view read (after the time range)
  int64_t keys = 0;                     // distinct keys among them
  int64_t keys_written = 0;             // keys whose stored value this run created or replaced
  std::optional<int64_t> watermark_us;  // after the run
  double seconds = 0;
};

struct MaterializeResult {
  std::vector<ViewMaterialization> views;
  double seconds = 0;
  int64_t rows_read() const;
  int64_t keys_written() const;
};

/// Materializes `options.views` (default every online view) of `workflow` into `store`.
/// Throws ConfigError for an unknown view (with "did you mean"), a view named explicitly that
/// is `online: false`, --incremental with --start/--end, or a source with nothing yet;
/// DataError for rows that cannot be read (view_rows.h); IoError / NetworkError from the store.
/// Values written before an error stay (they are correct latest values).
MaterializeResult materialize(const Workflow& workflow, OnlineStore& store,
                              const MaterializeOptions& options);

/// The latest row of each key in `rows` (the greatest event time; at equal times the row
/// written last, i.e. later in `rows`; `rows` need not be sorted): the records to write, in the
/// order of their rows, values in the order of `features`. `keys` are the key columns.
std::vector<OnlineRecord> latest_records(const Table& rows, std::span<const std::string> keys,
                                         const std::string& event_time,
                                         std::span<const std::string> features);

/// One record per row of `rows`, which hold one row per key already (read_view_rows with
/// latest_per_key): the records to write, in key order (byte order of OnlineRecord::key).
std::vector<OnlineRecord> online_records(const Table& rows, std::span<const std::string> keys,
                                         const std::string& event_time,
                                         std::span<const std::string> features);

/// The online columns (names, types) of `features` in `rows`.
std::vector<OnlineColumn> online_columns(const Table& rows, std::span<const std::string> features);

}  // namespace mlops
