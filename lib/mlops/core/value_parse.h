#pragma once
// Strict parsers from text to typed values: the whole field must be consumed, else nullopt.

#include <cstdint>
#include <optional>
#include <string_view>

#include "mlops/core/table.h"

namespace mlops {

std::optional<int64_t> parse_int64(std::string_view text);
/// Decimal or scientific notation, also "nan", "inf"; via fast_float.
std::optional<double> parse_double(std::string_view text);
/// true/false in any case.
std::optional<bool> parse_bool(std::string_view text);
/// True when the whole text parses as `type` with the parser above (or parse_timestamp); any
/// text is a string.
bool text_parses_as(DType type, std::string_view text);

}  // namespace mlops
