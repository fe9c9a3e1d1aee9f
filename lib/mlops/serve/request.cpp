#include "mlops/serve/request.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "mlops/core/suggest.h"
#include "mlops/core/time.h"

namespace mlops {

namespace {

bool is_scalar(const nlohmann::json& value) {
  return value.is_null() || value.is_string() || value.is_number() || value.is_boolean();
}

std::string json_type(const nlohmann::json& value) {
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return "an integer beyond int64";
  }
  if (value.is_number_integer() || value.is_number_unsigned()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

bool is_integer(const nlohmann::json& value) {
  // An unsigned number above INT64_MAX would wrap around to a negative one.
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double number = value.get<double>();
  return std::isfinite(number) && number == std::trunc(number) && std::fabs(number) < 9.2e18;
}

// What a value of `type` must be, for messages.
const char* expected_text(DType type) {
  switch (type) {
    case DType::kInt64: return "an integer";
    case DType::kFloat64: return "a number";
    case DType::kBool: return "true or false";
    case DType::kString: return "a string";
    case DType::kTimestamp: return "an ISO 8601 timestamp or epoch seconds";
  }
  return "a value";
}

// Epoch seconds a timestamp may hold: the years 0000 to 9999, as ISO 8601 text can say (beyond,
// the microseconds would overflow int64 and a garbage time would be scored).
bool epoch_seconds_in_range(const nlohmann::json& value) {
  constexpr double kFirst = -62167219200.0;  // 0000-01-01T00:00:00Z
  constexpr double kEnd = 253402300800.0;    // 10000-01-01T00:00:00Z
  const double seconds = value.get<double>();
  return std::isfinite(seconds) && seconds >= kFirst && seconds < kEnd;
}

bool fits(const nlohmann::json& value, DType type) {
  if (value.is_null()) return true;
  switch (type) {
    case DType::kInt64: return is_integer(value);
    case DType::kFloat64: return value.is_number();
    case DType::kBool: return value.is_boolean();
    case DType::kString: return value.is_string();
    case DType::kTimestamp:
      return (value.is_number() && epoch_seconds_in_range(value)) ||
             (value.is_string() && parse_timestamp(value.get_ref<const std::string&>()));
  }
  return false;
}

}  // namespace

size_t json_depth(std::string_view body) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

PredictRequest parse_predict_request(std::string_view body, size_t max_depth, size_t max_rows) {
  if (const size_t depth = json_depth(body); depth > max_depth) {
    throw RequestError(413, fmt::format("request body nests {} levels deep; at most {} allowed "
                                        "(serve.max_json_depth)",
                                        depth, max_depth));
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte where the parser stopped.
    throw RequestError(400, fmt::format("malformed JSON at byte {}", e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond a double's range (1e400): the parser says no byte.
    throw RequestError(400, "malformed JSON: a number beyond the range of a double (1.8e308)");
  }
  if (!doc.is_object()) {
    throw RequestError(422, "request body: expected a JSON object with \"key\" and/or \"rows\"");
  }
  static const std::vector<std::string> kFields{"key", "rows"};
  PredictRequest request;
  for (auto& [name, value] : doc.items()) {
    if (name == "key") {
      if (value.is_null()) continue;
      if (!value.is_object()) {
        throw RequestError(
            422, "field 'key': expected an object of key columns, got " + json_type(value));
      }
      for (const auto& [column, part] : value.items()) {
        if (!part.is_string() && !is_integer(part)) {
          throw RequestError(422, fmt::format("field 'key.{}': expected a string or an integer, "
                                              "got {}",
                                              column, json_type(part)));
        }
      }
      request.key = std::move(value);
    } else if (name == "rows") {
      if (value.is_null()) continue;
      if (!value.is_array()) {
        throw RequestError(422,
                           "field 'rows': expected an array of objects, got " + json_type(value));
      }
      if (value.size() > max_rows) {
        throw RequestError(413, fmt::format("field 'rows': {} rows; at most {} allowed "
                                            "(serve.max_rows)",
                                            value.size(), max_rows));
      }
      request.rows.reserve(value.size());
      for (size_t i = 0; i < value.size(); ++i) {
        nlohmann::json& row = value[i];
        if (!row.is_object()) {
          throw RequestError(
              422, fmt::format("field 'rows[{}]': expected an object, got {}", i, json_type(row)));
        }
        for (const auto& [field, cell] : row.items()) {
          if (!is_scalar(cell)) {
            throw RequestError(422, fmt::format("field 'rows[{}].{}': expected a scalar, got {}", i,
                                                field, json_type(cell)));
          }
        }
        request.rows.push_back(std::move(row));
      }
    } else {
      throw RequestError(422, fmt::format("unknown field '{}'{}; expected \"key\" and/or \"rows\"",
                                          name, did_you_mean(name, kFields)));
    }
  }
  if (request.key.is_null() && request.rows.empty()) {
    throw RequestError(422,
                       "request body: give \"key\" (an entity key), \"rows\" (raw columns) "
                       "or both");
  }
  return request;
}

const EntitySpec& match_entity(const FeatureStoreSpec& store, const nlohmann::json& key,
                               std::vector<std::string>& values) {
  std::vector<std::string> described;
  for (const EntitySpec& entity : store.entities) {
    std::vector<std::string> names;
    for (const EntityKey& column : entity.keys) names.push_back(column.column);
    described.push_back(fmt::format("{} ({})", entity.name, fmt::join(names, ", ")));
    if (key.size() != entity.keys.size()) continue;
    bool all = true;
    for (const EntityKey& column : entity.keys) all = all && key.contains(column.column);
    if (!all) continue;
    values.clear();
    for (const EntityKey& column : entity.keys) {
      const nlohmann::json& part = key.at(column.column);
      if (column.type == DType::kInt64) {
        if (part.is_string()) {
          // Decimal digits with an optional '-', within int64: as `features get` reads a key.
          const std::string& text = part.get_ref<const std::string&>();
          int64_t number = 0;
          const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
          if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
            throw RequestError(
                422, fmt::format("field 'key.{}': expected an integer (entity '{}'), got {}",
                                 column.column, entity.name,
                                 error == std::errc::result_out_of_range
                                     ? "a string of digits beyond int64"
                                     : "a string"));
          }
          values.push_back(std::to_string(number));
        } else {
          values.push_back(std::to_string(part.get<int64_t>()));
        }
      } else {
        values.push_back(part.is_string() ? part.get<std::string>() : part.dump());
      }
    }
    return entity;
  }
  if (store.entities.empty()) {
    throw RequestError(422, "field 'key': this workflow declares no entities; send \"rows\"");
  }
  throw RequestError(422, fmt::format("field 'key': expected the key columns of an entity: {}",
                                      fmt::join(described, "; ")));
}

void check_rows(const std::vector<nlohmann::json>& rows, const std::vector<ColumnDecl>& schema,
                const std::vector<std::string>& extra) {
  std::vector<std::string> names;
  for (const ColumnDecl& column : schema) names.push_back(column.name);
  for (const std::string& name : extra) names.push_back(name);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& item : rows[i].items()) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda.
      const std::string& field = item.key();
      const nlohmann::json& value = item.value();
      const auto it = std::find_if(schema.begin(), schema.end(),
                                   [&](const ColumnDecl& column) { return column.name == field; });
      if (it == schema.end()) {
        if (std::find(extra.begin(), extra.end(), field) != extra.end()) {
          if (!is_scalar(value) || value.is_boolean()) {
            throw RequestError(422, fmt::format("field 'rows[{}].{}': expected a string or a "
                                                "number, got {}",
                                                i, field, json_type(value)));
          }
          continue;
        }
        throw RequestError(422, fmt::format("field 'rows[{}].{}': the model has no input column "
                                            "'{}'{}",
                                            i, field, field, did_you_mean(field, names)));
      }
      if (!fits(value, it->type)) {
        const bool out_of_range = it->type == DType::kTimestamp && value.is_number();
        throw RequestError(422, fmt::format("field 'rows[{}].{}': expected {} ({}), got {}", i,
                                            field, expected_text(it->type), dtype_name(it->type),
                                            out_of_range ? "a number outside the years 0000 to 9999"
                                                         : json_type(value)));
      }
    }
  }
}

}  // namespace mlops
