#include "mlops/model/metrics/score_order.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>

namespace mlops {

namespace {

/// A float's bits made to sort as unsigned integers in the float's order: negative numbers
/// reversed below the positive ones.
uint32_t sortable_bits(float value) {
  const auto bits = std::bit_cast<uint32_t>(value);
  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

}  // namespace

std::vector<size_t> ascending_order(std::span<const float> scores) {
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  if (n > std::numeric_limits<uint32_t>::max()) {  // the index would not fit beside the key
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sortable_bits(scores[a]) < sortable_bits(scores[b]);
    });
    return order;
  }
  // Key in the high half, index in the low half: least significant digit first, each pass
  // stable, so equal keys keep their index order. Three passes of 11, 11 and 10 bits.
  std::vector<uint64_t> items(n), buffer(n);
  for (size_t i = 0; i < n; ++i) items[i] = uint64_t{sortable_bits(scores[i])} << 32 | i;
  for (int shift = 32; shift < 64; shift += 11) {
    constexpr size_t kBuckets = 2048;
    std::array<size_t, kBuckets> counts{};
    for (uint64_t item : items) ++counts[(item >> shift) & (kBuckets - 1)];
    if (std::ranges::any_of(counts, [n](size_t count) { return count == n; })) continue;
    size_t at = 0;
    for (size_t& count : counts) at += std::exchange(count, at);
    for (uint64_t item : items) buffer[counts[(item >> shift) & (kBuckets - 1)]++] = item;
    items.swap(buffer);
  }
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<size_t>(items[i] & 0xffffffffu);
  return order;
}

}  // namespace mlops
