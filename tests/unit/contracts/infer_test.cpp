#include "mlops/contracts/infer.h"

#include <gtest/gtest.h>

#include "mlops/contracts/check.h"

namespace mlops {
namespace {

Table infer_penguins() {
  Table table;
  Column species("Species", DType::kString), mass("Body Mass (g)", DType::kInt64),
      sex("Sex", DType::kString), id("id", DType::kInt64);
  const char* names[] = {"Adelie", "Gentoo", "Adelie", "Chinstrap"};
  for (int i = 0; i < 12; ++i) {
    species.push_string(names[i % 4]);
    mass.push_int(3000 + 100 * i);
    i % 6 == 0 ? sex.push_null() : sex.push_string(i % 2 ? "MALE" : "FEMALE, \"F\"");
    id.push_int(i);
  }
  for (Column* c : {&species, &mass, &sex, &id}) table.add_column(std::move(*c));
  return table;
}

TEST(ContractInfer, DraftsTypesNullRatesRangesAndCategories) {
  EXPECT_EQ(infer_contract_yaml(infer_penguins(), {"penguins.csv", 20}),
            "# Drafted by `mlops contract infer` from penguins.csv (12 rows, 4 columns).\n"
            "# Review it: ranges and category sets are what this data held, not what is valid.\n"
            "rows: {min: 1}\n"
            "columns:\n"
            "  Species: {dtype: string, nullable: false, values: [Adelie, Chinstrap, Gentoo]}\n"
            "  Body Mass (g): {dtype: int64, nullable: false, min: 3000, max: 4100, unique: true}\n"
            "  Sex: {dtype: string, max_null_fraction: 0.17, values: [\"FEMALE, \\\"F\\\"\", "
            "MALE]}\n"
            "  id: {dtype: int64, nullable: false, min: 0, max: 11, unique: true}\n");
}

TEST(ContractInfer, TheDraftParsesAndPassesOnItsOwnData) {
  const std::string yaml = infer_contract_yaml(infer_penguins(), {"penguins.csv", 20});
  Contract contract = parse_contract(parse_yaml(yaml, "draft.yaml"), "draft.yaml");
  ContractReport report = check_contract(contract, infer_penguins(), "validate");
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.failed_count(Severity::kWarn), 0u);
}

TEST(ContractInfer, ManyDistinctStringsGetLengthsInstead) {
  Table table;
  Column name("name", DType::kString);
  for (int i = 0; i < 30; ++i) name.push_string("car " + std::to_string(i));
  table.add_column(std::move(name));
  const std::string yaml = infer_contract_yaml(table, {"cars.json", 20});
  EXPECT_NE(yaml.find("  name: {dtype: string, nullable: false, min_length: 5, max_length: 6, "
                      "unique: true}\n"),
            std::string::npos)
      << yaml;
}

}  // namespace
}  // namespace mlops
