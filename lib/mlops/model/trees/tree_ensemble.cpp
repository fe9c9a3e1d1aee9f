#include "mlops/model/trees/tree_ensemble.h"

#include <cmath>
#include <exception>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/model/trees/tree_walk.h"

namespace mlops {

namespace {

constexpr size_t kBlockRows = 256;  // rows scored together against one tree at a time

}  // namespace

std::optional<TreeEnsemble> TreeEnsemble::from_json(const nlohmann::json& model) {
  try {
    const auto& learner = model.at("learner");
    const auto& booster = learner.at("gradient_booster");
    if (booster.at("name") != "gbtree")
      return std::nullopt;  // dart weights trees, gblinear has none
    const auto& params = learner.at("learner_model_param");
    TreeEnsemble ensemble;
    ensemble.forest_ = HeapForest(std::stoul(params.at("num_feature").get<std::string>()));
    const size_t num_class = std::stoul(params.at("num_class").get<std::string>());
    if (params.contains("num_target") && params.at("num_target").get<std::string>() != "1")
      return std::nullopt;
    ensemble.num_groups_ = std::max<size_t>(1, num_class);
    const std::optional<ObjectiveOutput> output = ObjectiveOutput::of_learner(learner);
    if (!output) return std::nullopt;
    ensemble.output_ = *output;
    const auto& trees = booster.at("model").at("trees");
    const auto& info = booster.at("model").at("tree_info");
    for (size_t t = 0; t < trees.size(); ++t) {
      const auto& tree = trees[t];
      if (tree.at("tree_param").at("size_leaf_vector").get<std::string>() != "0")
        return std::nullopt;
      for (const auto& type : tree.at("split_type")) {
        if (type.get<int>() != 0) return std::nullopt;  // categorical split
      }
      const auto left = tree.at("left_children").get<std::vector<int32_t>>();
      const auto right = tree.at("right_children").get<std::vector<int32_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<uint32_t>>();
      const auto condition = tree.at("split_conditions").get<std::vector<float>>();
      const auto default_left = tree.at("default_left").get<std::vector<uint8_t>>();
      const SavedTree saved{left,      right,        feature,
                            condition, default_left, info.at(t).get<uint32_t>()};
      try {
        if (!ensemble.forest_.add(saved)) return std::nullopt;  // too deep, or a -inf split
      } catch (const ModelError& e) {
        throw ModelError("tree {}: {}", t, e.what());
      }
    }
    return ensemble;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("not an XGBoost JSON model: {}", e.what());
  } catch (const std::logic_error& e) {  // stoul / stof on a malformed number
    throw ModelError("not an XGBoost JSON model: {}", e.what());
  }
}

std::optional<TreeEnsemble> TreeEnsemble::load(const std::string& path) {
  try {
    return from_json(nlohmann::json::parse(read_file(path)));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("{}: not an XGBoost JSON model: {}", path, e.what());
  }
}

void TreeEnsemble::score_block(const float* values, size_t rows, uint32_t* wide, float* out) const {
  for (size_t i = 0; i < rows * num_groups_; ++i) out[i] = output_->base_margin();
  forest_.widen(values, rows, wide);
  walk_forest(forest_, wide, rows, num_groups_, out);
  output_->transform({out, rows * num_groups_}, num_groups_);
}

TreeEnsemble::WideRows TreeEnsemble::widen(const RowSource& rows) const {
  if (rows.cols() != num_features()) {
    throw ModelError("the model expects {} features, the data has {}", num_features(), rows.cols());
  }
  WideRows wide;
  wide.rows = rows.rows();
  wide.keys.resize(forest_.widened_size(wide.rows));
  std::vector<float> values;
  for (size_t block = 0; block < wide.rows; block += 4096) {  // a multiple of the group size
    const size_t block_end = std::min(wide.rows, block + 4096);
    rows.fill(block, block_end, values);
    forest_.widen(values.data(), block_end - block, wide.keys.data() + forest_.widened_size(block));
  }
  return wide;
}

void TreeEnsemble::add_leaves(const WideRows& rows, size_t begin, size_t end,
                              std::span<float> margins) const {
  if (begin < end) {
    walk_forest(forest_, rows.keys.data() + forest_.widened_size(begin), end - begin, num_groups_,
                margins.data() + begin * num_groups_);
  }
}

std::vector<float> TreeEnsemble::predict(const RowSource& rows, unsigned threads) const {
  if (rows.cols() != num_features()) {
    throw ModelError("the model expects {} features, the data has {}", num_features(), rows.cols());
  }
  const size_t total = rows.rows();
  std::vector<float> out(total * num_groups_);
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(total / 4096 + 1)));
  auto work = [&](size_t begin, size_t end) {
    std::vector<float> values;
    std::vector<uint32_t> wide(forest_.widened_size(kBlockRows));
    for (size_t block = begin; block < end; block += 4096) {
      const size_t block_end = std::min(end, block + 4096);
      rows.fill(block, block_end, values);
      for (size_t r = block; r < block_end; r += kBlockRows) {
        const size_t n = std::min(kBlockRows, block_end - r);
        score_block(values.data() + (r - block) * num_features(), n, wide.data(),
                    out.data() + r * num_groups_);
      }
    }
  };
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  const size_t per_thread = (total + threads - 1) / threads;
  auto guarded = [&](unsigned t, size_t begin, size_t end) {
    try {
      work(begin, end);
    } catch (...) {
      errors[t] = std::current_exception();  // e.g. a non-finite value: rethrown below
    }
  };
  for (unsigned t = 1; t < threads; ++t) {
    const size_t begin = std::min(total, t * per_thread), end = std::min(total, begin + per_thread);
    if (begin < end) pool.emplace_back(guarded, t, begin, end);
  }
  guarded(0, 0, std::min(total, per_thread));
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return out;
}

}  // namespace mlops
