#include "mlops/features/categories.h"

#include <algorithm>

namespace mlops {

std::string category_key(const Column& column, size_t row) {
  return column.format_value(row);
}

std::vector<std::pair<std::string, size_t>> count_categories(const Column& column,
                                                             std::span<const size_t> rows) {
  StringMap<size_t> counts;
  for_each_category(column, rows, [&](size_t, std::string_view key) {
    auto it = counts.find(key);
    if (it == counts.end()) {
      counts.emplace(std::string(key), 1);
    } else {
      ++it->second;
    }
  });
  std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return sorted;
}

}  // namespace mlops
