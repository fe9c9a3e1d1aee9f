#pragma once
// Values as the report prints them, shared by the HTML and Markdown renderings so both show
// the same digits. Results are plain text: the caller escapes them for its format.

#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

/// Strings as they are, integers with thousands separators, other numbers to 4 significant
/// digits, booleans as true/false, null as "".
std::string report_value(const nlohmann::json& value);
/// A signed difference to 4 significant digits ("+0.1234"); "" unless both are numbers.
std::string report_delta(const nlohmann::json& value, const nlohmann::json& reference);
/// A data profile's min/max of a column of `type`: timestamps (microseconds) as dates and
/// times, int64 as integers, floats to 4 significant digits; "" when not a number.
std::string report_column_value(const std::string& type, const nlohmann::json& value);
/// A count with thousands separators ("3,012,345").
std::string report_count(uint64_t count);

}  // namespace mlops
