#include "mlops/features/feature_pipeline.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlops/core/error.h"
#include "mlops/core/key_table.h"
#include "mlops/core/suggest.h"
#include "mlops/features/categories.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

FeaturePipeline::FeaturePipeline(const FeaturizeSpec& spec, bool categorical_label)
    : specs_(spec.transforms), drop_(spec.drop) {
  for (const auto& transform_spec : specs_) transforms_.push_back(make_transform(transform_spec));
  label_.column = spec.label.column;
  label_.categorical = categorical_label;
  if (!spec.label.expr.empty()) {
    const std::string where = spec.label.origin.empty() ? "" : spec.label.origin + ": ";
    set_label_expression(spec.label.expr, where + "key 'featurize.label.expr'");
  }
}

void FeaturePipeline::set_label_expression(const std::string& text, const std::string& where) {
  label_expr_ = Expression::parse(text, where);
  label_.expr = text;
  label_.sources = label_expr_->columns();
}

Column FeaturePipeline::label_column(const Table& table) const {
  if (label_expr_) return label_expr_->evaluate_column(table, label_.column);
  if (const Column* label = table.find(label_.column)) return *label;
  throw ConfigError("featurize.label.column: no column '{}' in the ingested table{}", label_.column,
                    did_you_mean(label_.column, table.column_names()));
}

Table FeaturePipeline::with_label(Table work, std::optional<Column>& label) const {
  bool computable = label_expr_.has_value();
  for (const auto& source : label_.sources) computable = computable && work.find(source);
  if (computable) {
    label = label_expr_->evaluate_column(work, label_.column);
    work.set_column(*label);
  } else if (!label_expr_) {
    if (const Column* column = work.find(label_.column)) label = *column;
  }
  return work;
}

Table FeaturePipeline::fit_transform(Table table, const Column& label,
                                     std::span<const size_t> rows) {
  if (label_.categorical) {
    KeyTable<bool> seen;
    for_each_category(label, rows, [&](size_t, std::string_view key) {
      seen.find_or_insert(key, [] { return true; });
    });
    label_.classes.clear();
    for (const auto& [name, unused] : seen.entries()) label_.classes.push_back(name);
    std::sort(label_.classes.begin(), label_.classes.end());
  } else if (!label.is_numeric()) {
    throw DataError(
        "featurize: label column '{}' is {}; a regression objective needs a numeric "
        "label",
        label_.column, dtype_name(label.type()));
  }
  const std::vector<float> encoded = encode_label(label);
  FitContext context{rows, encoded, label_.categorical, label_.classes};

  Table work = std::move(table);  // moved in: no copy of the input
  if (label_expr_) work.set_column(label);
  for (const auto& transform : transforms_) {
    transform->fit(work, context);
    transform->apply_fitted(work, context);
  }
  feature_names_.clear();
  for (const auto& name : work.column_names()) {
    // The label, what it is computed from (it would leak it) and declared non-features.
    if (name == label_.column || contains(label_.sources, name) || contains(drop_, name)) continue;
    if (!work.column(name).is_numeric()) {
      throw ConfigError(
          "featurize: column '{}' is a string; encode it with a transform "
          "(category_codes, one_hot, frequency_encode, target_encode) or list it in "
          "featurize.drop",
          name);
    }
    feature_names_.push_back(name);
  }
  Table out;
  for (const auto& name : feature_names_) out.add_column(work.release_column(name));
  out.add_column(label);
  return out;
}

void FeaturePipeline::fit(const Table& training) {
  std::vector<size_t> rows(training.num_rows());
  std::iota(rows.begin(), rows.end(), size_t{0});
  fit_transform(training, label_column(training), rows);
}

Table FeaturePipeline::transform(Table input) const {
  std::optional<Column> label;
  Table work = with_label(std::move(input), label);
  for (const auto& transform : transforms_) transform->apply(work);
  Table out;
  for (const auto& name : feature_names_) {
    const Column* column = work.find(name);
    if (!column) {
      throw DataError("featurize: feature column '{}' is missing from the input{}", name,
                      did_you_mean(name, work.column_names()));
    }
    out.add_column(work.release_column(name));
  }
  if (label) out.add_column(std::move(*label));
  return out;
}

bool FeaturePipeline::out_of_fold() const {
  for (const auto& transform : transforms_) {
    if (transform->out_of_fold()) return true;
  }
  return false;
}

bool FeaturePipeline::row_independent() const {
  for (const auto& transform : transforms_) {
    if (!transform->row_independent()) return false;
  }
  return true;
}

std::vector<float> FeaturePipeline::encode_label(const Column& label) const {
  std::vector<float> encoded(label.size(), std::nanf(""));
  if (label_.categorical) {
    StringMap<float> index;
    for (size_t i = 0; i < label_.classes.size(); ++i) {
      index.emplace(label_.classes[i], static_cast<float>(i));
    }
    // Each distinct text is looked up once; rows then cost one KeyTable probe.
    KeyTable<float> codes;
    for_each_category(label, [&](size_t row, std::string_view key) {
      encoded[row] = codes.find_or_insert(key, [&] {
        auto it = index.find(key);
        return it != index.end() ? it->second : std::nanf("");
      });
    });
    return encoded;
  }
  for (size_t row = 0; row < label.size(); ++row) {
    if (!label.is_null(row)) encoded[row] = static_cast<float>(label.numeric_at(row));
  }
  return encoded;
}

nlohmann::json FeaturePipeline::to_json() const {
  nlohmann::json transforms = nlohmann::json::array();
  for (size_t i = 0; i < transforms_.size(); ++i) {
    transforms.push_back(
        {{"spec", to_yaml(specs_[i], false, false)}, {"state", transforms_[i]->state()}});
  }
  nlohmann::json label{
      {"column", label_.column}, {"categorical", label_.categorical}, {"classes", label_.classes}};
  if (!label_.expr.empty()) {
    label["expr"] = label_.expr;
    label["sources"] = label_.sources;
  }
  return {{"format", "mlops.feature_state/1"},
          {"transforms", transforms},
          {"drop", drop_},
          {"features", feature_names_},
          {"label", label}};
}

FeaturePipeline FeaturePipeline::from_json(const nlohmann::json& state) {
  FeaturePipeline pipeline;
  for (const auto& entry : state.at("transforms")) {
    pipeline.specs_.push_back(parse_yaml(entry.at("spec").get<std::string>(), "feature_state"));
    pipeline.transforms_.push_back(make_transform(pipeline.specs_.back()));
    pipeline.transforms_.back()->load_state(entry.at("state"));
  }
  pipeline.drop_ = state.at("drop").get<std::vector<std::string>>();
  pipeline.feature_names_ = state.at("features").get<std::vector<std::string>>();
  const auto& label = state.at("label");
  pipeline.label_.column = label.at("column").get<std::string>();
  pipeline.label_.categorical = label.at("categorical").get<bool>();
  pipeline.label_.classes = label.at("classes").get<std::vector<std::string>>();
  if (label.contains("expr")) {
    pipeline.set_label_expression(label.at("expr").get<std::string>(),
                                  "feature_state: key 'label.expr'");
  }
  return pipeline;
}

void FeaturePipeline::save(const std::string& path) const {
  write_file_atomic(path, to_json().dump(2) + "\n");
}

FeaturePipeline FeaturePipeline::load(const std::string& path) {
  try {
    return from_json(nlohmann::json::parse(read_file(path)));
  } catch (const nlohmann::json::exception& e) {
    throw DataError("{}: not a feature state file: {}", path, e.what());
  }
}

}  // namespace mlops
