#include "mlops/features/target_encode.h"

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

/// The fold of a row: a hash of the row index and seed, so folds are fixed and stable.
size_t fold_of(size_t row, uint64_t seed, size_t folds) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (static_cast<uint64_t>(row) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<size_t>(z % folds);
}

/// Adds one labeled row to per-output sums: the value itself, or a one for its class.
void add_label(std::vector<double>& sums, float label, bool multiclass) {
  if (multiclass) {
    sums[static_cast<size_t>(label)] += 1;
  } else {
    sums[0] += label;
  }
}

}  // namespace

TargetEncodeTransform::TargetEncodeTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "folds", "smoothing", "unseen", "seed"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  if (const ConfigNode* folds = spec.get("folds")) {
    const int64_t value = folds->as_int("folds");
    if (value < 2) {
      throw ConfigError("{}: transform 'target_encode': folds must be >= 2",
                        folds->origin().describe());
    }
    folds_ = static_cast<size_t>(value);
  }
  if (const ConfigNode* smoothing = spec.get("smoothing")) {
    smoothing_ = smoothing->as_double("smoothing");
    if (smoothing_ < 0) {
      throw ConfigError("{}: transform 'target_encode': smoothing must be >= 0",
                        smoothing->origin().describe());
    }
  }
  if (const ConfigNode* seed = spec.get("seed"))
    seed_ = static_cast<uint64_t>(seed->as_int("seed"));
  unseen_ = read_choice(spec, "unseen", {"prior", "null", "error"}, "prior");
}

std::vector<std::string> TargetEncodeTransform::output_names(const std::string& column) const {
  const std::string& base = output_for(column, output_);
  if (classes_.empty()) return {base};
  std::vector<std::string> names;
  for (const auto& name : classes_) names.push_back(base + "_te_" + name);
  return names;
}

void TargetEncodeTransform::fit(const Table& table, const FitContext& context) {
  if (context.label.empty()) {
    throw DataError("featurize: transform 'target_encode' needs the label, and there is none");
  }
  const bool multiclass = context.categorical && context.classes.size() > 2;
  classes_ = multiclass ? context.classes : std::vector<std::string>{};
  const size_t n = outputs();
  Sums total{0, std::vector<double>(n, 0)};
  for (size_t row : context.rows) {
    if (std::isnan(context.label[row])) continue;
    total.rows += 1;
    add_label(total.sums, context.label[row], multiclass);
  }
  prior_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) prior_[i] = total.rows > 0 ? total.sums[i] / total.rows : 0;

  for (const auto& name : columns_) {
    StringMap<Sums> sums;
    for_each_category(
        input_column(table, name, "target_encode"), context.rows,
        [&](size_t row, std::string_view key) {
          if (std::isnan(context.label[row])) return;
          auto it = sums.find(key);
          if (it == sums.end()) {
            it = sums.emplace(std::string(key), Sums{0, std::vector<double>(n, 0)}).first;
          }
          it->second.rows += 1;
          add_label(it->second.sums, context.label[row], multiclass);
        });
    StringMap<std::vector<double>>& encodings = encodings_[name];
    encodings.clear();
    for (const auto& [value, s] : sums) {
      std::vector<double> encoded(n);
      for (size_t i = 0; i < n; ++i) {
        encoded[i] = (s.sums[i] + smoothing_ * prior_[i]) / (s.rows + smoothing_);
      }
      encodings.emplace(value, std::move(encoded));
    }
  }
}

void TargetEncodeTransform::write(Table& table, const std::string& column,
                                  const std::vector<std::vector<double>>& values) const {
  const std::vector<std::string> names = output_names(column);
  if (!classes_.empty() && output_.empty()) table.remove_column(column);
  for (size_t i = 0; i < names.size(); ++i) {
    Column out(names[i], DType::kFloat64);
    out.reserve(values[i].size());
    for (double v : values[i]) std::isnan(v) ? out.push_null() : out.push_float(v);
    table.set_column(std::move(out));
  }
}

std::vector<std::vector<double>> TargetEncodeTransform::encode(const Column& input,
                                                               const std::string& name) const {
  const size_t n = outputs();
  const StringMap<std::vector<double>>& encodings = encodings_.at(name);
  std::vector<std::vector<double>> values(n, std::vector<double>(input.size(), NAN));
  for_each_category(input, [&](size_t row, std::string_view key) {
    auto it = encodings.find(key);
    const std::vector<double>* encoded = it != encodings.end() ? &it->second : nullptr;
    if (!encoded) {
      if (unseen_ == "error") throw_unseen("target_encode", name, key);
      if (unseen_ == "null") return;
      encoded = &prior_;
    }
    for (size_t i = 0; i < n; ++i) values[i][row] = (*encoded)[i];
  });
  return values;
}

void TargetEncodeTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    write(table, name, encode(input_column(table, name, "target_encode"), name));
  }
}

void TargetEncodeTransform::apply_fitted(Table& table, const FitContext& context) const {
  const bool multiclass = !classes_.empty();
  const size_t n = outputs();
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "target_encode");
    // Label sums per fold: overall and per category.
    std::vector<Sums> fold_total(folds_, Sums{0, std::vector<double>(n, 0)});
    std::vector<StringMap<Sums>> fold_sums(folds_);
    for_each_category(input, context.rows, [&](size_t row, std::string_view key) {
      if (std::isnan(context.label[row])) return;
      const size_t fold = fold_of(row, seed_, folds_);
      fold_total[fold].rows += 1;
      add_label(fold_total[fold].sums, context.label[row], multiclass);
      auto it = fold_sums[fold].find(key);
      if (it == fold_sums[fold].end()) {
        it = fold_sums[fold].emplace(std::string(key), Sums{0, std::vector<double>(n, 0)}).first;
      }
      it->second.rows += 1;
      add_label(it->second.sums, context.label[row], multiclass);
    });
    Sums all{0, std::vector<double>(n, 0)};
    for (const auto& total : fold_total) {
      all.rows += total.rows;
      for (size_t i = 0; i < n; ++i) all.sums[i] += total.sums[i];
    }
    StringMap<Sums> category_all;
    for (const auto& sums : fold_sums) {
      for (const auto& [value, s] : sums) {
        auto [it, inserted] = category_all.emplace(value, s);
        if (inserted) continue;
        it->second.rows += s.rows;
        for (size_t i = 0; i < n; ++i) it->second.sums[i] += s.sums[i];
      }
    }

    // Rows outside the training set get the full encoding, as at scoring time.
    std::vector<std::vector<double>> values = encode(input, name);
    // Training rows: the encoding from the other folds only.
    for_each_category(input, context.rows, [&](size_t row, std::string_view key) {
      const size_t fold = fold_of(row, seed_, folds_);
      const Sums& own_total = fold_total[fold];
      const double other_rows = all.rows - own_total.rows;
      auto own_it = fold_sums[fold].find(key);
      auto all_it = category_all.find(key);
      const double own_rows = own_it != fold_sums[fold].end() ? own_it->second.rows : 0;
      const double rows = all_it != category_all.end() ? all_it->second.rows - own_rows : 0;
      for (size_t i = 0; i < n; ++i) {
        const double prior =
            other_rows > 0 ? (all.sums[i] - own_total.sums[i]) / other_rows : prior_[i];
        const double own = own_it != fold_sums[fold].end() ? own_it->second.sums[i] : 0;
        const double sum = all_it != category_all.end() ? all_it->second.sums[i] - own : 0;
        values[i][row] =
            rows + smoothing_ > 0 ? (sum + smoothing_ * prior) / (rows + smoothing_) : prior;
      }
    });
    write(table, name, values);
  }
}

nlohmann::json TargetEncodeTransform::state() const {
  nlohmann::json encodings = nlohmann::json::object();
  for (const auto& [name, values] : encodings_) {
    encodings[name] = std::map<std::string, std::vector<double>>(values.begin(), values.end());
  }
  return {{"classes", classes_}, {"prior", prior_}, {"encodings", encodings}};
}

void TargetEncodeTransform::load_state(const nlohmann::json& state) {
  classes_ = state.at("classes").get<std::vector<std::string>>();
  prior_ = state.at("prior").get<std::vector<double>>();
  encodings_.clear();
  for (const auto& [name, values] : state.at("encodings").items()) {
    for (const auto& [value, encoded] : values.items()) {
      encodings_[name].emplace(value, encoded.get<std::vector<double>>());
    }
  }
}

}  // namespace mlops
