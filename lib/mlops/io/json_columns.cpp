#include "mlops/io/json_columns.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"

namespace mlops::io_detail {
namespace {

// An empty nested object has no leaf to flatten to, so it reads as a null under its own name.
bool is_null(const Json* value) {
  return !value || value->is_null() || value->is_object();
}

// A string's own characters; any other value as compact JSON.
std::string value_text(const Json& value) {
  return value.is_string() ? value.get_ref<const std::string&>() : value.dump();
}

// Integers, and floats with an integral value (3.0), that fit an int64.
std::optional<int64_t> as_int64(const Json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<int64_t>();
  if (value.is_number_unsigned()) {
    const auto number = value.get<uint64_t>();
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(number);
  }
  if (value.is_number_float()) {
    const double number = value.get<double>();
    constexpr double kLimit = 9223372036854775808.0;  // 2^63
    if (std::trunc(number) == number && number >= -kLimit && number < kLimit) {
      return static_cast<int64_t>(number);
    }
  }
  return std::nullopt;
}

// Why a non-null value cannot fill a declared column, or nullopt when it can. Strings are
// parsed like CSV fields; other values must already have a fitting JSON type.
std::optional<std::string> reject_value(const DeclaredCheck& check, const Json& value) {
  if (value.is_string()) return check.reject(value.get_ref<const std::string&>());
  bool fits = false;
  switch (check.type()) {
    case DType::kInt64: fits = as_int64(value).has_value(); break;
    case DType::kFloat64: fits = value.is_number(); break;
    case DType::kBool: fits = value.is_boolean(); break;
    case DType::kTimestamp: fits = false; break;
    case DType::kString: return check.reject(value.dump());
  }
  if (!fits) return cannot_parse(value.dump(), check.type());
  return std::nullopt;
}

DType infer_type(const std::vector<const Json*>& values) {
  bool any = false, ints = true, numbers = true, bools = true, strings = true;
  for (const Json* value : values) {
    if (is_null(value)) continue;
    any = true;
    ints = ints && value->is_number_integer() && as_int64(*value).has_value();
    numbers = numbers && value->is_number();
    bools = bools && value->is_boolean();
    strings = strings && value->is_string();
  }
  if (!any) return DType::kString;
  if (ints) return DType::kInt64;
  if (numbers) return DType::kFloat64;
  if (bools) return DType::kBool;
  if (!strings) return DType::kString;
  for (const Json* value : values) {
    if (!is_null(value) && !parse_timestamp(value->get_ref<const std::string&>())) {
      return DType::kString;
    }
  }
  return DType::kTimestamp;
}

// Appends a value already known to fit the column's type (declared and checked, or inferred).
void push_value(Column& column, const Json* value, const TimestampFormat* format) {
  if (is_null(value)) {
    column.push_null();
    return;
  }
  if (value->is_string() && column.type() != DType::kString) {
    push_text(column, value->get_ref<const std::string&>(), format);
    return;
  }
  switch (column.type()) {
    case DType::kInt64: column.push_int(*as_int64(*value)); break;
    case DType::kFloat64: column.push_float(value->get<double>()); break;
    case DType::kBool: column.push_bool(value->get<bool>()); break;
    case DType::kTimestamp: column.push_null(); break;  // unreachable: only strings fit
    case DType::kString:
      if (value->is_string()) {
        column.push_string(value->get_ref<const std::string&>());
      } else {
        column.push_string(value->dump());
      }
      break;
  }
}

}  // namespace

void JsonColumns::add(const Json& record, size_t line, size_t index) {
  if (!record.is_object()) {
    reject(record, line, index, "", "",
           fmt::format("expected a JSON object, found {}", record.type_name()));
    return;
  }
  flat_.clear();
  path_.clear();
  flatten(record);
  ++stamp_;
  for (const auto& [slot_id, value] : flat_) {
    Slot& slot = slots_[slot_id];
    if (slot.stamp == stamp_) {
      reject(record, line, index, slot.name, "",
             fmt::format("key '{}' appears twice once nested objects are flattened", slot.name));
      return;
    }
    slot.stamp = stamp_;
    if (slot.declared && !is_null(value)) {
      if (auto reason = reject_value(*slot.declared, *value)) {
        reject(record, line, index, slot.name, value_text(*value), std::move(*reason));
        return;
      }
    }
  }
  for (const auto& [slot_id, value] : flat_) {
    Slot& slot = slots_[slot_id];
    slot.values.resize(rows_, nullptr);  // records that lacked the key
    slot.values.push_back(value);
    slot.accepted = true;
  }
  ++rows_;
}

void JsonColumns::flatten(const Json& object) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const size_t prefix = path_.size();
    path_.append(it.key());
    if (it->is_object() && !it->empty()) {
      path_.push_back('.');
      flatten(*it);
    } else {
      flat_.emplace_back(slot_for(path_), &*it);
    }
    path_.resize(prefix);
  }
}

size_t JsonColumns::slot_for(std::string_view name) {
  if (auto it = slot_index_.find(name); it != slot_index_.end()) return it->second;
  Slot slot;
  slot.name = std::string(name);
  for (const auto& decl : options_.declared) {
    if (decl.name == name) {
      slot.declared.emplace(decl);
      break;
    }
  }
  slots_.push_back(std::move(slot));
  slot_index_.emplace(std::string(name), slots_.size() - 1);
  return slots_.size() - 1;
}

void JsonColumns::reject(const Json& record, size_t line, size_t index, std::string column,
                         std::string value, std::string reason) {
  bad_.push_back({options_.source_name, line, index, std::move(column), std::move(value),
                  std::move(reason), record.dump()});
}

ReadResult JsonColumns::finish() {
  for (const auto& decl : options_.declared) slot_for(decl.name);
  ReadResult result;
  for (Slot& slot : slots_) {
    // A key seen only in rejected records makes no column, unless it was declared.
    if (!slot.accepted && !slot.declared) continue;
    slot.values.resize(rows_, nullptr);
    Column column(slot.name, slot.declared ? slot.declared->type() : infer_type(slot.values));
    column.reserve(rows_);
    const TimestampFormat* format = slot.declared ? slot.declared->format() : nullptr;
    for (const Json* value : slot.values) push_value(column, value, format);
    result.table.add_column(std::move(column));
  }
  result.bad = std::move(bad_);
  return result;
}

}  // namespace mlops::io_detail
