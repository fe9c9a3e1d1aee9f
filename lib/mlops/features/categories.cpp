#include "mlops/features/categories.h"

#include <algorithm>

#include "mlops/core/key_table.h"

namespace mlops {

std::string category_key(const Column& column, size_t row) {
  return column.format_value(row);
}

std::vector<std::pair<std::string, size_t>> count_categories(const Column& column,
                                                             std::span<const size_t> rows) {
  KeyTable<size_t> counts;
  for_each_category(column, rows, [&](size_t, std::string_view key) {
    ++counts.find_or_insert(key, [] { return size_t{0}; });
  });
  std::vector<std::pair<std::string, size_t>> sorted = std::move(counts.entries());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return sorted;
}

}  // namespace mlops
