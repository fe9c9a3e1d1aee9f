#include "mlops/features/datetime_parts.h"

#include <algorithm>
#include <climits>
#include <span>

#include "mlops/core/error.h"
#include "mlops/core/parallel.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

enum Part : uint8_t {
  kYear,
  kQuarter,
  kMonth,
  kDay,
  kDayOfMonth,
  kHour,
  kMinute,
  kSecond,
  kDayOfWeek,
  kDayOfYear,
  kIsWeekend,
  kEpoch,
};

int64_t part_value(const CivilTime& t, int64_t micros, uint8_t part) {
  switch (part) {
    case kYear: return t.year;
    case kQuarter: return (t.month - 1) / 3 + 1;
    case kMonth: return t.month;
    case kDay:
    case kDayOfMonth: return t.day;
    case kHour: return t.hour;
    case kMinute: return t.minute;
    case kSecond: return t.second;
    case kDayOfWeek: return t.day_of_week;
    case kDayOfYear: return t.day_of_year;
    case kIsWeekend: return t.day_of_week >= 5 ? 1 : 0;
    default: return floor_div(micros, 1'000'000);  // epoch
  }
}

}  // namespace

const std::vector<std::string>& datetime_part_names() {
  // In the order of the Part enum.
  static const std::vector<std::string> names = {
      "year",   "quarter", "month",       "day",         "day_of_month", "hour",
      "minute", "second",  "day_of_week", "day_of_year", "is_weekend",   "epoch"};
  return names;
}

DatetimePartsTransform::DatetimePartsTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "parts", "keep"});
  columns_ = transform_columns(spec);
  const ConfigNode* parts = spec.get("parts");
  if (!parts) {
    throw ConfigError("{}: transform 'datetime_parts' needs 'parts'", spec.origin().describe());
  }
  parts_ = parts->as_string_list("parts");
  const auto& names = datetime_part_names();
  for (const auto& part : parts_) {
    auto it = std::find(names.begin(), names.end(), part);
    if (it == names.end()) {
      throw ConfigError("{}: transform 'datetime_parts': unknown part '{}'{}",
                        parts->origin().describe(), part, did_you_mean(part, names));
    }
    part_ids_.push_back(static_cast<uint8_t>(it - names.begin()));
  }
  if (const ConfigNode* keep = spec.get("keep")) keep_ = keep->as_bool("keep");
}

void DatetimePartsTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "datetime_parts");
    if (input.type() != DType::kTimestamp) {
      throw DataError(
          "featurize: transform 'datetime_parts': column '{}' is {}, expected timestamp "
          "(declare it as timestamp in ingest.schema)",
          name, dtype_name(input.type()));
    }
    std::vector<Column> outputs;
    for (const auto& part : parts_) {
      outputs.emplace_back(name + "_" + part, DType::kInt64);
      outputs.back().reserve(input.size());
    }
    // One pass per part over the typed values: rows come in runs of one day (tables are often
    // sorted by time), so a part of the date is computed once per run of equal days, and a
    // part of the time of day is arithmetic on the row's own value.
    const std::span<const int64_t> values = input.ints();
    auto fill_part = [&](size_t i) {
      const uint8_t part = part_ids_[i];
      const bool of_time = part == kHour || part == kMinute || part == kSecond;
      Column& out = outputs[i];
      int64_t cached_day = INT64_MIN, cached_value = 0;
      for (size_t row = 0; row < values.size(); ++row) {
        if (input.is_null(row)) {
          out.push_null();
          continue;
        }
        const int64_t micros = values[row];
        if (part == kEpoch) {
          out.push_int(floor_div(micros, 1'000'000));
          continue;
        }
        const int64_t day = floor_day(micros);
        if (of_time) {
          const int64_t second_of_day = (micros - day * kMicrosPerDay) / 1'000'000;
          out.push_int(part == kHour     ? second_of_day / 3600
                       : part == kMinute ? second_of_day % 3600 / 60
                                         : second_of_day % 60);
          continue;
        }
        if (day != cached_day) {
          cached_value = part_value(civil_from_micros(day * kMicrosPerDay), micros, part);
          cached_day = day;
        }
        out.push_int(cached_value);
      }
    };
    // Parts are independent passes: two threads share them on a large table.
    if (values.size() >= 65'536) {
      for_each_on_two_threads(part_ids_.size(), fill_part);
    } else {
      for (size_t i = 0; i < part_ids_.size(); ++i) fill_part(i);
    }
    if (!keep_) table.remove_column(name);
    for (auto& out : outputs) table.set_column(std::move(out));
  }
}

}  // namespace mlops
