#include "mlops/features/feature_pipeline.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/features/categorical_transforms.h"
#include "mlops/io/file.h"

namespace mlops {

FeaturePipeline::FeaturePipeline(const FeaturizeSpec& spec, bool categorical_label)
    : specs_(spec.transforms), drop_(spec.drop) {
  for (const auto& transform_spec : specs_) transforms_.push_back(make_transform(transform_spec));
  label_.column = spec.label.column;
  label_.categorical = categorical_label;
}

void FeaturePipeline::fit(const Table& training) {
  const Column* label = training.find(label_.column);
  if (!label) {
    throw DataError("featurize: no label column '{}'{}", label_.column,
                    did_you_mean(label_.column, training.column_names()));
  }
  if (label_.categorical) {
    std::set<std::string> classes;
    for (size_t row = 0; row < label->size(); ++row) {
      if (!label->is_null(row)) classes.insert(category_key(*label, row));
    }
    label_.classes.assign(classes.begin(), classes.end());
  } else if (!label->is_numeric()) {
    throw DataError(
        "featurize: label column '{}' is {}; a regression objective needs a numeric "
        "label",
        label_.column, dtype_name(label->type()));
  }
  Table work = training;
  for (const auto& transform : transforms_) {
    transform->fit(work);
    transform->apply(work);
  }
  feature_names_.clear();
  for (const auto& name : work.column_names()) {
    if (name == label_.column) continue;
    if (std::find(drop_.begin(), drop_.end(), name) != drop_.end()) continue;
    if (!work.column(name).is_numeric()) {
      throw ConfigError(
          "featurize: column '{}' is a string; encode it with a transform "
          "(category_codes, one_hot) or list it in featurize.drop",
          name);
    }
    feature_names_.push_back(name);
  }
}

Table FeaturePipeline::transform(const Table& input) const {
  Table work = input;
  for (const auto& transform : transforms_) transform->apply(work);
  Table out;
  for (const auto& name : feature_names_) {
    const Column* column = work.find(name);
    if (!column) {
      throw DataError("featurize: feature column '{}' is missing from the input{}", name,
                      did_you_mean(name, work.column_names()));
    }
    out.add_column(*column);
  }
  if (const Column* label = work.find(label_.column)) out.add_column(*label);
  return out;
}

std::vector<float> FeaturePipeline::encode_label(const Column& label) const {
  std::vector<float> encoded(label.size(), std::nanf(""));
  for (size_t row = 0; row < label.size(); ++row) {
    if (label.is_null(row)) continue;
    if (label_.categorical) {
      auto it =
          std::lower_bound(label_.classes.begin(), label_.classes.end(), category_key(label, row));
      if (it != label_.classes.end() && *it == category_key(label, row)) {
        encoded[row] = static_cast<float>(it - label_.classes.begin());
      }
    } else {
      encoded[row] = static_cast<float>(label.numeric_at(row));
    }
  }
  return encoded;
}

nlohmann::json FeaturePipeline::to_json() const {
  nlohmann::json transforms = nlohmann::json::array();
  for (size_t i = 0; i < transforms_.size(); ++i) {
    transforms.push_back(
        {{"spec", to_yaml(specs_[i], false, false)}, {"state", transforms_[i]->state()}});
  }
  return {{"format", "mlops.feature_state/1"},
          {"transforms", transforms},
          {"drop", drop_},
          {"features", feature_names_},
          {"label",
           {{"column", label_.column},
            {"categorical", label_.categorical},
            {"classes", label_.classes}}}};
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
