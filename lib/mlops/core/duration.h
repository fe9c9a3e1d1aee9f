#pragma once
// Durations as workflows and contracts write them: a whole number and a unit, "90s", "30m",
// "12h", "7d", "2w". Shared by window aggregates (featurize) and freshness checks (contracts).

#include <cstdint>
#include <optional>
#include <string_view>

namespace mlops {

/// Microseconds in the duration; nullopt unless the text is <positive integer><s|m|h|d|w>.
std::optional<int64_t> parse_duration(std::string_view text);

}  // namespace mlops
