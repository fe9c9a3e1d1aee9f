#pragma once
// Turning field text into typed values, shared by the CSV and JSON readers so both accept the
// same spellings and give the same reasons. Private to lib/mlops/io.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/io/read_result.h"

namespace mlops::io_detail {

/// True when the whole text parses as a non-string `type` (any text is a string).
bool parses_as(DType type, std::string_view text);
/// Appends the text's value to the column; the caller checked parses_as (or, for a timestamp
/// declared with `format`, that format). Empty text is null.
void push_text(Column& column, std::string_view text, const TimestampFormat* format = nullptr);
/// "cannot parse 'abc' as int64".
std::string cannot_parse(std::string_view text, DType type);
/// "cannot parse '2015-11-12' as timestamp with format '%b %d %Y'".
std::string cannot_parse(std::string_view text, const TimestampFormat& format);
/// The first type every non-empty text parses as: int64, float64, bool, timestamp, else
/// string. Empty texts are nulls; a column of nulls only is string.
DType infer_text_type(std::span<const std::string_view> texts);

/// A declared column's check: its type and, for strings, its allowed values.
class DeclaredCheck {
 public:
  explicit DeclaredCheck(const ColumnDecl& decl);
  DType type() const { return decl_->type; }
  const TimestampFormat* format() const { return decl_->format.get(); }
  /// The reason a non-null text is rejected, or nullopt when it fits.
  std::optional<std::string> reject(std::string_view text) const;

 private:
  const ColumnDecl* decl_;
  std::unordered_set<std::string_view> allowed_;
};

/// Field texts read as null: the empty text plus the configured extras.
class NullValues {
 public:
  explicit NullValues(const std::vector<std::string>& extras) : extras_(extras) {}
  bool contains(std::string_view text) const {
    if (text.empty()) return true;
    for (const auto& extra : extras_) {
      if (text == extra) return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& extras_;
};

}  // namespace mlops::io_detail
