#include "mlops/features/categorical_transforms.h"

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/key_table.h"
#include "mlops/core/parallel.h"
#include "mlops/features/transform_params.h"

namespace mlops {

CategoryCodesTransform::CategoryCodesTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "k", "unseen"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  if (const ConfigNode* k = spec.get("k")) {
    int64_t value = k->as_int("k");
    if (value < 1) {
      throw ConfigError("{}: transform '{}': k must be >= 1", k->origin().describe(),
                        transform_type(spec));
    }
    k_ = static_cast<size_t>(value);
  }
  unseen_ = read_choice(spec, "unseen", {"other", "null", "error"}, "other");
}

void CategoryCodesTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    const Column& column = input_column(table, name, "category_codes");
    auto counted = count_categories(column, context.rows);
    StringMap<bool>& seen = seen_[name];
    for (const auto& [value, count] : counted) seen.emplace(value, true);
    if (k_ && counted.size() > k_) counted.resize(k_);
    std::map<std::string, int64_t> codes;
    for (size_t i = 0; i < counted.size(); ++i) codes[counted[i].first] = static_cast<int64_t>(i);
    codes_[name] = std::move(codes);
  }
  build_lookup();
}

void CategoryCodesTransform::build_lookup() {
  lookup_.clear();
  for (const auto& [name, codes] : codes_) {
    StringMap<int64_t>& lookup = lookup_[name];
    for (const auto& [value, code] : codes) lookup.emplace(value, code);
  }
}

void CategoryCodesTransform::apply(Table& table) const {
  // Columns are coded on two threads, then set in order; the same as one by one unless an
  // output replaces a later input, which then runs one by one.
  std::vector<Column> outputs(columns_.size(), Column("", DType::kInt64));
  bool independent = true;
  for (const auto& name : columns_) {
    const std::string output = output_for(name, output_);
    independent = independent && (output == name || std::find(columns_.begin(), columns_.end(),
                                                              output) == columns_.end());
  }
  auto code_column = [&](size_t c) { outputs[c] = coded(table, columns_[c]); };
  if (independent && table.num_rows() >= 65'536) {
    for_each_on_two_threads(columns_.size(), code_column);
    for (auto& out : outputs) table.set_column(std::move(out));
    return;
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    code_column(c);
    table.set_column(std::move(outputs[c]));
  }
}

Column CategoryCodesTransform::coded(const Table& table, const std::string& name) const {
  const Column& input = input_column(table, name, "category_codes");
  const StringMap<int64_t>& lookup = lookup_.at(name);
  const auto seen = seen_.find(name);
  const int64_t other = static_cast<int64_t>(lookup.size());
  Column out(output_for(name, output_), DType::kInt64);
  out.reserve(input.size());
  size_t next_row = 0;
  // Each distinct key is resolved once; rows then cost one KeyTable lookup.
  constexpr int64_t kNullCode = -1;
  KeyTable<int64_t> codes;
  auto resolve = [&](std::string_view key) {
    auto it = lookup.find(key);
    if (it != lookup.end()) return it->second;
    // Beyond the top k but seen in training: always "other". Never seen: as declared.
    const bool was_seen = seen != seen_.end() && seen->second.count(key);
    if (was_seen || unseen_ == "other") return other;
    if (unseen_ == "null") return kNullCode;
    throw_unseen("category_codes", name, key);
  };
  for_each_category(input, [&](size_t row, std::string_view key) {
    for (; next_row < row; ++next_row) out.push_null();
    ++next_row;
    const int64_t code = codes.find_or_insert(key, [&] { return resolve(key); });
    if (code == kNullCode) {
      out.push_null();
    } else {
      out.push_int(code);
    }
  });
  for (; next_row < input.size(); ++next_row) out.push_null();
  return out;
}

nlohmann::json CategoryCodesTransform::state() const {
  nlohmann::json state{{"codes", codes_}};
  if (unseen_ != "other") {
    // Values beyond k, which stay "other" even when unseen values become null or an error.
    nlohmann::json seen = nlohmann::json::object();
    for (const auto& [name, values] : seen_) {
      std::vector<std::string> sorted;
      for (const auto& [value, unused] : values) sorted.push_back(value);
      std::sort(sorted.begin(), sorted.end());
      seen[name] = sorted;
    }
    state["seen"] = seen;
  }
  return state;
}

void CategoryCodesTransform::load_state(const nlohmann::json& state) {
  codes_ = state.at("codes").get<std::map<std::string, std::map<std::string, int64_t>>>();
  seen_.clear();
  if (state.contains("seen")) {
    for (const auto& [name, values] : state.at("seen").items()) {
      for (const auto& value : values) seen_[name].emplace(value.get<std::string>(), true);
    }
  }
  build_lookup();
}

OneHotTransform::OneHotTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "unseen"});
  columns_ = transform_columns(spec);
  unseen_ = read_choice(spec, "unseen", {"null", "error"}, "null");
}

void OneHotTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    std::vector<std::string> values;
    for (auto& [value, count] :
         count_categories(input_column(table, name, "one_hot"), context.rows)) {
      values.push_back(std::move(value));
    }
    std::sort(values.begin(), values.end());
    categories_[name] = std::move(values);
  }
}

void OneHotTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "one_hot");
    const std::vector<std::string>& categories = categories_.at(name);
    StringMap<size_t> index;
    for (size_t i = 0; i < categories.size(); ++i) index.emplace(categories[i], i);
    // Category of each row; categories.size() for null or unseen (no column set).
    const size_t none = categories.size();
    std::vector<size_t> category(input.size(), none);
    for_each_category(input, [&](size_t row, std::string_view key) {
      auto it = index.find(key);
      if (it != index.end()) {
        category[row] = it->second;
      } else if (unseen_ == "error") {
        throw_unseen("one_hot", name, key);
      }
    });
    table.remove_column(name);
    for (size_t i = 0; i < categories.size(); ++i) {
      Column out(name + "=" + categories[i], DType::kInt64);
      out.reserve(category.size());
      for (size_t c : category) out.push_int(c == i ? 1 : 0);
      table.add_column(std::move(out));
    }
  }
}

nlohmann::json OneHotTransform::state() const {
  return {{"categories", categories_}};
}
void OneHotTransform::load_state(const nlohmann::json& state) {
  categories_ = state.at("categories").get<std::map<std::string, std::vector<std::string>>>();
}

FrequencyEncodeTransform::FrequencyEncodeTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "unseen"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  unseen_ = read_choice(spec, "unseen", {"zero", "null", "error"}, "zero");
}

void FrequencyEncodeTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    const Column& column = input_column(table, name, "frequency_encode");
    StringMap<double>& frequencies = frequencies_[name];
    frequencies.clear();
    const double total = static_cast<double>(context.rows.size());
    for (const auto& [value, count] : count_categories(column, context.rows)) {
      frequencies.emplace(value, static_cast<double>(count) / total);
    }
  }
}

void FrequencyEncodeTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "frequency_encode");
    const StringMap<double>& frequencies = frequencies_.at(name);
    std::vector<double> values(input.size(), NAN);
    for_each_category(input, [&](size_t row, std::string_view key) {
      auto it = frequencies.find(key);
      if (it != frequencies.end()) {
        values[row] = it->second;
      } else if (unseen_ == "zero") {
        values[row] = 0;
      } else if (unseen_ == "error") {
        throw_unseen("frequency_encode", name, key);
      }
    });
    Column out(output_for(name, output_), DType::kFloat64);
    out.reserve(values.size());
    for (double v : values) std::isnan(v) ? out.push_null() : out.push_float(v);
    table.set_column(std::move(out));
  }
}

nlohmann::json FrequencyEncodeTransform::state() const {
  nlohmann::json state = nlohmann::json::object();
  for (const auto& [name, frequencies] : frequencies_) {
    state[name] = std::map<std::string, double>(frequencies.begin(), frequencies.end());
  }
  return {{"frequencies", state}};
}

void FrequencyEncodeTransform::load_state(const nlohmann::json& state) {
  frequencies_.clear();
  for (const auto& [name, values] : state.at("frequencies").items()) {
    for (const auto& [value, frequency] : values.items()) {
      frequencies_[name].emplace(value, frequency.get<double>());
    }
  }
}

}  // namespace mlops
