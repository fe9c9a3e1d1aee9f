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

// From 65,536 rows the columns are coded on two threads: the same codes, nulls and columns as
// one by one, and an unseen value reports the first column in order that has one.
TEST(CategoryCodes, ManyRowsCodedOnTwoThreadsAsOneByOne) {
  const char* codes_a[] = {"ATL", "ORD", "SFO", "SEA"};
  const char* codes_b[] = {"x", "y", "z"};
  std::vector<const char*> a, b, c;
  for (size_t row = 0; row < 70'000; ++row) {
    a.push_back(row % 11 == 0 ? nullptr : codes_a[row % 4]);
    b.push_back(codes_b[row % 3]);
    c.push_back(codes_a[(row / 2) % 4]);
  }
  const Table training =
      make_table({make_column("a", DType::kString, a), make_column("b", DType::kString, b),
                  make_column("c", DType::kString, c)});
  auto codes = fitted("{type: category_codes, columns: [a, b, c], unseen: error}", training);
  const Table out = applied(*codes, training);
  EXPECT_EQ(out.column_names(), (std::vector<std::string>{"a", "b", "c"}));
  for (const auto& name : {"a", "b", "c"}) {
    const Column& coded = out.column(name);
    ASSERT_EQ(coded.type(), DType::kInt64) << name;
    ASSERT_EQ(coded.size(), 70'000u) << name;
  }
  EXPECT_TRUE(out.column("a").is_null(0));
  EXPECT_EQ(out.column("a").null_count(), training.column("a").null_count());
  // Same value, same code, in every row of every column.
  for (size_t row = 0; row < 70'000; row += 997) {
    EXPECT_EQ(out.column("b").int_at(row), out.column("b").int_at(row % 3)) << row;
    EXPECT_EQ(out.column("c").int_at(row), out.column("c").int_at((row / 2) % 4 * 2)) << row;
    if (row % 11 != 0) {
      EXPECT_EQ(out.column("a").int_at(row), out.column("a").int_at(row % 4 == 0 ? 4 : row % 4))
          << row;
    }
  }
  EXPECT_NE(out.column("b").int_at(0), out.column("b").int_at(1));
  // Unseen values in b and c: b is named, as one by one would.
  std::vector<const char*> b2 = b, c2 = c;
  b2[60'000] = "new-b";
  c2[10] = "new-c";
  const Table scoring_rows =
      make_table({make_column("a", DType::kString, a), make_column("b", DType::kString, b2),
                  make_column("c", DType::kString, c2)});
  EXPECT_EQ(error_of([&] { applied(*codes, scoring_rows); }),
            "featurize: transform 'category_codes': unseen value 'new-b' in column 'b' "
            "(declared unseen: error)");
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
