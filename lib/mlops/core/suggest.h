#pragma once
// "Did you mean ...?" suggestions for unknown names (keys, columns, subcommands).

#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// Edit distance between two strings (insertions, deletions, substitutions).
size_t edit_distance(std::string_view a, std::string_view b);

/// Returns " (did you mean 'x'?)" for the closest candidate within a small distance, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace mlops
