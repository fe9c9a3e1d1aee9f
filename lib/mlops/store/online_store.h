#pragma once
// The online feature store: the latest feature values of each (view, entity key), read by id
// at request time (`mlops features get`, serving) and written by `mlops materialize` (and,
// later, a stream of row batches from `ingest --follow`). Backends: store/sqlite/ (a file, the
// embedded default) and store/redis/; open one through store/open_stores.h.
//
// The write rule every backend keeps, so that writes are idempotent and order independent: a
// record replaces the stored one of its key only when its event time is >= the stored event
// time (an older value never overwrites a newer one; a replay of the same rows changes
// nothing). Within one write() call, records of one key are applied in order.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// A UTC timestamp in microseconds, typed apart from an int64 feature.
struct TimestampValue {
  int64_t micros = 0;
  bool operator==(const TimestampValue&) const = default;
};

/// One typed feature value: null, int, float, bool, string or timestamp.
using FeatureValue =
    std::variant<std::monostate, int64_t, double, bool, std::string, TimestampValue>;

/// A named, typed column of a view as stored (describe, lookups).
struct OnlineColumn {
  std::string name;
  DType type = DType::kString;
  bool operator==(const OnlineColumn&) const = default;
};

/// One entity's values at one event time, ready to write. `key` is entity_key_text() of the
/// entity's key values; `values` follow the columns given to write().
struct OnlineRecord {
  std::string key;
  int64_t event_time_us = 0;
  std::vector<FeatureValue> values;
};

/// What a lookup found for one key.
struct OnlineLookup {
  bool found = false;
  bool stale = false;  // event time older than now - ttl (ttl > 0)
  int64_t event_time_us = 0;
  int64_t write_time_us = 0;
  std::vector<std::string> columns;  // names of `values`, as written
  std::vector<FeatureValue> values;
};

/// How lookups judge staleness.
struct LookupOptions {
  int64_t ttl_us = 0;  // 0: values never go stale
  int64_t now_us = 0;  // 0: the clock's now
};

/// What one materialization of a view did (describe's "last materialization").
struct MaterializationRecord {
  int64_t finished_at_us = 0;
  int64_t rows_read = 0;
  int64_t keys_written = 0;
  double seconds = 0;
};

/// A view's declaration as the store keeps it (so list/describe need no workflow file).
struct OnlineViewSchema {
  std::string view;
  std::string entity;
  std::vector<std::string> key_columns;
  std::vector<OnlineColumn> columns;
  int64_t ttl_us = 0;
};

/// What the store knows of a view.
struct OnlineViewInfo {
  OnlineViewSchema schema;
  int64_t keys = 0;                        // distinct entity keys stored
  std::optional<int64_t> latest_event_us;  // the newest event time written
  std::optional<int64_t> watermark_us;     // incremental materialization's high mark
  std::optional<MaterializationRecord> last_materialization;
};

class OnlineStore {
 public:
  virtual ~OnlineStore() = default;

  /// The store's address for messages, with any password masked.
  virtual std::string describe() const = 0;

  /// Records (or replaces) the view's declaration. Throws IoError / NetworkError.
  virtual void put_schema(const OnlineViewSchema& schema) = 0;

  /// Writes `records` (values in the order of `columns`) under the latest-wins rule above, in
  /// batches (one SQLite transaction, one Redis pipeline); `write_time_us` is recorded with
  /// each. Returns how many records replaced or created a stored value. Either every record
  /// of one call is applied or, on an error thrown, a prefix of whole batches: a rerun fixes
  /// either. Throws IoError (SQLite) / NetworkError (Redis).
  virtual int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                        std::span<const OnlineRecord> records, int64_t write_time_us) = 0;

  /// Looks up each of `keys` (one round trip for all of them). Throws as write().
  virtual std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                         const LookupOptions& options) = 0;
  /// One key.
  OnlineLookup read_one(std::string_view view, const std::string& key,
                        const LookupOptions& options) {
    return std::move(read(view, std::span(&key, 1), options).front());
  }

  /// Every view the store holds, by name. Throws as write().
  virtual std::vector<OnlineViewInfo> views() = 0;
  /// One view, or nullopt when the store has never seen it.
  virtual std::optional<OnlineViewInfo> view(std::string_view view) = 0;

  /// The view's watermark: event times up to it are materialized. Write it only after the
  /// values it covers were written (write() returned).
  virtual std::optional<int64_t> watermark(std::string_view view) = 0;
  virtual void set_watermark(std::string_view view, int64_t watermark_us) = 0;
  virtual void record_materialization(std::string_view view,
                                      const MaterializationRecord& record) = 0;

  /// Removes the view's values, declaration and watermark.
  virtual void delete_view(std::string_view view) = 0;
};

/// The text one entity key is stored under: the key columns' values, in the entity's key order,
/// joined by '\x1f' (a value cannot hold it: keys are ids).
std::string entity_key_text(std::span<const std::string> values);

/// A value as `features get` prints it: numbers as numbers (floats shortest round-trip),
/// true/false, a string as it is, a timestamp in ISO 8601 UTC, null as `null`.
std::string feature_value_text(const FeatureValue& value);

/// The DType a value has (null: nullopt).
std::optional<DType> feature_value_type(const FeatureValue& value);

}  // namespace mlops
