#pragma once
// Schema evolution of a clean table: fits a typed batch to the columns the table already has.
// A new key becomes a new nullable column; int64 widens to float64; a column that held only
// nulls takes the type of its first values; a value of an incompatible type (text in a
// number column, a number in a bool column) rejects its record, which goes to quarantine.

#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/ingest/checkpoint.h"

namespace mlops {

/// A batch row that does not fit, and why.
struct Rejection {
  size_t row = 0;  // row of the batch table
  std::string column;
  std::string value;
  std::string reason;
};

struct Conformed {
  Table rows;                        // the fitting rows, each column typed as the table says
  std::vector<Rejection> rejected;   // by batch row, in row order
  std::vector<std::string> added;    // new columns, "name (type)"
  std::vector<std::string> widened;  // columns widened from int64 to float64
};

/// Fits `batch` to `state`, updating state.fields (never state.parts or rows). With
/// `skip_null_columns`, a column new to the table whose batch values are all null adds nothing
/// (a JSON key seen only as null, or a declared column absent from the records). When no row
/// is rejected, columns that keep their type are moved out of `batch` (a 100 MB batch is not
/// copied); with rejections `batch` is left whole, for the rejected rows' text.
Conformed conform_batch(Table& batch, CleanTableState& state, bool skip_null_columns);

}  // namespace mlops
