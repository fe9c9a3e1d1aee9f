#include "mlops/feature_store/latest_per_key.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

namespace mlops {
namespace {

constexpr size_t kEmpty = std::numeric_limits<size_t>::max();

uint64_t mix(uint64_t value) {  // splitmix64's finalizer
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

/// Open addressing with linear probing over (tag, row, time of that row) slots; the row is the
/// key's newest so far. The tag is the key itself for one integer key column (the common
/// entity: no column is read again to compare keys; the null key has a slot of its own), else
/// the hash of the key's values. Grows at half full.
class NewestRows {
 public:
  NewestRows(std::span<const Column* const> keys, const Column& time, size_t expected)
      : keys_(keys),
        time_(time),
        int_key_(keys.size() == 1 && keys[0]->type() != DType::kString &&
                 keys[0]->type() != DType::kFloat64) {
    slots_.resize(std::bit_ceil(std::max<size_t>(64, expected * 2)));
  }

  void offer(size_t row) {
    const int64_t time =
        time_.is_null(row) ? std::numeric_limits<int64_t>::min() : time_.int_at(row);
    if (int_key_ && keys_[0]->is_null(row)) {
      if (null_key_.row == kEmpty || time >= null_key_.time) null_key_ = {0, row, time};
    } else if (int_key_) {
      const uint64_t key = static_cast<uint64_t>(keys_[0]->int_at(row));
      place(key, mix(key), row, time, [key](const Slot& slot) { return slot.tag == key; });
    } else {
      const uint64_t hash = hash_of(row);
      place(hash, hash, row, time,
            [&](const Slot& slot) { return slot.tag == hash && same_key(slot.row, row); });
    }
  }

  std::vector<size_t> rows() const {
    std::vector<size_t> out;
    out.reserve(used_ + 1);
    if (null_key_.row != kEmpty) out.push_back(null_key_.row);
    for (const Slot& slot : slots_) {
      if (slot.row != kEmpty) out.push_back(slot.row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct Slot {
    uint64_t tag = 0;
    size_t row = kEmpty;
    int64_t time = 0;
  };

  template <typename Same>
  void place(uint64_t tag, uint64_t hash, size_t row, int64_t time, Same same) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.row == kEmpty) {
        slot = {tag, row, time};
        if (++used_ * 2 > slots_.size()) grow();
        return;
      }
      if (same(slot)) {
        if (time >= slot.time) {  // rows come in written order: at equal times the later wins
          slot.row = row;
          slot.time = time;
        }
        return;
      }
    }
  }

  uint64_t hash_of(size_t row) const {
    uint64_t hash = 0x9e3779b97f4a7c15ULL;
    for (const Column* key : keys_) {
      uint64_t part = 0;
      if (key->is_null(row)) {
        part = 0x5bd1e995;
      } else if (key->type() == DType::kString) {
        part = std::hash<std::string_view>{}(key->string_at(row));
      } else if (key->type() == DType::kFloat64) {
        part = std::bit_cast<uint64_t>(key->float_at(row));
      } else {
        part = static_cast<uint64_t>(key->int_at(row));
      }
      hash = mix(hash ^ part);
    }
    return hash;
  }

  bool same_key(size_t a, size_t b) const {
    for (const Column* key : keys_) {
      const bool null_a = key->is_null(a);
      if (null_a != key->is_null(b)) return false;
      if (null_a) continue;
      switch (key->type()) {
        case DType::kString:
          if (key->string_at(a) != key->string_at(b)) return false;
          break;
        case DType::kFloat64:
          if (key->float_at(a) != key->float_at(b)) return false;
          break;
        default:
          if (key->int_at(a) != key->int_at(b)) return false;
      }
    }
    return true;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.row == kEmpty) continue;
      size_t i = (int_key_ ? mix(slot.tag) : slot.tag) & mask;
      while (slots_[i].row != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::span<const Column* const> keys_;
  const Column& time_;
  const bool int_key_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
  Slot null_key_;  // the null key's newest row, with an integer key
};

}  // namespace

std::vector<size_t> latest_row_per_key(std::span<const Column* const> keys, const Column& time,
                                       std::span<const size_t> rows) {
  NewestRows newest(keys, time, rows.size() / 8);
  for (const size_t row : rows) newest.offer(row);
  return newest.rows();
}

std::vector<size_t> latest_row_per_key(std::span<const Column* const> keys, const Column& time) {
  NewestRows newest(keys, time, time.size() / 8);
  for (size_t row = 0; row < time.size(); ++row) newest.offer(row);
  return newest.rows();
}

}  // namespace mlops
