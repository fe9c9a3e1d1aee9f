#pragma once
// A predict request's body, parsed once and checked before any lookup: the JSON limits (nesting
// depth, rows), the shape ({"key": {...}}, {"rows": [{...}]} or both) and, against the served
// model, every field's type. Each failure is a RequestError with the HTTP status it answers and
// a message naming the field or the byte: never a path, a trace or a secret.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/feature_store.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// A request the server refuses: `status` (400, 404, 413, 422, ...) and what to tell the client.
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// A parsed predict body.
struct PredictRequest {
  nlohmann::json key;                // an object, or null when absent
  std::vector<nlohmann::json> rows;  // objects of scalars; empty when absent
};

/// The deepest nesting of arrays and objects in `body` (strings skipped): checked before the
/// JSON is parsed, so a hostile body never builds a deep tree.
size_t json_depth(std::string_view body);

/// Parses a predict body. Throws RequestError: 413 deeper than `max_depth` or more than
/// `max_rows` rows; 400 not JSON ("malformed JSON at byte N: ..."); 422 not an object, an
/// unknown top-level field (with "did you mean"), `key` not an object, `rows` not an array of
/// objects, a value that is an array or an object, neither `key` nor `rows`.
PredictRequest parse_predict_request(std::string_view body, size_t max_depth, size_t max_rows);

/// The entity whose key columns are exactly the fields of `key`, or RequestError 422 naming
/// the entities' key columns. Checks each key value's type (an int key: an integer number or
/// a string of digits; a string key: a string or an integer) and returns the key columns'
/// values as text, in the entity's key order.
const EntitySpec& match_entity(const FeatureStoreSpec& store, const nlohmann::json& key,
                               std::vector<std::string>& values);

/// Checks each row field against the model's input columns (`schema`) and `extra` (id
/// columns read as text): an unknown field is 422 with "did you mean"; a value of the wrong
/// type is 422 naming `rows[i].field` and the expected type (int64: an integer; float64: a
/// number; bool: true/false; string: a string; timestamp: ISO 8601 text or epoch seconds).
void check_rows(const std::vector<nlohmann::json>& rows, const std::vector<ColumnDecl>& schema,
                const std::vector<std::string>& extra);

}  // namespace mlops
