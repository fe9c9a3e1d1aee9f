// The JSON and JSON Lines reader (io/json.h) on any bytes: first inferring every column's
// type, then with the columns found declared (int64, float64, bool, timestamp, string with
// allowed values in turn); the table read is then written back as CSV.

#include "fuzz_support.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = mlops::fuzz::as_text(data, size);
  mlops::ReadOptions options;
  options.source_name = "fuzz.json";
  mlops::fuzz::expect_typed_errors([&] {
    mlops::ReadResult inferred = mlops::read_json(text, options);
    (void)mlops::to_csv(inferred.table);

    static const mlops::DType kTypes[] = {mlops::DType::kInt64, mlops::DType::kFloat64,
                                          mlops::DType::kBool, mlops::DType::kTimestamp,
                                          mlops::DType::kString};
    mlops::ReadOptions declared = options;
    declared.null_values = {"NA"};
    size_t i = 0;
    for (const auto& name : inferred.table.column_names()) {
      mlops::ColumnDecl decl{name, kTypes[i++ % 5], {}};
      if (decl.type == mlops::DType::kString) decl.allowed = {"Adelie", "Biscoe", "MALE"};
      declared.declared.push_back(std::move(decl));
    }
    mlops::ReadResult typed = mlops::read_json(text, declared);
    (void)mlops::to_csv(typed.table);
  });
  return 0;
}
