#include "mlops/contracts/check.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

Table penguins() {
  Table table;
  Column species("Species", DType::kString), mass("Body Mass (g)", DType::kFloat64),
      sex("Sex", DType::kString);
  species.push_string("Adelie");
  species.push_string("Gentoo");
  species.push_string("Emperor");
  mass.push_float(3750);
  mass.push_null();
  mass.push_float(9000);
  sex.push_string("MALE");
  sex.push_string(".");
  sex.push_null();
  table.add_column(std::move(species));
  table.add_column(std::move(mass));
  table.add_column(std::move(sex));
  return table;
}

Contract contract_from(const std::string& yaml) {
  return parse_contract(parse_yaml(yaml, "contract.yaml"), "contract.yaml");
}

const CheckResult& find_check(const ContractReport& report, const std::string& check,
                              const std::string& column) {
  for (const auto& result : report.checks) {
    if (result.check == check && result.column == column) return result;
  }
  throw std::runtime_error("no check " + check + " on " + column);
}

TEST(Contract, RowCountPassesInsideBoundsAndFailsOutside) {
  EXPECT_TRUE(
      check_contract(contract_from("rows: {min: 3, max: 3}"), penguins(), "ingest").passed());
  ContractReport report = check_contract(contract_from("rows: {min: 4}"), penguins(), "ingest");
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(describe_failure(report, report.checks[0]),
            "stage ingest: check row_count failed: expected >= 4, observed 3");
}

TEST(Contract, RequiredColumnMissingFails) {
  ContractReport report =
      check_contract(contract_from("columns: {Island: {dtype: string}}"), penguins(), "ingest");
  const CheckResult& check = find_check(report, "required_column", "Island");
  EXPECT_FALSE(check.passed);
  EXPECT_EQ(describe_failure(report, check),
            "stage ingest: check required_column on column 'Island' failed: expected present, "
            "observed missing");
  EXPECT_TRUE(check_contract(contract_from("columns: {Sex: }"), penguins(), "x").passed());
}

TEST(Contract, DtypeMismatchNamesBothTypesAndTheValuesThatAreNotNumbers) {
  ContractReport report =
      check_contract(contract_from("columns: {Species: {dtype: int64}}"), penguins(), "ingest");
  EXPECT_EQ(describe_failure(report, find_check(report, "dtype", "Species")),
            "stage ingest: check dtype on column 'Species' failed: expected int64, observed "
            "string (rows 0, 1, 2: Adelie, Gentoo, Emperor)");
  EXPECT_TRUE(check_contract(contract_from("columns: {Species: {dtype: string}}"), penguins(), "x")
                  .passed());
}

TEST(Contract, NotNullListsExampleRows) {
  ContractReport report = check_contract(
      contract_from("columns: {\"Body Mass (g)\": {nullable: false}}"), penguins(), "ingest");
  EXPECT_EQ(describe_failure(report, find_check(report, "not_null", "Body Mass (g)")),
            "stage ingest: check not_null on column 'Body Mass (g)' failed: expected no nulls, "
            "observed 1 nulls (rows 1: null)");
  EXPECT_TRUE(
      check_contract(contract_from("columns: {Species: {nullable: false}}"), penguins(), "x")
          .passed());
}

TEST(Contract, MaxNullFraction) {
  ContractReport report = check_contract(contract_from("columns: {Sex: {max_null_fraction: 0.2}}"),
                                         penguins(), "ingest");
  EXPECT_EQ(describe_failure(report, find_check(report, "max_null_fraction", "Sex")),
            "stage ingest: check max_null_fraction on column 'Sex' failed: expected <= 0.2, "
            "observed 0.3333");
  EXPECT_TRUE(
      check_contract(contract_from("columns: {Sex: {max_null_fraction: 0.5}}"), penguins(), "x")
          .passed());
}

TEST(Contract, MinAndMaxIgnoreNullsAndShowOffendingValues) {
  ContractReport report = check_contract(
      contract_from("columns: {\"Body Mass (g)\": {min: 2000, max: 7000}}"), penguins(), "ingest");
  EXPECT_TRUE(find_check(report, "min", "Body Mass (g)").passed);
  EXPECT_EQ(describe_failure(report, find_check(report, "max", "Body Mass (g)")),
            "stage ingest: check max on column 'Body Mass (g)' failed: expected <= 7000, observed "
            "1 values above (rows 2: 9000)");
}

TEST(Contract, MinAndMaxReadIntegerColumnsAndSkipTheirNulls) {
  // A null int64 is stored as 0, below the minimum: it must not count.
  Table table;
  Column distance("distance", DType::kInt64), delay("delay", DType::kInt64);
  for (int64_t value : {5, 0, 7000, 12}) {
    value == 0 ? distance.push_null() : distance.push_int(value);
    delay.push_int(value - 1);
  }
  table.add_column(std::move(distance));
  table.add_column(std::move(delay));
  ContractReport report = check_contract(
      contract_from("columns: {distance: {min: 1, max: 6000}, delay: {nullable: false, min: 0}}"),
      table, "ingest");
  EXPECT_TRUE(find_check(report, "min", "distance").passed);
  EXPECT_EQ(describe_failure(report, find_check(report, "max", "distance")),
            "stage ingest: check max on column 'distance' failed: expected <= 6000, observed 1 "
            "values above (rows 2: 7000)");
  EXPECT_TRUE(find_check(report, "not_null", "delay").passed);
  EXPECT_EQ(find_check(report, "not_null", "delay").observed, "0 nulls");
  EXPECT_EQ(describe_failure(report, find_check(report, "min", "delay")),
            "stage ingest: check min on column 'delay' failed: expected >= 0, observed 1 values "
            "below (rows 1: -1)");
}

TEST(Contract, AllowedValues) {
  ContractReport report = check_contract(contract_from("columns: {Sex: {values: [MALE, FEMALE]}}"),
                                         penguins(), "ingest");
  EXPECT_EQ(describe_failure(report, find_check(report, "allowed_values", "Sex")),
            "stage ingest: check allowed_values on column 'Sex' failed: expected [MALE, FEMALE], "
            "observed 1 values outside (rows 1: .)");
}

TEST(Contract, WarnSeverityReportsWithoutFailing) {
  ContractReport report = check_contract(
      contract_from("columns: {Species: {values: [Adelie, Gentoo], severity: warn}}"), penguins(),
      "ingest");
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.failed_count(Severity::kWarn), 1u);
  EXPECT_NO_THROW(enforce({report}));
}

TEST(Contract, EnforceThrowsContractErrorListingEveryFailure) {
  ContractReport report = check_contract(
      contract_from("rows: {min: 10}\ncolumns: {Species: {values: [Adelie, Gentoo]}}"), penguins(),
      "ingest");
  try {
    enforce({report});
    FAIL() << "expected ContractError";
  } catch (const ContractError& e) {
    EXPECT_STREQ(e.what(),
                 "contract 'contract.yaml' violated:\n"
                 "stage ingest: check row_count failed: expected >= 10, observed 3\n"
                 "stage ingest: check allowed_values on column 'Species' failed: expected "
                 "[Adelie, Gentoo], observed 1 values outside (rows 2: Emperor)");
  }
}

TEST(Contract, UnknownKeyIsAConfigErrorWithSuggestion) {
  try {
    contract_from("columns:\n  Species: {dtyp: string}\n");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "contract.yaml:2:13: unknown contract key 'columns.Species.dtyp' (did you mean "
                 "'dtype'?)");
  }
}

TEST(Contract, UnknownDtypeIsAConfigError) {
  try {
    contract_from("columns:\n  Species: {dtype: strng}\n");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "contract.yaml:2:13: key 'columns.Species.dtype': unknown type 'strng' (did you "
                 "mean 'string'?)");
  }
}

TEST(Contract, LoadsFromFile) {
  testing::TempDir dir;
  std::string path = dir.write("c.yaml", "rows: {min: 1}\n");
  Contract contract = load_contract_file(path);
  EXPECT_EQ(contract.name, path);
  EXPECT_EQ(contract.min_rows, 1u);
}

}  // namespace
}  // namespace mlops
