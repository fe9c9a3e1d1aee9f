// The expression language (expr/) on any bytes: parsed, then evaluated over a small table with
// a column of every type (nulls included), as a value and as a column.

#include "fuzz_support.h"
#include "mlops/expr/expression.h"
#include "mlops/io/csv/csv.h"

namespace {

const mlops::Table& sample_table() {
  static const mlops::Table table = [] {
    mlops::ReadOptions options;
    options.declared = {{"i", mlops::DType::kInt64, {}},      {"f", mlops::DType::kFloat64, {}},
                        {"b", mlops::DType::kBool, {}},       {"s", mlops::DType::kString, {}},
                        {"t", mlops::DType::kTimestamp, {}},  {"delay", mlops::DType::kInt64, {}},
                        {"origin", mlops::DType::kString, {}}};
    return mlops::read_csv(
               "i,f,b,s,t,delay,origin\n"
               "1,1.5,true,abc,2001-01-01 00:01:00,33,LAS\n"
               "-9223372036854775808,-0.0,false,,2012-01-02,-10,MKE\n"
               ",nan,,x y,,0,\n"
               "9223372036854775807,1e308,true,ATL,1970-01-01,15,ATL\n"
               "0,-1e-320,false,'q',2038-01-19 03:14:08,,ORD\n",
               options)
        .table;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(mlops::fuzz::as_text(data, size));
  mlops::fuzz::expect_typed_errors([&] {
    mlops::Expression expression = mlops::Expression::parse(text, "fuzz");
    (void)expression.evaluate(sample_table());
    (void)expression.evaluate_column(sample_table(), "out");
  });
  return 0;
}
