#include "mlops/core/table.h"

#include <fmt/format.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/core/value_format.h"

namespace mlops {

std::string_view dtype_name(DType type) {
  switch (type) {
    case DType::kInt64: return "int64";
    case DType::kFloat64: return "float64";
    case DType::kBool: return "bool";
    case DType::kString: return "string";
    case DType::kTimestamp: return "timestamp";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
  if (name == "int64" || name == "int") return DType::kInt64;
  if (name == "float64" || name == "float" || name == "double") return DType::kFloat64;
  if (name == "bool" || name == "boolean") return DType::kBool;
  if (name == "string" || name == "str") return DType::kString;
  if (name == "timestamp" || name == "datetime") return DType::kTimestamp;
  return std::nullopt;
}

const std::vector<std::string>& dtype_names() {
  static const std::vector<std::string> names{"int64", "float64", "bool", "string", "timestamp"};
  return names;
}

Column::Column(std::string name, DType type) : name_(std::move(name)), type_(type) {}

void Column::reserve(size_t rows, size_t string_bytes) {
  validity_.reserve((rows + 63) / 64);
  if (type_ == DType::kFloat64) {
    floats_.reserve(rows);
  } else if (type_ == DType::kString) {
    offsets_.reserve(rows + 1);
    chars_.reserve(string_bytes);
  } else {
    ints_.reserve(rows);
  }
}

void Column::push_null() {
  if ((size_ & 63) == 0) validity_.push_back(0);
  ++size_;
  ++null_count_;
  switch (type_) {
    case DType::kFloat64: floats_.push_back(std::nan("")); break;
    case DType::kString: offsets_.push_back(chars_.size()); break;
    default: ints_.push_back(0); break;
  }
}

double Column::numeric_at(size_t row) const {
  if (is_null(row)) return std::nan("");
  switch (type_) {
    case DType::kFloat64: return floats_[row];
    case DType::kString: throw InternalError("numeric_at called on string column '{}'", name_);
    default: return static_cast<double>(ints_[row]);
  }
}

std::string Column::format_value(size_t row) const {
  if (is_null(row)) return "";
  switch (type_) {
    case DType::kInt64: return std::to_string(ints_[row]);
    case DType::kFloat64: return format_double(floats_[row]);
    case DType::kBool: return ints_[row] ? "true" : "false";
    case DType::kString: return std::string(string_at(row));
    case DType::kTimestamp: return format_timestamp(ints_[row]);
  }
  return "";
}

Column Column::take(std::span<const size_t> rows) const {
  Column out(name_, type_);
  out.reserve(rows.size());
  for (size_t row : rows) {
    if (is_null(row)) {
      out.push_null();
      continue;
    }
    switch (type_) {
      case DType::kFloat64: out.push_float(floats_[row]); break;
      case DType::kString: out.push_string(string_at(row)); break;
      default: out.push_int(ints_[row]); break;
    }
  }
  return out;
}

void Column::append(const Column& other) {
  if (other.type_ != type_) {
    throw InternalError("cannot append {} column '{}' to {} column '{}'", dtype_name(other.type_),
                        other.name_, dtype_name(type_), name_);
  }
  if (other.size_ == 0) return;
  // Validity: copy whole words when aligned, else bit by bit per 64-bit word of `other`.
  const size_t offset = size_ & 63;
  const size_t new_size = size_ + other.size_;
  validity_.resize((new_size + 63) / 64, 0);
  for (size_t w = 0; w < other.validity_.size(); ++w) {
    uint64_t word = other.validity_[w];
    if (w == other.validity_.size() - 1 && (other.size_ & 63)) {
      word &= (uint64_t{1} << (other.size_ & 63)) - 1;  // only the bits of real rows
    }
    const size_t target = (size_ >> 6) + w;
    validity_[target] |= word << offset;
    if (offset && target + 1 < validity_.size()) validity_[target + 1] |= word >> (64 - offset);
  }
  switch (type_) {
    case DType::kFloat64:
      floats_.insert(floats_.end(), other.floats_.begin(), other.floats_.end());
      break;
    case DType::kString: {
      const uint64_t base = chars_.size();
      chars_.append(other.chars_);
      offsets_.reserve(offsets_.size() + other.size_);
      for (size_t i = 1; i < other.offsets_.size(); ++i)
        offsets_.push_back(base + other.offsets_[i]);
      break;
    }
    default: ints_.insert(ints_.end(), other.ints_.begin(), other.ints_.end()); break;
  }
  size_ = new_size;
  null_count_ += other.null_count_;
}

void Column::clear() {
  size_ = 0;
  null_count_ = 0;
  std::vector<uint64_t>().swap(validity_);
  std::vector<int64_t>().swap(ints_);
  std::vector<double>().swap(floats_);
  std::vector<uint64_t>{0}.swap(offsets_);
  std::string().swap(chars_);
}

void Column::widen_to_float() {
  if (type_ != DType::kInt64)
    throw InternalError("widen_to_float on {} column '{}'", dtype_name(type_), name_);
  floats_.resize(size_);
  for (size_t row = 0; row < size_; ++row) {
    floats_[row] = is_null(row) ? std::nan("") : static_cast<double>(ints_[row]);
  }
  std::vector<int64_t>().swap(ints_);
  type_ = DType::kFloat64;
}

void Table::add_column(Column column) {
  if (find(column.name())) throw InternalError("duplicate column '{}'", column.name());
  if (!columns_.empty() && column.size() != num_rows()) {
    throw InternalError("column '{}' has {} rows, table has {}", column.name(), column.size(),
                        num_rows());
  }
  columns_.push_back(std::move(column));
}

void Table::set_column(Column column) {
  for (auto& existing : columns_) {
    if (existing.name() == column.name()) {
      if (column.size() != existing.size()) {
        throw InternalError("column '{}' has {} rows, table has {}", column.name(), column.size(),
                            num_rows());
      }
      existing = std::move(column);
      return;
    }
  }
  add_column(std::move(column));
}

bool Table::remove_column(std::string_view name) {
  for (auto it = columns_.begin(); it != columns_.end(); ++it) {
    if (it->name() == name) {
      columns_.erase(it);
      return true;
    }
  }
  return false;
}

Column Table::release_column(std::string_view name) {
  for (auto it = columns_.begin(); it != columns_.end(); ++it) {
    if (it->name() == name) {
      Column column = std::move(*it);
      columns_.erase(it);
      return column;
    }
  }
  throw DataError("no column '{}'{}", name, did_you_mean(name, column_names()));
}

const Column* Table::find(std::string_view name) const {
  for (const auto& column : columns_) {
    if (column.name() == name) return &column;
  }
  return nullptr;
}

const Column& Table::column(std::string_view name) const {
  if (const Column* found = find(name)) return *found;
  throw DataError("no column '{}'{}", name, did_you_mean(name, column_names()));
}

std::vector<std::string> Table::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const auto& column : columns_) names.push_back(column.name());
  return names;
}

Schema Table::schema() const {
  Schema schema;
  for (const auto& column : columns_) schema.push_back({column.name(), column.type()});
  return schema;
}

Table Table::empty(const Schema& schema) {
  Table table;
  for (const auto& field : schema) table.add_column(Column(field.name, field.type));
  return table;
}

Table Table::take(std::span<const size_t> rows) const {
  Table out;
  for (const auto& column : columns_) out.add_column(column.take(rows));
  return out;
}

}  // namespace mlops
