#pragma once
// Moving values between column types as the clean layer's schema evolves: int64 widens to
// float64, anything becomes text in a string column, and other pairs go through the text form
// and the strict parsers, so "42" fits an int64 column but "forty-two" does not.

#include <optional>
#include <string>

#include "mlops/core/table.h"

namespace mlops {

/// Why the non-null value at `row` cannot become `target`, or nullopt when it can.
std::optional<std::string> convert_problem(const Column& column, size_t row, DType target);
/// Appends the value at `row` (null stays null) to `out` as out.type(); the caller checked
/// convert_problem. Throws InternalError for a value that does not convert.
void push_converted(Column& out, const Column& column, size_t row);
/// The whole column as `target` (every value must convert), renamed nothing.
Column convert_column(const Column& column, DType target);

}  // namespace mlops
