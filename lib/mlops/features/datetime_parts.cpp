#include "mlops/features/datetime_parts.h"

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {
const std::vector<std::string> kParts = {"year",   "month",       "day",         "hour",
                                         "minute", "day_of_week", "day_of_year", "epoch"};

int64_t part_value(const CivilTime& t, int64_t micros, const std::string& part) {
  if (part == "year") return t.year;
  if (part == "month") return t.month;
  if (part == "day") return t.day;
  if (part == "hour") return t.hour;
  if (part == "minute") return t.minute;
  if (part == "day_of_week") return t.day_of_week;
  if (part == "day_of_year") return t.day_of_year;
  return micros / 1'000'000;  // epoch
}
}  // namespace

DatetimePartsTransform::DatetimePartsTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "parts", "keep"});
  columns_ = transform_columns(spec);
  const ConfigNode* parts = spec.get("parts");
  if (!parts)
    throw ConfigError("{}: transform 'datetime_parts' needs 'parts'", spec.origin().describe());
  parts_ = parts->as_string_list("parts");
  for (const auto& part : parts_) {
    bool known = false;
    for (const auto& name : kParts) known = known || name == part;
    if (!known) {
      throw ConfigError("{}: transform 'datetime_parts': unknown part '{}'{}",
                        parts->origin().describe(), part, did_you_mean(part, kParts));
    }
  }
  if (const ConfigNode* keep = spec.get("keep")) keep_ = keep->as_bool("keep");
}

void DatetimePartsTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column input = input_column(table, name, "datetime_parts");
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
    for (size_t row = 0; row < input.size(); ++row) {
      if (input.is_null(row)) {
        for (auto& out : outputs) out.push_null();
        continue;
      }
      int64_t micros = input.int_at(row);
      CivilTime civil = civil_from_micros(micros);
      for (size_t i = 0; i < parts_.size(); ++i) {
        outputs[i].push_int(part_value(civil, micros, parts_[i]));
      }
    }
    if (!keep_) table.remove_column(name);
    for (auto& out : outputs) table.set_column(std::move(out));
  }
}

}  // namespace mlops
