// BaselineModel as a file and as a scorer; fitting is in baseline_fit.cpp.

#include "mlops/model/baseline/baseline.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

constexpr size_t kBatchRows = 1 << 16;
constexpr const char* kFormat = "mlops.baseline/1";

Task task_from_name(const std::string& name) {
  for (Task task : {Task::kBinary, Task::kMulticlass, Task::kRegression}) {
    if (task_name(task) == name) return task;
  }
  throw ModelError("unknown task '{}'", name);
}

double number_or_nan(const nlohmann::json& value) {
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

nlohmann::json BaselineModel::to_json() const {
  return {{"format", kFormat},
          {"model", model_},
          {"task", task_name(task_)},
          {"outputs", outputs_},
          {"features", features_},
          {"means", means_},
          {"scales", scales_},
          {"intercepts", intercepts_},
          {"coefficients", coefficients_},
          {"selection",
           {{"metric", selection_.metric},
            {"linear", selection_.linear},  // NaN is written as null
            {"constant", selection_.constant},
            {"fit_rows", selection_.fit_rows},
            {"selection_rows", selection_.selection_rows}}}};
}

BaselineModel BaselineModel::from_json(const nlohmann::json& json) {
  try {
    if (json.at("format") != kFormat) {
      throw ModelError("format '{}' is not {}", json.at("format").dump(), kFormat);
    }
    BaselineModel model;
    model.model_ = json.at("model").get<std::string>();
    model.task_ = task_from_name(json.at("task").get<std::string>());
    model.outputs_ = json.at("outputs").get<int>();
    model.features_ = json.at("features").get<std::vector<std::string>>();
    model.means_ = json.at("means").get<std::vector<double>>();
    model.scales_ = json.at("scales").get<std::vector<double>>();
    model.intercepts_ = json.at("intercepts").get<std::vector<double>>();
    model.coefficients_ = json.at("coefficients").get<std::vector<std::vector<double>>>();
    const auto& selection = json.at("selection");
    model.selection_ = {
        selection.at("metric").get<std::string>(), number_or_nan(selection.at("linear")),
        number_or_nan(selection.at("constant")), selection.at("fit_rows").get<size_t>(),
        selection.at("selection_rows").get<size_t>()};
    const size_t width = model.features_.size();
    const bool consistent = model.outputs_ >= 1 && model.means_.size() == width &&
                            model.scales_.size() == width &&
                            model.intercepts_.size() == static_cast<size_t>(model.outputs_) &&
                            model.coefficients_.size() == model.intercepts_.size() &&
                            std::all_of(model.coefficients_.begin(), model.coefficients_.end(),
                                        [&](const auto& row) { return row.size() == width; });
    if (!consistent) throw ModelError("array sizes do not match {} features", width);
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("not a baseline model: {}", e.what());
  }
}

BaselineModel BaselineModel::load(const std::string& path) {
  try {
    return from_json(nlohmann::json::parse(read_file(path)));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("{}: not a baseline model: {}", path, e.what());
  } catch (const ModelError& e) {
    throw ModelError("{}: {}", path, e.what());
  }
}

void BaselineModel::save(const std::string& path) const {
  write_file_atomic(path, to_json().dump(2) + "\n");
}

std::vector<float> BaselineModel::predict(const RowSource& rows) const {
  if (rows.names() != features_) {
    throw ModelError("the baseline expects {} features ({}...), the data has {}", features_.size(),
                     features_.empty() ? "" : features_.front(), rows.cols());
  }
  const size_t width = features_.size(), outputs = static_cast<size_t>(outputs_);
  std::vector<float> out;
  out.reserve(rows.rows() * outputs);
  std::vector<float> values;
  std::vector<double> standardized(width), z(outputs);
  for (size_t begin = 0; begin < rows.rows(); begin += kBatchRows) {
    const size_t end = std::min(rows.rows(), begin + kBatchRows);
    rows.fill(begin, end, values);
    for (size_t r = 0; r < end - begin; ++r) {
      for (size_t j = 0; j < width; ++j) {
        const float v = values[r * width + j];
        standardized[j] = std::isnan(v) ? 0.0 : (v - means_[j]) / scales_[j];  // null = mean
      }
      for (size_t k = 0; k < outputs; ++k) {
        z[k] = intercepts_[k];
        for (size_t j = 0; j < width; ++j) z[k] += coefficients_[k][j] * standardized[j];
      }
      if (task_ == Task::kBinary) {
        out.push_back(static_cast<float>(1 / (1 + std::exp(-z[0]))));
      } else if (task_ == Task::kMulticlass) {
        const double largest = *std::max_element(z.begin(), z.end());
        double sum = 0;
        for (double& value : z) sum += value = std::exp(value - largest);
        for (double value : z) out.push_back(static_cast<float>(value / sum));
      } else {
        out.push_back(static_cast<float>(z[0]));
      }
    }
  }
  return out;
}

std::vector<float> BaselineModel::predict(const Table& features) const {
  return predict(TableRows(features, features_));
}

}  // namespace mlops
