// one_hot, category_codes (top-k), frequency_encode: passing and failing cases, and what
// unseen values and nulls become at scoring time.

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace mlops::testing {
namespace {

Table airports() {
  return make_table({make_column("origin", DType::kString,
                                 {"ATL", "ORD", "ATL", "SFO", "ATL", "ORD", nullptr, "SEA"})});
}

Table scoring() {
  return make_table({make_column("origin", DType::kString, {"ORD", "JFK", nullptr, "SEA"})});
}

TEST(CategoryCodes, TopKByFrequencyWithOtherBucket) {
  auto codes = fitted("{type: top_k_codes, column: origin, k: 2}", airports());
  // ATL (3) -> 0, ORD (2) -> 1; SEA and SFO seen but beyond k, JFK unseen: other = 2.
  EXPECT_EQ(texts(applied(*codes, scoring()).column("origin")), (Texts{"1", "2", "null", "2"}));
}

TEST(CategoryCodes, UnseenAsNullOrError) {
  auto as_null = fitted("{type: category_codes, column: origin, k: 2, unseen: null}", airports());
  // SEA was seen in training (beyond k): still "other"; only JFK is unseen.
  EXPECT_EQ(texts(applied(*as_null, scoring()).column("origin")),
            (Texts{"1", "null", "null", "2"}));
  auto strict = fitted("{type: category_codes, column: origin, unseen: error}", airports());
  EXPECT_EQ(error_of([&] { applied(*strict, scoring()); }),
            "featurize: transform 'category_codes': unseen value 'JFK' in column 'origin' "
            "(declared unseen: error)");
  EXPECT_EQ(error_of([] { make("{type: category_codes, column: origin, unseen: others}"); }),
            "workflow.yaml:1:40: transform 'category_codes': unseen 'others' is not one of other, "
            "null, error (did you mean 'other'?)");
}

TEST(OneHot, UnseenAndNullSetNoColumnUnlessDeclaredAnError) {
  auto one_hot = fitted("{type: one_hot, column: origin}", airports());
  Table out = applied(*one_hot, scoring());
  EXPECT_EQ(out.column_names(),
            (std::vector<std::string>{"origin=ATL", "origin=ORD", "origin=SEA", "origin=SFO"}));
  EXPECT_EQ(texts(out.column("origin=ORD")), (Texts{"1", "0", "0", "0"}));
  EXPECT_EQ(texts(out.column("origin=SEA")), (Texts{"0", "0", "0", "1"}));
  auto strict = fitted("{type: one_hot, column: origin, unseen: error}", airports());
  EXPECT_EQ(error_of([&] { applied(*strict, scoring()); }),
            "featurize: transform 'one_hot': unseen value 'JFK' in column 'origin' (declared "
            "unseen: error)");
}

TEST(FrequencyEncode, ShareOfTrainingRows) {
  auto frequency =
      fitted("{type: frequency_encode, column: origin, name: origin_freq}", airports());
  Table out = applied(*frequency, scoring());
  EXPECT_EQ(texts(out.column("origin_freq")), (Texts{"0.25", "0", "null", "0.125"}));
  EXPECT_EQ(texts(out.column("origin"))[0], "ORD");  // kept
  auto as_null = fitted("{type: frequency_encode, column: origin, unseen: null}", airports());
  EXPECT_EQ(texts(applied(*as_null, scoring()).column("origin"))[1], "null");
  auto strict = fitted("{type: frequency_encode, column: origin, unseen: error}", airports());
  EXPECT_EQ(error_of([&] { applied(*strict, scoring()); }),
            "featurize: transform 'frequency_encode': unseen value 'JFK' in column 'origin' "
            "(declared unseen: error)");
}

TEST(CategoricalState, RoundTripsThroughJson) {
  for (const char* yaml :
       {"{type: category_codes, column: origin, k: 2, unseen: null}",
        "{type: one_hot, column: origin}", "{type: frequency_encode, column: origin}"}) {
    auto original = fitted(yaml, airports());
    auto reloaded = make(yaml);
    reloaded->load_state(nlohmann::json::parse(original->state().dump()));
    Table a = applied(*original, scoring()), b = applied(*reloaded, scoring());
    ASSERT_EQ(a.column_names(), b.column_names()) << yaml;
    for (const auto& column : a.columns()) {
      EXPECT_EQ(texts(column), texts(b.column(column.name()))) << yaml;
    }
  }
}

TEST(CategoryCodes, NonStringColumnsAreCategorizedByTheirText) {
  Table table = make_table({make_column("cylinders", DType::kInt64, {"4", "6", "4", "8"})});
  auto codes = fitted("{type: category_codes, column: cylinders}", table);
  EXPECT_EQ(texts(applied(*codes, table).column("cylinders")), (Texts{"0", "1", "0", "2"}));
}

}  // namespace
}  // namespace mlops::testing
