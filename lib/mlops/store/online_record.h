#pragma once
// The one encoding of a stored online value, shared by the SQLite and Redis backends:
//   20 ASCII digits   event time + 2^63, zero-padded: byte order = time order, so Redis's Lua
//                     script (and anything else) compares event times as strings
//   8 bytes           write time, little-endian
//   4 bytes           column count n, then n times:
//                       4 bytes name length, the name, 1 byte type tag, the payload
//                       (int/float/timestamp 8 bytes LE, bool 1 byte, string 4-byte length +
//                       bytes, null nothing)
// Names travel with each value so a view whose columns changed still reads its older keys.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/store/online_store.h"

namespace mlops {

/// Bytes of the event-time prefix.
inline constexpr size_t kEventPrefixBytes = 20;

/// The 20-digit text of an event time (the encoding's prefix).
std::string event_time_prefix(int64_t event_time_us);
/// The event time of a 20-digit prefix; throws DataError when it is not one.
int64_t parse_event_time_prefix(std::string_view prefix);

/// Appends the encoding of one record (values in the order of `columns`) to `out`.
void encode_online_value(std::span<const OnlineColumn> columns, const OnlineRecord& record,
                         int64_t write_time_us, std::string& out);

/// Decodes `bytes` into `lookup` (found = true; stale is left to the caller). Throws DataError
/// naming `where` when the bytes are not an encoding of this version.
void decode_online_value(std::string_view bytes, std::string_view where, OnlineLookup& lookup);
/// The same without the message: false when the bytes are not an encoding of this version (a
/// lookup of many keys builds the message only for a bad one).
bool try_decode_online_value(std::string_view bytes, OnlineLookup& lookup);

/// stale for a found value under `options` (ttl 0: never).
bool is_stale(int64_t event_time_us, const LookupOptions& options);

}  // namespace mlops

namespace mlops {

/// A view's columns as JSON text (`[{"name":"x","type":"int64"}]`) and back; the key columns
/// as a JSON list of names. Both backends keep a view's declaration in this form.
std::string columns_to_json(std::span<const OnlineColumn> columns);
std::vector<OnlineColumn> columns_from_json(std::string_view text);
std::string names_to_json(std::span<const std::string> names);
std::vector<std::string> names_from_json(std::string_view text);

}  // namespace mlops
