// The contract parser (contracts/contract.h) on any bytes as a contract YAML file: parsed, then
// checked against a small table (freshness at a fixed clock, no drift reference), and the
// report written as JSON as `mlops validate --format json` does.

#include "fuzz_support.h"
#include "mlops/config/node.h"
#include "mlops/contracts/check.h"
#include "mlops/contracts/contract.h"
#include "mlops/io/csv/csv.h"

namespace {

const mlops::Table& sample_table() {
  static const mlops::Table table = [] {
    mlops::ReadOptions options;
    options.source_name = "sample.csv";
    return mlops::read_csv(
               "Species,Island,Beak Length (mm),Beak Depth (mm),Body Mass (g),Sex,date,delay,"
               "origin,ok\n"
               "Adelie,Biscoe,39.1,18.7,3750,MALE,2001-01-01 00:01:00,33,LAS,true\n"
               "Gentoo,Dream,,17.4,,FEMALE,2001-06-01,-10,MKE,false\n"
               "Chinstrap,Torgersen,46.5,,5000,,2001-01-02 05:54:00,,ORD,\n"
               "Adelie,Biscoe,39.1,18.7,3750,MALE,2001-01-01 00:01:00,33,LAS,true\n",
               options)
        .table;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = mlops::fuzz::as_text(data, size);
  mlops::fuzz::expect_typed_errors([&] {
    mlops::ConfigNode node = mlops::parse_yaml(text, "fuzz.yaml");
    mlops::Contract contract = mlops::parse_contract(node, "fuzz");
    mlops::CheckOptions options;
    options.now_micros = 1'000'000'000'000'000;
    options.drift = false;
    mlops::ContractReport report =
        mlops::check_contract(contract, sample_table(), "ingest", options);
    (void)report.to_json().dump();
    for (const auto& check : report.checks) {
      if (!check.passed) (void)mlops::describe_failure(report, check);
    }
  });
  return 0;
}
