// `mlops validate` of a plain CSV file reads it in windows when the contract's checks fold
// over batches: the report must equal the one computed on the whole table.

#include "mlops/contracts/validate_files.h"

#include <gtest/gtest.h>

#include "mlops/contracts/contract.h"
#include "mlops/contracts/streaming_contract.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

constexpr const char* kContract = R"(rows: {min: 10, max: 100000}
columns:
  id: {dtype: int64, nullable: false, min: 1}
  amount: {dtype: float64, min: 0, max: 500}
  code: {dtype: string, values: [AA, BB, CC], min_length: 2, max_length: 2}
  note: {dtype: string, nullable: false, pattern: "[a-z]+"}
required: [id]
forbidden: [secret]
)";

std::string data_with_violations() {
  std::string csv = "id,amount,code,note\n";
  const char* codes[] = {"AA", "BB", "CC", "DDD"};
  for (int row = 1; row <= 3000; ++row) {
    const double amount = row % 97 == 0 ? 900.5 : row * 0.25;                   // some above max
    const char* note = row % 211 == 0 ? "" : row % 89 == 0 ? "UPPER" : "fine";  // nulls, pattern
    // A late amount with decimals: the column is inferred as int64 from the first window,
    // so the batched reader must restart with it widened, as the whole-file read does.
    csv += std::to_string(row) + "," +
           (row < 2500 ? std::to_string(row % 400) : std::to_string(amount)) + "," +
           codes[row % 4 == 0 && row % 3 == 0 ? 3 : row % 3] + "," + note + "\n";
  }
  return csv;
}

TEST(ValidateFiles, BatchedReportEqualsTheWholeTableReport) {
  testing::TempDir dir;
  const std::string contract_path = dir.write("contract.yaml", kContract);
  const std::string data = dir.write("data.csv", data_with_violations());
  const Contract contract = load_contract_file(contract_path);
  ASSERT_TRUE(checks_per_batch(contract));

  ContractReport whole = check_contract(contract, read_data_file(data), "validate");
  whole.contract = contract_path;
  whole.stage = data;
  ASSERT_FALSE(whole.passed());  // the data breaks several rules

  const auto batched = validate_files(contract_path, {data}, 4096);  // about 60 windows
  ASSERT_EQ(batched.size(), 1u);
  EXPECT_EQ(batched[0].to_json().dump(2), whole.to_json().dump(2));
  EXPECT_EQ(batched[0].rows, 3000u);
}

TEST(ValidateFiles, ContractsNeedingTheWholeTableAreNotBatched) {
  testing::TempDir dir;
  auto contract = [&](const std::string& extra) {
    return load_contract_file(dir.write("c.yaml", std::string(kContract) + extra));
  };
  EXPECT_TRUE(checks_per_batch(contract("")));
  EXPECT_FALSE(checks_per_batch(contract("primary_key: [id]\n")));
  EXPECT_FALSE(checks_per_batch(contract("policy: quarantine\n")));
  EXPECT_FALSE(checks_per_batch(contract("shape: {rows: 3000}\n")));
  EXPECT_FALSE(checks_per_batch(
      load_contract_file(dir.write("u.yaml", "columns:\n  id: {unique: true}\n"))));
  EXPECT_FALSE(checks_per_batch(
      load_contract_file(dir.write("m.yaml", "columns:\n  id: {mean: {min: 1}}\n"))));
}

}  // namespace
}  // namespace mlops
