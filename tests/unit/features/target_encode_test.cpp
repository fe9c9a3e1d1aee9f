// Target encoding: smoothed means, out-of-fold values for training rows (a row never sees its
// own label), one column per class for multiclass labels.

#include "mlops/features/target_encode.h"

#include <gtest/gtest.h>

#include <cmath>

#include "transform_test_support.h"

namespace mlops::testing {
namespace {

// Origin A: labels 1, 1, 1, 0; origin B: 0, 0, 0, 1. Prior 0.5.
Table flights() {
  return make_table(
      {make_column("origin", DType::kString, {"A", "A", "A", "A", "B", "B", "B", "B", nullptr}),
       make_column("delayed", DType::kBool,
                   {"true", "true", "true", "false", "false", "false", "false", "true", "true"})});
}
const std::vector<float> kLabels = {1, 1, 1, 0, 0, 0, 0, 1, 1};

TEST(TargetEncode, ScoringUsesSmoothedTrainingMeans) {
  auto encode = fitted("{type: target_encode, column: origin, smoothing: 4}", flights(), kLabels);
  Table scoring = make_table({make_column("origin", DType::kString, {"A", "B", "C", nullptr})});
  // A: (3 + 4 * 5/9) / (4 + 4); prior over the 9 labeled rows is 5/9.
  const double prior = 5.0 / 9.0;
  Table out = applied(*encode, scoring);
  EXPECT_DOUBLE_EQ(out.column("origin").float_at(0), (3 + 4 * prior) / 8);
  EXPECT_DOUBLE_EQ(out.column("origin").float_at(1), (1 + 4 * prior) / 8);
  EXPECT_DOUBLE_EQ(out.column("origin").float_at(2), prior);  // unseen: the prior
  EXPECT_TRUE(out.column("origin").is_null(3));
}

TEST(TargetEncode, TrainingRowsGetOutOfFoldValuesThatIgnoreTheirOwnLabel) {
  // 24 training rows of origin A and one scoring row. Flip one training row's label: under
  // out-of-fold fitting that row's own encoding must not move (it comes from the other folds
  // only), rows of other folds do move, and so would a naive encoding of the row itself.
  const size_t n = 24;
  std::vector<const char*> origins(n + 1, "A");
  Table table = make_table({make_column("origin", DType::kString, origins)});
  std::vector<size_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = i;
  std::vector<float> labels(n + 1);
  for (size_t i = 0; i <= n; ++i) labels[i] = i % 3 == 0 ? 1.0f : 0.0f;
  auto encode_all = [&](const std::vector<float>& y) {
    auto encode = make("{type: target_encode, column: origin, folds: 4, smoothing: 1}");
    Table work = table;
    FitContext context{rows, y, false, {}};
    encode->fit(work, context);
    encode->apply_fitted(work, context);
    return texts(work.column("origin"));
  };
  std::vector<float> flipped = labels;
  flipped[5] = 1;  // was 0
  const Texts before = encode_all(labels), after = encode_all(flipped);
  EXPECT_EQ(before[5], after[5]);
  size_t moved = 0;
  for (size_t i = 0; i < n; ++i) moved += before[i] != after[i];
  EXPECT_GT(moved, 0u);
  EXPECT_LT(moved, n);
  EXPECT_NE(before[n], after[n]);  // the scoring row uses every training row
}

TEST(TargetEncode, MulticlassGivesOneColumnPerClass) {
  Table table = make_table({make_column("island", DType::kString, {"D", "D", "B", "B"})});
  auto encode = fitted("{type: target_encode, column: island, smoothing: 0}", table, {0, 1, 2, 2},
                       true, {"Adelie", "Chinstrap", "Gentoo"});
  Table out = applied(*encode, table);
  EXPECT_EQ(out.column_names(), (std::vector<std::string>{"island_te_Adelie", "island_te_Chinstrap",
                                                          "island_te_Gentoo"}));
  EXPECT_EQ(texts(out.column("island_te_Gentoo")), (Texts{"0", "0", "1", "1"}));
  EXPECT_EQ(texts(out.column("island_te_Adelie")), (Texts{"0.5", "0.5", "0", "0"}));
}

TEST(TargetEncode, BadDeclarationsAndMissingLabel) {
  EXPECT_EQ(error_of([] { make("{type: target_encode, column: origin, folds: 1}"); }),
            "workflow.yaml:1:39: transform 'target_encode': folds must be >= 2");
  EXPECT_EQ(error_of([] { fitted("{type: target_encode, column: origin}", flights()); }),
            "featurize: transform 'target_encode' needs the label, and there is none");
  auto strict = fitted("{type: target_encode, column: origin, unseen: error}", flights(), kLabels);
  Table scoring = make_table({make_column("origin", DType::kString, {"C"})});
  EXPECT_EQ(error_of([&] { applied(*strict, scoring); }),
            "featurize: transform 'target_encode': unseen value 'C' in column 'origin' (declared "
            "unseen: error)");
}

TEST(TargetEncode, StateRoundTrips) {
  auto original = fitted("{type: target_encode, column: origin}", flights(), kLabels);
  auto reloaded = make("{type: target_encode, column: origin}");
  reloaded->load_state(nlohmann::json::parse(original->state().dump()));
  EXPECT_EQ(texts(applied(*original, flights()).column("origin")),
            texts(applied(*reloaded, flights()).column("origin")));
}

}  // namespace
}  // namespace mlops::testing
