#pragma once
// A feature view's rows as the joins and materialization read them: the declared source (a
// clean lake table of this or another workflow, the workflow's latest featurize output, or its
// latest batch predictions) reduced to the entity's key columns, the event time and the
// view's features, in event-time order (or, for materialization, only each key's newest row).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"

namespace mlops {

struct ViewRowsOptions {
  /// The features to keep (names of the view's features); empty = every feature of the view.
  std::vector<std::string> features;
  /// Keep only rows with start_us <= event time < end_us (materialize --start/--end,
  /// --incremental from a watermark).
  std::optional<int64_t> start_us;
  std::optional<int64_t> end_us;
  /// Keep only each key's newest row (the greatest event time; at equal times the last
  /// written, the row a scan of the time-sorted rows would end on), found in one pass over the
  /// rows without sorting them: what materialization and follow mode write. The rows kept are
  /// in the order the source wrote them, not in event-time order.
  bool latest_per_key = false;
};

struct ViewRows {
  std::string view;  // the view's name
  /// The entity's key columns (typed as the entity declares: int64 or string), the event time
  /// (timestamp) and the features, in that order; rows sorted by event time, rows with equal
  /// times in the order the source wrote them (so the last of them is the last written); with
  /// ViewRowsOptions::latest_per_key, one row per key in written order instead.
  /// Rows whose event time or a key is null are left out (they cannot be placed).
  Table table;
  std::vector<std::string> keys;
  std::string event_time;
  std::vector<std::string> features;
  /// What was read, for messages: "lake table 'hourly' of workflow 'flights' (lake/flights)",
  /// or a run's file.
  std::string source;
  /// Rows left out because their event time or a key was null.
  uint64_t dropped_null_rows = 0;
  /// Rows with a key and an event time inside the window: table's rows, or, with
  /// latest_per_key, the rows the kept ones were chosen from.
  uint64_t rows_in_range = 0;
};

/// Reads view `view` of `workflow` (whose feature_store declares it). The lake is read
/// without its lock (committed_table.h), so a running ingest neither blocks nor is blocked.
/// Throws ConfigError when the source has nothing yet (no such lake table, no successful
/// featurize or batch-predict run), naming the command that creates it; DataError for a key,
/// event-time or feature column the source lacks or a requested feature the view lacks (with
/// "did you mean"), an event time that is not a timestamp, a key value that does not fit the
/// entity's key type; ConfigError for an expression that does not type-check; IoError.
ViewRows read_view_rows(const Workflow& workflow, const FeatureViewSpec& view,
                        const ViewRowsOptions& options = {});

/// The same for rows already in hand (`input` has the source's columns): follow mode's rows
/// of one lake commit. `description` names them in messages. Throws as read_view_rows.
ViewRows view_rows_of(const Workflow& workflow, const FeatureViewSpec& view, const Table& input,
                      std::string description, const ViewRowsOptions& options = {});

/// A hash of what read_view_rows(view) would read now, for the stage fingerprints (a stage that
/// joins a view reruns when it changes): a lake table's committed state (its parts, rows and
/// columns, from the checkpoint), or the hash of the latest featurize or batch-predict output
/// file; "missing" when there is nothing to read yet.
std::string view_source_hash(const Workflow& workflow, const FeatureViewSpec& view);

/// The entity of `view` in `workflow`; throws ConfigError when the workflow lacks it (a view
/// checked at load always has one).
const EntitySpec& view_entity(const Workflow& workflow, const FeatureViewSpec& view);

}  // namespace mlops
