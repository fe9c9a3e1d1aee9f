#pragma once

#include "mlops/features/transform.h"

namespace mlops {

/// Splits timestamp columns into integer parts named "<column>_<part>": year, month, day,
/// hour, minute, day_of_week (Monday = 0), day_of_year, epoch (seconds). The source column is
/// removed unless `keep: true` (a raw timestamp rarely generalizes).
class DatetimePartsTransform : public Transform {
 public:
  explicit DatetimePartsTransform(const ConfigNode& spec);
  void apply(Table& table) const override;

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> parts_;
  bool keep_ = false;
};

}  // namespace mlops
