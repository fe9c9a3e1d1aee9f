#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <unordered_set>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/io/csv.h"
#include "mlops/io/csv_scan.h"
#include "mlops/io/typing.h"

namespace mlops {
namespace {

using io_detail::CsvRecordRef;
using io_detail::CsvScan;

std::vector<std::string> header_names(const CsvScan& scan, const std::string& source) {
  const CsvRecordRef& header = scan.records().front();
  if (header.unterminated) {
    throw DataError("{}:{}: unterminated quoted field in the header", source, header.line);
  }
  std::vector<std::string> names;
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < header.num_fields; ++i) {
    std::string_view name = scan.field(header, i);
    // pandas writes its index under an empty name; give such a column a usable one.
    names.push_back(name.empty() ? "unnamed_" + std::to_string(i) : std::string(name));
  }
  for (const auto& name : names) {
    if (!seen.insert(name).second) {
      throw DataError("{}: column '{}' appears more than once in the header", source, name);
    }
  }
  return names;
}

// The declaration of each header column, or nullptr for a column whose type is inferred.
std::vector<const ColumnDecl*> match_declared(const std::vector<std::string>& names,
                                              const ReadOptions& options) {
  std::vector<const ColumnDecl*> decls(names.size(), nullptr);
  for (const auto& decl : options.declared) {
    auto it = std::find(names.begin(), names.end(), decl.name);
    if (it == names.end()) {
      throw DataError(
          "{}: column '{}' declared in the schema is missing from the header "
          "(columns: {}){}",
          options.source_name, decl.name, fmt::join(names, ", "), did_you_mean(decl.name, names));
    }
    auto& slot = decls[static_cast<size_t>(it - names.begin())];
    if (!slot) slot = &decl;
  }
  return decls;
}

}  // namespace

ReadResult read_csv(std::string_view text, const ReadOptions& options) {
  const std::string& source = options.source_name;
  const CsvScan scan(text, options.delimiter);
  const auto& records = scan.records();
  if (records.empty()) throw DataError("{}: the input is empty (a header row is expected)", source);
  const std::vector<std::string> names = header_names(scan, source);
  const std::vector<const ColumnDecl*> decls = match_declared(names, options);
  const io_detail::NullValues nulls(options.null_values);

  // Data record `row` is records[row + 1]. A record is bad for the first reason found: its
  // shape, then the declared columns in header order.
  const size_t num_rows = records.size() - 1;
  std::vector<uint8_t> is_bad(num_rows, 0);
  ReadResult result;
  auto reject = [&](size_t row, std::string column, std::string_view value, std::string reason) {
    const CsvRecordRef& record = records[row + 1];
    is_bad[row] = 1;
    result.bad.push_back({source, record.line, row, std::move(column), std::string(value),
                          std::move(reason), std::string(scan.raw(record))});
  };
  for (size_t row = 0; row < num_rows; ++row) {
    const CsvRecordRef& record = records[row + 1];
    if (record.unterminated) {
      reject(row, "", "", "unterminated quoted field");
    } else if (record.num_fields != names.size()) {
      reject(row, "", "",
             fmt::format("expected {} fields, found {}", names.size(), record.num_fields));
    }
  }
  for (size_t c = 0; c < names.size(); ++c) {
    if (!decls[c]) continue;
    const io_detail::DeclaredCheck check(*decls[c]);
    for (size_t row = 0; row < num_rows; ++row) {
      if (is_bad[row]) continue;
      std::string_view value = scan.field(records[row + 1], c);
      if (nulls.contains(value)) continue;
      if (auto reason = check.reject(value)) reject(row, names[c], value, std::move(*reason));
    }
  }
  std::stable_sort(result.bad.begin(), result.bad.end(),
                   [](const BadRecord& a, const BadRecord& b) { return a.record < b.record; });

  std::vector<size_t> good;
  good.reserve(num_rows);
  for (size_t row = 0; row < num_rows; ++row) {
    if (!is_bad[row]) good.push_back(row + 1);
  }
  // Second pass, one column at a time: gather its texts (nulls as empty), then type them.
  std::vector<std::string_view> texts(good.size());
  for (size_t c = 0; c < names.size(); ++c) {
    for (size_t k = 0; k < good.size(); ++k) {
      std::string_view value = scan.field(records[good[k]], c);
      texts[k] = nulls.contains(value) ? std::string_view() : value;
    }
    Column column(names[c], decls[c] ? decls[c]->type : io_detail::infer_text_type(texts));
    column.reserve(texts.size());
    for (std::string_view value : texts) io_detail::push_text(column, value);
    result.table.add_column(std::move(column));
  }
  return result;
}

ReadResult read_csv_file(const std::string& path, ReadOptions options) {
  if (options.source_name.empty() || options.source_name == ReadOptions().source_name) {
    options.source_name = path;
  }
  const std::string text = read_file(path);
  return read_csv(text, options);
}

}  // namespace mlops
