#include "mlops/io/typing.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"

namespace mlops::io_detail {

bool parses_as(DType type, std::string_view text) {
  return text_parses_as(type, text);
}

void push_text(Column& column, std::string_view text, const TimestampFormat* format) {
  if (text.empty()) {
    column.push_null();
    return;
  }
  switch (column.type()) {
    case DType::kInt64: column.push_int(*parse_int64(text)); break;
    case DType::kFloat64: column.push_float(*parse_double(text)); break;
    case DType::kBool: column.push_bool(*parse_bool(text)); break;
    case DType::kTimestamp:
      column.push_int(format ? *format->parse(text) : *parse_timestamp(text));
      break;
    case DType::kString: column.push_string(text); break;
  }
}

std::string cannot_parse(std::string_view text, DType type) {
  return fmt::format("cannot parse '{}' as {}", text, dtype_name(type));
}

std::string cannot_parse(std::string_view text, const TimestampFormat& format) {
  return fmt::format("cannot parse '{}' as timestamp with format '{}'", text, format.pattern());
}

DType infer_text_type(std::span<const std::string_view> texts) {
  // Each candidate is tried over every non-null text; int64 values also parse as float64, so
  // the float64 pass can resume where the int64 pass stopped.
  auto first_failure = [&](DType type, size_t from) {
    for (size_t i = from; i < texts.size(); ++i) {
      if (!texts[i].empty() && !parses_as(type, texts[i])) return i;
    }
    return texts.size();
  };
  bool any = false;
  for (auto text : texts) any = any || !text.empty();
  if (!any) return DType::kString;
  size_t stop = first_failure(DType::kInt64, 0);
  if (stop == texts.size()) return DType::kInt64;
  if (first_failure(DType::kFloat64, stop) == texts.size()) return DType::kFloat64;
  if (first_failure(DType::kBool, 0) == texts.size()) return DType::kBool;
  if (first_failure(DType::kTimestamp, 0) == texts.size()) return DType::kTimestamp;
  return DType::kString;
}

DeclaredCheck::DeclaredCheck(const ColumnDecl& decl)
    : decl_(&decl), allowed_(decl.allowed.begin(), decl.allowed.end()) {}

std::optional<std::string> DeclaredCheck::reject(std::string_view text) const {
  if (decl_->format) {
    if (!decl_->format->parse(text)) return cannot_parse(text, *decl_->format);
  } else if (!parses_as(decl_->type, text)) {
    return cannot_parse(text, decl_->type);
  }
  if (!allowed_.empty() && !allowed_.contains(text)) {
    return fmt::format("value '{}' is not one of [{}]", text, fmt::join(decl_->allowed, ", "));
  }
  return std::nullopt;
}

}  // namespace mlops::io_detail
