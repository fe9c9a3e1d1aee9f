#pragma once
// Loops over a numeric column's values that decide its storage type once, not per row, and a
// memo for a costly result per distinct value (features repeat few values: hours, codes,
// distances), shared by transforms, profiles, drift and contract checks.

#include <bit>
#include <cstdint>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/table.h"

namespace mlops {

/// Calls visit(values) with the column's typed storage: floats() for float64, ints() for int64,
/// bool and timestamp (the types numeric_at reads). A null's slot holds an arbitrary value.
template <typename Visit>
decltype(auto) visit_numeric(const Column& column, Visit visit) {
  if (column.type() == DType::kString) {
    throw InternalError("visit_numeric on string column '{}'", column.name());
  }
  if (column.type() == DType::kFloat64) return visit(column.floats());
  return visit(column.ints());
}

/// compute(x) kept per value in a direct-mapped cache of 2^slot_bits slots keyed by the value's
/// bits: a repeated value costs a multiply and a compare, a new one evicts its slot's.
template <typename Result>
class ValueMemo {
 public:
  explicit ValueMemo(unsigned slot_bits = 12)
      : shift_(64 - slot_bits), slots_(size_t{1} << slot_bits) {}

  template <typename Compute>
  const Result& get(double x, Compute compute) {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    Slot& slot = slots_[(bits * 0x9E3779B97F4A7C15ULL) >> shift_];
    if (!slot.used || slot.bits != bits) slot = {bits, compute(x), true};
    return slot.result;
  }

 private:
  struct Slot {
    uint64_t bits = 0;
    Result result{};
    bool used = false;
  };
  unsigned shift_;
  std::vector<Slot> slots_;
};

}  // namespace mlops
