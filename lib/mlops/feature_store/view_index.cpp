#include "mlops/feature_store/view_index.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"

namespace mlops {

void encode_key(const std::vector<const Column*>& keys, size_t row, std::string& out) {
  for (const Column* column : keys) {
    if (column->type() == DType::kString) {
      const std::string_view text = column->string_at(row);
      const auto size = static_cast<uint32_t>(text.size());
      out.append(reinterpret_cast<const char*>(&size), sizeof size);
      out.append(text);
    } else {
      const int64_t value = column->int_at(row);
      out.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
  }
}

size_t ViewIndex::Hash::operator()(std::string_view text) const {
  return static_cast<size_t>(hash64(text));
}

ViewIndex::ViewIndex(ViewRows rows, int64_t ttl_us) : rows_(std::move(rows)), ttl_us_(ttl_us) {
  const Table& table = rows_.table;
  const size_t n = table.num_rows();
  if (n >= std::numeric_limits<uint32_t>::max()) {
    throw DataError("feature view rows: {} rows from {}; at most 4 billion are supported", n,
                    rows_.source);
  }
  std::vector<const Column*> keys;
  for (const std::string& name : rows_.keys) keys.push_back(&table.column(name));
  const Column& time = table.column(rows_.event_time);

  // Each row's group, then a counting sort by group that keeps the time order within groups.
  std::vector<uint32_t> group_of(n);
  std::vector<uint32_t> sizes;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids;
  std::string key;
  for (size_t row = 0; row < n; ++row) {
    key.clear();
    encode_key(keys, row, key);
    auto it = ids.find(std::string_view(key));
    if (it == ids.end()) {
      it = ids.emplace(key, static_cast<uint32_t>(sizes.size())).first;
      sizes.push_back(0);
    }
    group_of[row] = it->second;
    ++sizes[it->second];
  }
  std::vector<uint32_t> start(sizes.size() + 1, 0);
  for (size_t g = 0; g < sizes.size(); ++g) start[g + 1] = start[g] + sizes[g];
  times_.resize(n);
  order_.resize(n);
  std::vector<uint32_t> next(start.begin(), start.end() - 1);
  for (size_t row = 0; row < n; ++row) {
    const uint32_t at = next[group_of[row]]++;
    times_[at] = time.int_at(row);
    order_[at] = static_cast<uint32_t>(row);
  }
  groups_.reserve(ids.size());
  for (auto& [name, id] : ids) groups_.emplace(name, Range{start[id], start[id + 1]});
}

std::optional<size_t> ViewIndex::lookup(std::string_view key, int64_t t) const {
  const auto it = groups_.find(key);
  if (it == groups_.end()) return std::nullopt;
  const int64_t* begin = times_.data() + it->second.begin;
  const int64_t* end = times_.data() + it->second.end;
  // The first row after t; the one before it is the latest at or before t (the last written
  // of equal times, since the sort kept the written order).
  const int64_t* after = std::upper_bound(begin, end, t);
  if (after == begin) return std::nullopt;
  const int64_t* at = after - 1;
  if (ttl_us_ > 0 && t - *at > ttl_us_) return std::nullopt;
  return order_[static_cast<size_t>(at - times_.data())];
}

}  // namespace mlops
