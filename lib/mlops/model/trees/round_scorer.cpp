#include "mlops/model/trees/round_scorer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "mlops/core/error.h"

namespace mlops {

namespace {

// A copy of `model` without its trees (copied member by member: a whole copy would double the
// parsed model's memory). Steps only add their trees' leaf values (TreeEnsemble::add_leaves),
// so the objective and base score they keep do not matter.
nlohmann::json leaf_value_skeleton(const nlohmann::json& model) {
  auto copy_except = [](const nlohmann::json& object, const std::string& left_out) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : object.items()) {
      if (key != left_out) out[key] = value;
    }
    return out;
  };
  nlohmann::json skeleton = copy_except(model, "learner");
  const auto& learner = model.at("learner");
  auto& out = skeleton["learner"] = copy_except(learner, "gradient_booster");
  out["gradient_booster"] = copy_except(learner.at("gradient_booster"), "model");
  auto& trees = out["gradient_booster"]["model"] =
      copy_except(learner.at("gradient_booster").at("model"), "trees");
  trees["trees"] = nlohmann::json::array();
  trees["tree_info"] = nlohmann::json::array();
  return skeleton;
}

}  // namespace

std::optional<RoundScorer> RoundScorer::from_json(const nlohmann::json& model) {
  try {
    const auto& learner = model.at("learner");
    const auto& booster = learner.at("gradient_booster");
    if (booster.at("name") != "gbtree") return std::nullopt;
    RoundScorer scorer;
    const auto& params = learner.at("learner_model_param");
    scorer.width_ = std::max<size_t>(1, std::stoul(params.at("num_class").get<std::string>()));
    const std::optional<ObjectiveOutput> output = ObjectiveOutput::of_learner(learner);
    if (!output) return std::nullopt;
    scorer.output_ = *output;

    const auto& trees = booster.at("model").at("trees");
    const auto& groups = booster.at("model").at("tree_info");
    const size_t parallel = std::stoul(
        booster.at("model").at("gbtree_model_param").at("num_parallel_tree").get<std::string>());
    const size_t per_round = scorer.width_ * std::max<size_t>(1, parallel);
    if (trees.size() != groups.size() || trees.size() % per_round != 0) {
      throw ModelError("{} trees, {} tree groups, {} trees per round", trees.size(), groups.size(),
                       per_round);
    }
    const nlohmann::json skeleton = leaf_value_skeleton(model);
    // A step takes a round's trees in order until one repeats a group: each group's trees are
    // still added in their order, and adding 0 for the other groups changes nothing.
    std::optional<nlohmann::json> step;
    std::vector<bool> used(scorer.width_, false);
    auto close_step = [&]() -> bool {
      if (!step) return true;
      std::optional<TreeEnsemble> compiled = TreeEnsemble::from_json(*step);
      if (!compiled) return false;
      scorer.steps_.push_back(std::move(*compiled));
      step.reset();
      std::fill(used.begin(), used.end(), false);
      return true;
    };
    for (size_t t = 0; t < trees.size(); ++t) {
      const size_t group = groups.at(t).get<size_t>();
      if (group >= scorer.width_) throw ModelError("tree {} is in group {}", t, group);
      if (used[group] && !close_step()) return std::nullopt;
      if (!step) step = skeleton;
      auto& part = step->at("learner").at("gradient_booster").at("model");
      part.at("trees").push_back(trees.at(t));
      part.at("tree_info").push_back(group);
      used[group] = true;
      if ((t + 1) % per_round == 0) {
        if (!close_step()) return std::nullopt;
        scorer.round_ends_.push_back(scorer.steps_.size());
      }
    }
    return scorer;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("not an XGBoost JSON model: {}", e.what());
  } catch (const std::logic_error& e) {  // stoul / stof on a malformed number
    throw ModelError("not an XGBoost JSON model: {}", e.what());
  }
}

std::vector<float> RoundScorer::base_margins(size_t rows) const {
  return std::vector<float>(rows * width_, output_->base_margin());
}

TreeEnsemble::WideRows RoundScorer::widen(const RowSource& rows) const {
  if (steps_.empty()) return {};
  return steps_.front().widen(rows);  // the layout depends on the features alone
}

void RoundScorer::add_rounds(int first, int last, const TreeEnsemble::WideRows& rows,
                             std::vector<float>& margins, std::vector<std::vector<float>>& after,
                             unsigned threads) const {
  if (first < 0 || last > rounds() || first >= last || margins.size() != rows.rows * width_) {
    throw InternalError("RoundScorer: rounds [{}, {}) of {} for {} margins of {} rows", first, last,
                        rounds(), margins.size(), rows.rows);
  }
  after.resize(static_cast<size_t>(last - first));
  for (auto& values : after) values.resize(margins.size());
  // Blocks of 1024 rows: 128 KB of widened keys for 8 features, which stay in L2 while every
  // round's trees walk them (one pass per round streamed the 48 MB of 750k rows each time).
  constexpr size_t kBlock = 1024;
  const size_t blocks = (rows.rows + kBlock - 1) / kBlock;
  auto work = [&](size_t first_block, size_t last_block) {
    for (size_t block = first_block; block < last_block; ++block) {
      const size_t begin = block * kBlock, end = std::min(rows.rows, begin + kBlock);
      for (int round = first; round < last; ++round) {
        const auto r = static_cast<size_t>(round);
        for (size_t s = r == 0 ? 0 : round_ends_[r - 1]; s < round_ends_[r]; ++s) {
          steps_[s].add_leaves(rows, begin, end, margins);
        }
        std::copy(margins.begin() + static_cast<std::ptrdiff_t>(begin * width_),
                  margins.begin() + static_cast<std::ptrdiff_t>(end * width_),
                  after[static_cast<size_t>(round - first)].begin() +
                      static_cast<std::ptrdiff_t>(begin * width_));
      }
    }
  };
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(blocks)));
  const size_t per_thread = (blocks + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(work, std::min(blocks, t * per_thread),
                      std::min(blocks, (t + 1) * per_thread));
  }
  work(0, std::min(blocks, per_thread));  // walk_forest does not throw
  for (auto& thread : pool) thread.join();
}

void RoundScorer::transform(std::span<float> margins) const {
  output_->transform(margins, width_);
}

}  // namespace mlops
