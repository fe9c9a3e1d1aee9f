#include "mlops/expr/values.h"

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/core/value_format.h"

namespace mlops {

const char* expr_type_name(ExprType type) {
  switch (type) {
    case ExprType::kNull: return "null";
    case ExprType::kNumber: return "number";
    case ExprType::kBool: return "bool";
    case ExprType::kString: return "string";
    case ExprType::kTimestamp: return "timestamp";
  }
  return "?";
}

size_t ExprValues::size() const {
  switch (type) {
    case ExprType::kNull: return 1;
    case ExprType::kNumber: return numbers.size();
    case ExprType::kBool: return bools.size();
    case ExprType::kString: return strings.size();
    case ExprType::kTimestamp: return times.size();
  }
  return 0;
}

bool ExprValues::is_null(size_t row) const {
  const size_t i = index(row);
  switch (type) {
    case ExprType::kNull: return true;
    case ExprType::kNumber: return std::isnan(numbers[i]);
    case ExprType::kBool: return bools[i] == kNullBool;
    case ExprType::kString: return strings[i].data() == nullptr;
    case ExprType::kTimestamp: return times[i] == kNullTime;
  }
  return true;
}

std::string ExprValues::format(size_t row) const {
  if (is_null(row)) return "null";
  const size_t i = index(row);
  switch (type) {
    case ExprType::kNumber: return format_double(numbers[i]);
    case ExprType::kBool: return bools[i] ? "true" : "false";
    case ExprType::kString: return std::string(strings[i]);
    case ExprType::kTimestamp: return format_timestamp(times[i]);
    case ExprType::kNull: break;
  }
  return "null";
}

ExprValues null_values() {
  return ExprValues{};
}

ExprValues values_from_column(const Column& column) {
  ExprValues out;
  out.constant = false;
  const size_t rows = column.size();
  const bool has_nulls = column.null_count() > 0;
  switch (column.type()) {
    case DType::kInt64: {
      out.type = ExprType::kNumber;
      out.integral = true;
      out.numbers.resize(rows);
      std::span<const int64_t> ints = column.ints();
      for (size_t row = 0; row < rows; ++row) out.numbers[row] = static_cast<double>(ints[row]);
      if (has_nulls) {
        for (size_t row = 0; row < rows; ++row) {
          if (column.is_null(row)) out.numbers[row] = NAN;
        }
      }
      break;
    }
    case DType::kFloat64: {
      out.type = ExprType::kNumber;
      std::span<const double> floats = column.floats();
      out.numbers.assign(floats.begin(), floats.end());
      if (has_nulls) {
        for (size_t row = 0; row < rows; ++row) {
          if (column.is_null(row)) out.numbers[row] = NAN;
        }
      }
      break;
    }
    case DType::kBool: {
      out.type = ExprType::kBool;
      out.bools.resize(rows);
      std::span<const int64_t> ints = column.ints();
      for (size_t row = 0; row < rows; ++row) out.bools[row] = ints[row] != 0;
      if (has_nulls) {
        for (size_t row = 0; row < rows; ++row) {
          if (column.is_null(row)) out.bools[row] = kNullBool;
        }
      }
      break;
    }
    case DType::kTimestamp: {
      out.type = ExprType::kTimestamp;
      std::span<const int64_t> ints = column.ints();
      out.times.assign(ints.begin(), ints.end());
      if (has_nulls) {
        for (size_t row = 0; row < rows; ++row) {
          if (column.is_null(row)) out.times[row] = kNullTime;
        }
      }
      break;
    }
    case DType::kString: {
      out.type = ExprType::kString;
      out.strings.resize(rows);
      for (size_t row = 0; row < rows; ++row) {
        if (!column.is_null(row)) out.strings[row] = column.string_at(row);
      }
      break;
    }
  }
  return out;
}

Column values_to_column(const ExprValues& values, std::string name, size_t rows) {
  switch (values.type) {
    case ExprType::kNull: {
      Column out(std::move(name), DType::kFloat64);
      out.reserve(rows);
      for (size_t row = 0; row < rows; ++row) out.push_null();
      return out;
    }
    case ExprType::kNumber: {
      bool as_int = values.integral;
      for (size_t i = 0; as_int && i < values.numbers.size(); ++i) {
        const double x = values.numbers[i];
        as_int = !std::isfinite(x) || std::fabs(x) < 9.0e15;  // exact in a double
      }
      Column out(std::move(name), as_int ? DType::kInt64 : DType::kFloat64);
      out.reserve(rows);
      for (size_t row = 0; row < rows; ++row) {
        const double x = values.numbers[values.index(row)];
        if (!std::isfinite(x)) {
          out.push_null();
        } else if (as_int) {
          out.push_int(static_cast<int64_t>(x));
        } else {
          out.push_float(x);
        }
      }
      return out;
    }
    case ExprType::kBool: {
      Column out(std::move(name), DType::kBool);
      out.reserve(rows);
      for (size_t row = 0; row < rows; ++row) {
        const uint8_t b = values.bools[values.index(row)];
        if (b == kNullBool) {
          out.push_null();
        } else {
          out.push_bool(b != 0);
        }
      }
      return out;
    }
    case ExprType::kString: {
      Column out(std::move(name), DType::kString);
      out.reserve(rows);
      for (size_t row = 0; row < rows; ++row) {
        const std::string_view s = values.strings[values.index(row)];
        if (s.data() == nullptr) {
          out.push_null();
        } else {
          out.push_string(s);
        }
      }
      return out;
    }
    case ExprType::kTimestamp: {
      Column out(std::move(name), DType::kTimestamp);
      out.reserve(rows);
      for (size_t row = 0; row < rows; ++row) {
        const int64_t t = values.times[values.index(row)];
        if (t == kNullTime) {
          out.push_null();
        } else {
          out.push_int(t);
        }
      }
      return out;
    }
  }
  throw InternalError("unknown expression type");
}

}  // namespace mlops
