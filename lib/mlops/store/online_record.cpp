#include "mlops/store/online_record.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/core/value_format.h"

namespace mlops {

namespace {

constexpr uint64_t kSignFlip = uint64_t{1} << 63;

enum Tag : uint8_t { kNull = 0, kInt = 1, kFloat = 2, kBool = 3, kString = 4, kTimestamp = 5 };

char* store_u32(char* at, uint32_t value) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>(value >> (8 * i));
  return at + 4;
}

char* store_u64(char* at, uint64_t value) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<char>(value >> (8 * i));
  return at + 8;
}

/// Not an encoding of this version (try_decode_online_value turns it into false).
struct BadBytes {};

/// Reads the encoding front to back; any overrun throws BadBytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::string_view take(size_t n) {
    if (bytes_.size() - pos_ < n) bad();
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t u64() {
    const std::string_view b = take(8);
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(b[i]);
    return value;
  }
  uint32_t u32() {
    const std::string_view b = take(4);
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(b[i]);
    return value;
  }
  uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
  bool done() const { return pos_ == bytes_.size(); }
  [[noreturn]] void bad() const { throw BadBytes{}; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

std::string event_time_prefix(int64_t event_time_us) {
  return fmt::format("{:020}", static_cast<uint64_t>(event_time_us) ^ kSignFlip);
}

int64_t parse_event_time_prefix(std::string_view prefix) {
  uint64_t value = 0;
  if (prefix.size() != kEventPrefixBytes) throw DataError("not an event-time prefix");
  for (char c : prefix) {
    if (c < '0' || c > '9') throw DataError("not an event-time prefix");
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return static_cast<int64_t>(value ^ kSignFlip);
}

void encode_online_value(std::span<const OnlineColumn> columns, const OnlineRecord& record,
                         int64_t write_time_us, std::string& out) {
  // One resize, then plain stores: this runs once per key materialized.
  size_t bytes = kEventPrefixBytes + 8 + 4;
  for (size_t i = 0; i < columns.size(); ++i) {
    bytes += 4 + columns[i].name.size() + 1;
    const FeatureValue& value = i < record.values.size() ? record.values[i] : FeatureValue{};
    switch (value.index()) {
      case 1:
      case 2:
      case 5: bytes += 8; break;
      case 3: bytes += 1; break;
      case 4: bytes += 4 + std::get<std::string>(value).size(); break;
      default: break;
    }
  }
  const size_t start = out.size();
  out.resize(start + bytes);
  char* at = out.data() + start;
  uint64_t event = static_cast<uint64_t>(record.event_time_us) ^ kSignFlip;
  for (size_t i = kEventPrefixBytes; i-- > 0; event /= 10)
    at[i] = static_cast<char>('0' + event % 10);
  at += kEventPrefixBytes;
  at = store_u64(at, static_cast<uint64_t>(write_time_us));
  at = store_u32(at, static_cast<uint32_t>(columns.size()));
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& name = columns[i].name;
    at = store_u32(at, static_cast<uint32_t>(name.size()));
    std::memcpy(at, name.data(), name.size());
    at += name.size();
    const FeatureValue& value = i < record.values.size() ? record.values[i] : FeatureValue{};
    if (const auto* v = std::get_if<int64_t>(&value)) {
      *at++ = static_cast<char>(kInt);
      at = store_u64(at, static_cast<uint64_t>(*v));
    } else if (const auto* d = std::get_if<double>(&value)) {
      *at++ = static_cast<char>(kFloat);
      at = store_u64(at, std::bit_cast<uint64_t>(*d));
    } else if (const auto* b = std::get_if<bool>(&value)) {
      *at++ = static_cast<char>(kBool);
      *at++ = static_cast<char>(*b ? 1 : 0);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      *at++ = static_cast<char>(kString);
      at = store_u32(at, static_cast<uint32_t>(text->size()));
      std::memcpy(at, text->data(), text->size());
      at += text->size();
    } else if (const auto* t = std::get_if<TimestampValue>(&value)) {
      *at++ = static_cast<char>(kTimestamp);
      at = store_u64(at, static_cast<uint64_t>(t->micros));
    } else {
      *at++ = static_cast<char>(kNull);
    }
  }
}

bool try_decode_online_value(std::string_view bytes, OnlineLookup& lookup) try {
  Reader in(bytes);
  const std::string_view prefix = in.take(kEventPrefixBytes);
  uint64_t event = 0;
  for (char c : prefix) {
    if (c < '0' || c > '9') in.bad();
    event = event * 10 + static_cast<uint64_t>(c - '0');
  }
  lookup.event_time_us = static_cast<int64_t>(event ^ kSignFlip);
  lookup.write_time_us = static_cast<int64_t>(in.u64());
  const uint32_t count = in.u32();
  lookup.columns.clear();
  lookup.values.clear();
  lookup.columns.reserve(count);
  lookup.values.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t name_size = in.u32();
    lookup.columns.emplace_back(in.take(name_size));
    switch (in.u8()) {
      case kNull: lookup.values.emplace_back(); break;
      case kInt: lookup.values.emplace_back(static_cast<int64_t>(in.u64())); break;
      case kFloat: lookup.values.emplace_back(std::bit_cast<double>(in.u64())); break;
      case kBool: lookup.values.emplace_back(in.u8() != 0); break;
      case kString: {
        const uint32_t size = in.u32();
        lookup.values.emplace_back(std::string(in.take(size)));
        break;
      }
      case kTimestamp:
        lookup.values.emplace_back(TimestampValue{static_cast<int64_t>(in.u64())});
        break;
      default: in.bad();
    }
  }
  if (!in.done()) in.bad();
  lookup.found = true;
  return true;
} catch (const BadBytes&) {
  return false;
}

void decode_online_value(std::string_view bytes, std::string_view where, OnlineLookup& lookup) {
  if (!try_decode_online_value(bytes, lookup)) {
    throw DataError("{}: not an online-store value written by this mlops (corrupt or newer)",
                    where);
  }
}

bool is_stale(int64_t event_time_us, const LookupOptions& options) {
  if (options.ttl_us <= 0) return false;
  const int64_t now = options.now_us != 0 ? options.now_us : now_micros();
  return event_time_us < now - options.ttl_us;
}

std::string entity_key_text(std::span<const std::string> values) {
  if (values.size() == 1) return values.front();
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += '\x1f';
    out += values[i];
  }
  return out;
}

std::string feature_value_text(const FeatureValue& value) {
  if (const auto* v = std::get_if<int64_t>(&value)) return std::to_string(*v);
  if (const auto* d = std::get_if<double>(&value)) return format_double(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* t = std::get_if<TimestampValue>(&value)) return format_timestamp(t->micros);
  return "null";
}

std::optional<DType> feature_value_type(const FeatureValue& value) {
  switch (value.index()) {
    case 1: return DType::kInt64;
    case 2: return DType::kFloat64;
    case 3: return DType::kBool;
    case 4: return DType::kString;
    case 5: return DType::kTimestamp;
    default: return std::nullopt;
  }
}

}  // namespace mlops

namespace mlops {

std::string columns_to_json(std::span<const OnlineColumn> columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const OnlineColumn& column : columns) {
    out.push_back({{"name", column.name}, {"type", std::string(dtype_name(column.type))}});
  }
  return out.dump();
}

std::vector<OnlineColumn> columns_from_json(std::string_view text) {
  std::vector<OnlineColumn> columns;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return columns;
  for (const auto& item : parsed) {
    if (!item.is_object() || !item.contains("name")) continue;
    OnlineColumn column;
    column.name = item.value("name", "");
    column.type = parse_dtype(item.value("type", "string")).value_or(DType::kString);
    columns.push_back(std::move(column));
  }
  return columns;
}

std::string names_to_json(std::span<const std::string> names) {
  return nlohmann::json(std::vector<std::string>(names.begin(), names.end())).dump();
}

std::vector<std::string> names_from_json(std::string_view text) {
  std::vector<std::string> names;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return names;
  for (const auto& item : parsed) {
    if (item.is_string()) names.push_back(item.get<std::string>());
  }
  return names;
}

}  // namespace mlops
