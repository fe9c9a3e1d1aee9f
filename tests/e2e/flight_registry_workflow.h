#pragma once
// The small keyed flights workflow the registry, served-evaluation and PostgreSQL tests train,
// score and evaluate: the Jan/Jun 2001 fixtures with a unique flight_id first, so predictions
// and labels can be joined.

#include <fmt/format.h>

#include <sstream>
#include <string>

#include "cli_runner.h"

namespace mlops::testing {

/// tests/fixtures/FIXTURE with `flight_id` = PREFIX + row number as its first column.
inline std::string flights_with_ids(const std::string& fixture, const std::string& prefix) {
  std::istringstream in(slurp(MLOPS_SOURCE_DIR "/tests/fixtures/" + fixture));
  std::string line, out;
  std::getline(in, line);
  out = "flight_id," + line + "\n";
  for (size_t row = 0; std::getline(in, line); ++row) {
    out += prefix + std::to_string(row) + "," + line + "\n";
  }
  return out;
}

/// The workflow NAME over DATA (a flights_with_ids file): binary delay > 15, keyed by
/// flight_id; `rounds` and `max_depth` size the model to what the test needs.
inline std::string flight_registry_yaml(const std::string& name, const std::string& data,
                                        int rounds, int max_depth) {
  // fmt, not operator+: GCC 12 warns falsely (-Wrestrict) on the chained concatenation.
  return fmt::format(R"(name: {}
ingest:
  source: {{type: file, path: "{}"}}
  schema: {{flight_id: string, date: timestamp, delay: int64, distance: int64, origin: string, destination: string}}
featurize:
  transforms:
    - {{type: datetime_parts, column: date, parts: [hour, day_of_week]}}
    - {{type: log1p, column: distance, name: log_distance}}
    - {{type: category_codes, columns: [origin, destination], k: 20}}
  label: {{name: delayed, expr: "delay > 15"}}
  drop: [flight_id]
train:
  objective: binary:logistic
  rounds: {}
  split: {{type: random, holdout: 0.25}}
  params: {{max_depth: {}, eta: 0.3, nthread: 1}}
predict:
  id_columns: [flight_id]
)",
                     name, data, rounds, max_depth);
}

}  // namespace mlops::testing
