#pragma once
// Workflows the report tests run: the flights fixture (binary classification on real data)
// and a small table whose names and values are hostile HTML.

#include <string>

#include "support/temp_dir.h"

namespace mlops::testing {

/// Binary classification on the 3,008 flights of tests/fixtures/flights-2001-01.csv.
inline std::string write_flights_workflow(const TempDir& dir, const std::string& name) {
  return dir.write(name + ".yaml", "name: " + name + R"(
ingest:
  source: {type: file, path: ")" MLOPS_SOURCE_DIR R"(/tests/fixtures/flights-2001-01.csv"}
  schema: {date: timestamp, delay: int64, distance: int64, origin: string, destination: string}
featurize:
  transforms:
    - {type: datetime_parts, column: date, parts: [hour, day_of_week, day_of_year]}
    - {type: category_codes, columns: [origin, destination], k: 20}
  label: {name: delayed, expr: "delay > 15"}
train:
  objective: binary:logistic
  rounds: 10
  split: {type: random, holdout: 0.25}
  params: {max_depth: 3, nthread: 1}
contracts:
  ingest: {rows: {min: 1000}, columns: {origin: {pattern: "[A-Z]{3}"}}}
)");
}

/// 60 rows whose column name holds & and <, and whose category values include a script tag;
/// one-hot encoding turns the values into feature names too.
inline std::string write_hostile_workflow(const TempDir& dir, const std::string& name) {
  std::string csv = "id,a&b<c,kind,target\n";
  const char* kinds[] = {"<script>alert(1)</script>", "plain", "\"quoted\" & <b>bold</b>"};
  for (int i = 0; i < 60; ++i) {
    std::string kind = kinds[i % 3];
    if (kind.find('"') != std::string::npos) kind = "\"\"\"quoted\"\" & <b>bold</b>\"";
    csv += std::to_string(i) + "," + std::to_string(i % 7) + "," + kind + "," +
           std::to_string(i % 7 * 2 + i % 3) + "\n";
  }
  const std::string data = dir.write(name + ".csv", csv);
  return dir.write(name + ".yaml", "name: " + name + R"(
ingest:
  source: {type: file, path: ")" + data +
                                       R"("}
featurize:
  transforms:
    - {type: one_hot, columns: [kind]}
  label: {column: target}
  drop: [id]
train:
  objective: reg:squarederror
  rounds: 5
  split: {type: random, holdout: 0.25}
  params: {nthread: 1}
)");
}

}  // namespace mlops::testing
