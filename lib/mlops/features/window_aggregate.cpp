#include "mlops/features/window_aggregate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/duration.h"
#include "mlops/features/categories.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

const std::vector<std::string> kFunctions = {"count", "sum", "mean", "min", "max"};
constexpr size_t kHistoryRow = std::numeric_limits<size_t>::max();

/// The key of a row as text: the value itself for one string column, else the values joined
/// by a unit separator. False when a key value is null.
bool row_key(const std::vector<const Column*>& keys, size_t row, std::string& buffer,
             std::string_view& key) {
  if (keys.size() == 1 && keys[0]->type() == DType::kString) {
    if (keys[0]->is_null(row)) return false;
    key = keys[0]->string_at(row);
    return true;
  }
  buffer.clear();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i]->is_null(row)) return false;
    if (i) buffer += '\x1f';
    buffer += keys[i]->format_value(row);
  }
  key = buffer;
  return true;
}

struct Event {
  uint32_t key;
  int64_t time;
  size_t row;  // kHistoryRow for a saved history row
  double value;
};

}  // namespace

WindowAggregateTransform::WindowAggregateTransform(const ConfigNode& spec) {
  check_transform_keys(spec,
                       {"key", "keys", "time", "column", "window", "functions", "name", "history"});
  const std::string where = spec.origin().describe();
  if (const ConfigNode* keys = spec.get("keys")) {
    keys_ = keys->as_string_list("keys");
  } else if (const ConfigNode* key = spec.get("key")) {
    keys_ = key->as_string_list("key");
  }
  if (keys_.empty()) {
    throw ConfigError("{}: transform 'window_aggregate' needs 'key' (or 'keys')", where);
  }
  time_ = required_string(spec, "time");
  column_ = required_string(spec, "column");
  const std::string window = required_string(spec, "window");
  std::optional<int64_t> micros = parse_duration(window);
  if (!micros) {
    throw ConfigError(
        "{}: transform 'window_aggregate': window '{}' is not a duration such as 30m, 12h, 7d",
        spec.get("window")->origin().describe(), window);
  }
  window_ = *micros;
  functions_ = {"count", "mean"};
  if (const ConfigNode* functions = spec.get("functions")) {
    functions_ = functions->as_string_list("functions");
    for (const auto& function : functions_) {
      if (std::find(kFunctions.begin(), kFunctions.end(), function) == kFunctions.end()) {
        throw ConfigError("{}: transform 'window_aggregate': unknown function '{}' (one of {}){}",
                          functions->origin().describe(), function, fmt::join(kFunctions, ", "),
                          did_you_mean(function, kFunctions));
      }
    }
  }
  name_ = spec.get("name") ? spec.get("name")->as_string("name")
                           : fmt::format("{}_{}_{}", fmt::join(keys_, "_"), column_, window);
  if (const ConfigNode* history = spec.get("history")) history_ = history->as_bool("history");
}

void WindowAggregateTransform::fit(const Table& table, const FitContext& context) {
  (void)context;  // the history is the past as scoring will see it: every row, not a split
  tail_.clear();
  if (!history_) return;
  const Column& time = input_column(table, time_, "window_aggregate");
  const Column& value = input_column(table, column_, "window_aggregate");
  std::vector<const Column*> keys;
  for (const auto& name : keys_) keys.push_back(&input_column(table, name, "window_aggregate"));
  int64_t last = std::numeric_limits<int64_t>::min();
  for (size_t row = 0; row < time.size(); ++row) {
    if (!time.is_null(row)) last = std::max(last, time.int_at(row));
  }
  std::string buffer;
  std::string_view key;
  for (size_t row = 0; row < time.size(); ++row) {
    if (time.is_null(row) || time.int_at(row) < last - window_) continue;
    if (!row_key(keys, row, buffer, key)) continue;
    const double v = value.is_null(row) ? NAN : value.is_numeric() ? value.numeric_at(row) : 1.0;
    tail_.push_back({std::string(key), time.int_at(row), v});
  }
  std::stable_sort(tail_.begin(), tail_.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
}

void WindowAggregateTransform::apply(Table& table) const {
  const Column& time = input_column(table, time_, "window_aggregate");
  if (time.type() != DType::kTimestamp) {
    throw DataError(
        "featurize: transform 'window_aggregate': column '{}' is {}, expected timestamp", time_,
        dtype_name(time.type()));
  }
  const Column& value = input_column(table, column_, "window_aggregate");
  const bool count_only = functions_ == std::vector<std::string>{"count"};
  if (!value.is_numeric() && !count_only) {
    throw DataError(
        "featurize: transform 'window_aggregate': column '{}' is {}; only count works on a "
        "non-numeric column",
        column_, dtype_name(value.type()));
  }
  std::vector<const Column*> keys;
  for (const auto& name : keys_) keys.push_back(&input_column(table, name, "window_aggregate"));

  // Events: every row with a key and a time, plus saved history before the input's first row.
  const size_t rows = table.num_rows();
  StringMap<uint32_t> ids;
  std::vector<Event> events;
  events.reserve(rows);
  std::string buffer;
  std::string_view key;
  int64_t first = std::numeric_limits<int64_t>::max();
  auto id_of = [&](std::string_view text) {
    auto it = ids.find(text);
    if (it == ids.end())
      it = ids.emplace(std::string(text), static_cast<uint32_t>(ids.size())).first;
    return it->second;
  };
  for (size_t row = 0; row < rows; ++row) {
    if (time.is_null(row) || !row_key(keys, row, buffer, key)) continue;
    const double v = value.is_null(row) ? NAN : value.is_numeric() ? value.numeric_at(row) : 1.0;
    events.push_back({id_of(key), time.int_at(row), row, v});
    first = std::min(first, time.int_at(row));
  }
  for (const auto& past : tail_) {
    if (past.time < first) events.push_back({id_of(past.key), past.time, kHistoryRow, past.value});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.time != b.time) return a.time < b.time;
    return a.row < b.row;
  });

  // One sweep per key: `added` and `removed` bound the window [t - window, t) of each event.
  std::vector<int64_t> counts(rows, 0);
  std::vector<double> sums(rows, 0), mins(rows, NAN), maxs(rows, NAN);
  std::vector<uint8_t> present(rows, 0);
  std::deque<size_t> low, high;  // indices of window events by increasing / decreasing value
  size_t group = 0;
  while (group < events.size()) {
    size_t end = group;
    while (end < events.size() && events[end].key == events[group].key) ++end;
    size_t added = group, removed = group;
    int64_t count = 0;
    double sum = 0;
    low.clear();
    high.clear();
    for (size_t i = group; i < end; ++i) {
      const Event& event = events[i];
      for (; added < i && events[added].time < event.time; ++added) {
        const double v = events[added].value;
        if (std::isnan(v)) continue;
        ++count;
        sum += v;
        while (!low.empty() && events[low.back()].value >= v) low.pop_back();
        low.push_back(added);
        while (!high.empty() && events[high.back()].value <= v) high.pop_back();
        high.push_back(added);
      }
      for (; removed < added && events[removed].time < event.time - window_; ++removed) {
        const double v = events[removed].value;
        if (std::isnan(v)) continue;
        --count;
        sum -= v;
        if (!low.empty() && low.front() == removed) low.pop_front();
        if (!high.empty() && high.front() == removed) high.pop_front();
      }
      if (event.row == kHistoryRow) continue;
      present[event.row] = 1;
      counts[event.row] = count;
      sums[event.row] = count ? sum : 0;
      if (count) {
        mins[event.row] = events[low.front()].value;
        maxs[event.row] = events[high.front()].value;
      }
    }
    group = end;
  }

  for (const auto& function : functions_) {
    Column out(name_ + "_" + function, function == "count" ? DType::kInt64 : DType::kFloat64);
    out.reserve(rows);
    for (size_t row = 0; row < rows; ++row) {
      if (!present[row]) {
        out.push_null();
      } else if (function == "count") {
        out.push_int(counts[row]);
      } else if (function == "sum") {
        out.push_float(sums[row]);
      } else if (counts[row] == 0) {
        out.push_null();
      } else if (function == "mean") {
        out.push_float(sums[row] / static_cast<double>(counts[row]));
      } else {
        out.push_float(function == "min" ? mins[row] : maxs[row]);
      }
    }
    table.set_column(std::move(out));
  }
}

nlohmann::json WindowAggregateTransform::state() const {
  nlohmann::json keys = nlohmann::json::array(), times = nlohmann::json::array(),
                 values = nlohmann::json::array();
  for (const auto& event : tail_) {
    keys.push_back(event.key);
    times.push_back(event.time);
    values.push_back(std::isnan(event.value) ? nlohmann::json(nullptr)
                                             : nlohmann::json(event.value));
  }
  return {{"history", {{"keys", keys}, {"times", times}, {"values", values}}}};
}

void WindowAggregateTransform::load_state(const nlohmann::json& state) {
  tail_.clear();
  const auto& history = state.at("history");
  const auto& keys = history.at("keys");
  const auto& times = history.at("times");
  const auto& values = history.at("values");
  for (size_t i = 0; i < keys.size(); ++i) {
    tail_.push_back({keys[i].get<std::string>(), times[i].get<int64_t>(),
                     values[i].is_null() ? NAN : values[i].get<double>()});
  }
}

}  // namespace mlops
