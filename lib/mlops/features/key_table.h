#pragma once
// A per-pass table from category text to a value, for loops that look up every row of a column
// (counting categories, mapping them to codes): open addressing over a power-of-two array with
// XXH3 hashes, so a lookup is one hash and usually one key comparison. Distinct keys are few
// next to rows, so each is stored once as a string and found by view.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlops/core/hash.h"

namespace mlops {

template <typename Value>
class KeyTable {
 public:
  /// The value stored for `key`; on first sight stores make() (which may throw) and returns it.
  template <typename Make>
  Value& find_or_insert(std::string_view key, Make make) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const uint64_t hash = hash64(key);
    for (size_t at = hash & mask_;; at = (at + 1) & mask_) {
      Slot& slot = slots_[at];
      if (slot.index == kEmpty) {
        entries_.emplace_back(std::string(key), make());
        slot = {hash, static_cast<uint32_t>(entries_.size() - 1)};
        return entries_.back().second;
      }
      if (slot.hash == hash && entries_[slot.index].first == key) {
        return entries_[slot.index].second;
      }
    }
  }
  size_t size() const { return entries_.size(); }
  /// (key, value) pairs in the order the keys were first seen.
  std::vector<std::pair<std::string, Value>>& entries() { return entries_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kEmpty;
  };

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.index == kEmpty) continue;
      size_t at = slot.hash & mask_;
      while (slots_[at].index != kEmpty) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<std::pair<std::string, Value>> entries_;
};

}  // namespace mlops
