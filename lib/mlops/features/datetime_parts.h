#pragma once

#include <cstdint>

#include "mlops/features/transform.h"

namespace mlops {

/// Splits timestamp columns into int64 parts named "<column>_<part>": year, quarter, month,
/// day (also day_of_month), hour, minute, second, day_of_week (Monday = 0), day_of_year,
/// is_weekend (0/1), epoch (seconds since 1970-01-01 UTC). All in UTC. The source column is
/// removed unless `keep: true` (a raw timestamp rarely generalizes). Null gives null parts.
class DatetimePartsTransform : public Transform {
 public:
  explicit DatetimePartsTransform(const ConfigNode& spec);
  void apply(Table& table) const override;

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> parts_;
  std::vector<uint8_t> part_ids_;  // index into the part table, resolved once
  bool keep_ = false;
};

/// Every part name datetime_parts accepts.
const std::vector<std::string>& datetime_part_names();

}  // namespace mlops
