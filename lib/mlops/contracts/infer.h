#pragma once
// `mlops contract infer DATA > contract.yaml`: a draft contract from data, for a person to
// review: types, null rates, ranges, small category sets, unique columns.

#include <string>

#include "mlops/core/table.h"

namespace mlops {

/// How a draft is made.
struct InferOptions {
  std::string source;          // named in the header comment
  size_t max_categories = 20;  // string columns with at most this many values get `values`
};

/// The draft as YAML (one flow map per column), readable by parse_contract: `rows: {min: 1}`;
/// per column its dtype, `nullable: false` or a `max_null_fraction` rounded up to the next
/// hundredth, min / max of numbers, `values` of strings with few distinct values (else
/// min_length / max_length), and `unique: true` for an int64 or string column of 10 or more
/// values that never repeat.
std::string infer_contract_yaml(const Table& table, const InferOptions& options);

}  // namespace mlops
