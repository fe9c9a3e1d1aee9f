#pragma once
// The point-in-time join (Feast's get_historical_features): each entity row (key columns and an
// event time) gets, from each requested view, the latest row of its key with event time <= the
// row's time and within the view's ttl; never a later row; nulls where none qualifies. The views
// are read whole and indexed (view_index.h); the entity rows are streamed in windows and written
// in input order, so memory is the views plus one window, whatever the number of entity rows.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/feature_store/view_index.h"

namespace mlops {

/// One `--features` argument: `VIEW` (every feature) or `VIEW:COL,COL`.
struct FeatureRequest {
  std::string view;
  std::vector<std::string> features;  // empty = every feature of the view
};

/// Parses `VIEW[:COL,COL...]`; throws ConfigError for an empty view or column name.
FeatureRequest parse_feature_request(std::string_view text);

/// The name of a joined feature column: VIEW__COL (always qualified: two views may share
/// column names, and the entity file may hold the plain name).
std::string joined_column_name(const std::string& view, const std::string& feature);

/// The requested views of a workflow, read and indexed once.
class PointInTimeJoin {
 public:
  /// Reads and indexes each requested view (read_view_rows). Throws ConfigError for an unknown
  /// view ("did you mean") or a view requested twice, and what read_view_rows throws.
  PointInTimeJoin(const Workflow& workflow, const std::vector<FeatureRequest>& requests);
  /// From views already read, with their ttl (tests).
  explicit PointInTimeJoin(std::vector<ViewIndex> views);

  /// The key columns every view needs, with their types, in first-use order.
  const std::vector<ColumnDecl>& key_columns() const { return key_columns_; }
  /// Throws DataError naming `file` and every missing column when `schema` (an entity file's
  /// columns) lacks a key column or `event_time`, and ConfigError when it already holds a
  /// column the join would add.
  void check_entity_columns(const std::vector<std::string>& columns, const std::string& event_time,
                            const std::string& file) const;
  /// Appends the joined columns (VIEW__COL, typed as in the view) to `entities`, whose key
  /// columns are typed as key_columns() says and whose `event_time` is a timestamp column.
  /// A null key or time gets nulls. Counts rows that found a row per view into `matched`.
  void join(Table& entities, const std::string& event_time, std::vector<uint64_t>& matched) const;

  const std::vector<ViewIndex>& views() const { return views_; }

 private:
  void collect_keys();

  std::vector<ViewIndex> views_;
  std::vector<ColumnDecl> key_columns_;
};

/// What a file join did.
struct HistoricalJoinStats {
  uint64_t rows = 0;
  std::vector<std::string> views;
  std::vector<uint64_t> matched;  // per view: rows that found a feature row
};

/// Where the entity rows are and what to join to them.
struct HistoricalJoinSpec {
  std::string entities;  // a data file (CSV/TSV streamed; JSON, .gz, .zst read whole)
  std::vector<FeatureRequest> features;
  std::string event_time = "event_time";
};

/// The join `featurize.source` (type historical) declares; `entities` replaces its entity file
/// when not empty (batch-predict's input). Throws ConfigError as parse_feature_request.
HistoricalJoinSpec featurize_join_spec(const FeaturizeSourceSpec& source,
                                       const std::string& entities = "");

/// Joins the entity file to the requested views and writes the result to `out` (CSV,
/// atomically): the entity file's columns then VIEW__COL per requested feature, rows in input
/// order. Throws DataError naming the file, line and value for a key or time that does not
/// parse, and the missing columns when the file lacks keys or the event time; ConfigError and
/// what PointInTimeJoin throws; IoError.
HistoricalJoinStats historical_join_file(const Workflow& workflow, const HistoricalJoinSpec& spec,
                                         const std::string& out);
/// The same join, the whole result in memory (a training table: featurize.source historical).
Table historical_join_table(const Workflow& workflow, const HistoricalJoinSpec& spec,
                            HistoricalJoinStats* stats = nullptr);

}  // namespace mlops
