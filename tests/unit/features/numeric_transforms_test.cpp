// log1p, clip, bucketize, fill_null, standard_scale, min_max_scale: a passing and a failing
// case each, with exact messages.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "mlops/features/column_stats.h"
#include "transform_test_support.h"

namespace mlops::testing {
namespace {

Table numbers() {
  return make_table({make_column("x", DType::kInt64, {"1", "5", nullptr, "10", "-3"}),
                     make_column("y", DType::kFloat64, {"0.5", nullptr, "2.5", "4", "8"}),
                     make_column("s", DType::kString, {"a", "b", nullptr, "b", "c"})});
}

TEST(Log1p, InPlaceOrToANamedColumn) {
  Table out = applied(*make("{type: log1p, column: y, name: log_y}"), numbers());
  EXPECT_EQ(texts(out.column("log_y")), (Texts{"0.4054651081081644", "null", "1.252762968495368",
                                               "1.6094379124341003", "2.1972245773362196"}));
  EXPECT_EQ(texts(out.column("y"))[0], "0.5");  // kept
  EXPECT_EQ(error_of([] { applied(*make("{type: log1p, column: s}"), numbers()); }),
            "featurize: transform 'log1p': column 's' is string, expected a numeric column");
  EXPECT_EQ(error_of([] { make("{type: log1p, columns: [x, y], name: z}"); }),
            "workflow.yaml:1:32: transform 'log1p': 'name' needs exactly one column");
}

TEST(Clip, FixedBoundsKeepIntegers) {
  Table out = applied(*fitted("{type: clip, column: x, min: 0, max: 6}", numbers()), numbers());
  EXPECT_EQ(out.column("x").type(), DType::kInt64);
  EXPECT_EQ(texts(out.column("x")), (Texts{"1", "5", "null", "6", "0"}));
  EXPECT_EQ(error_of([] { make("{type: clip, column: x, min: 5, max: 1}"); }),
            "workflow.yaml:1:1: transform 'clip': min 5 is above max 1");
  EXPECT_EQ(error_of([] { make("{type: clip, column: x}"); }),
            "workflow.yaml:1:1: transform 'clip' needs 'min', 'max' or 'quantiles'");
}

TEST(Clip, QuantileBoundsAreLearnedFromTrainingRows) {
  auto clip = fitted("{type: clip, column: y, quantiles: [0.25, 0.75]}", numbers());
  // Training values 0.5, 2.5, 4, 8: quartiles 2 and 5.
  EXPECT_EQ(clip->state()["bounds"]["y"], nlohmann::json::parse("[2.0, 5.0]"));
  Table out = applied(*clip, numbers());
  EXPECT_EQ(texts(out.column("y")), (Texts{"2", "null", "2.5", "4", "5"}));
  EXPECT_EQ(error_of([] { make("{type: clip, column: y, quantiles: [0.9, 0.1]}"); }),
            "workflow.yaml:1:25: transform 'clip': quantiles must satisfy 0 <= low < high <= 1");
}

TEST(Bucketize, FixedBoundsAndQuantileBins) {
  Table out =
      applied(*fitted("{type: bucketize, column: x, bounds: [0, 5]}", numbers()), numbers());
  EXPECT_EQ(texts(out.column("x")), (Texts{"1", "2", "null", "2", "0"}));
  auto bins = fitted("{type: bucketize, column: y, bins: 2, name: y_half}", numbers());
  EXPECT_EQ(bins->state()["bounds"]["y"], nlohmann::json::parse("[3.25]"));
  EXPECT_EQ(texts(applied(*bins, numbers()).column("y_half")), (Texts{"0", "null", "0", "1", "1"}));
  EXPECT_EQ(error_of([] { make("{type: bucketize, column: x, bounds: [5, 1]}"); }),
            "workflow.yaml:1:30: transform 'bucketize': bounds must be strictly increasing");
  EXPECT_EQ(error_of([] { make("{type: bucketize, column: x}"); }),
            "workflow.yaml:1:1: transform 'bucketize' needs either 'bounds' or 'bins'");
}

TEST(FillNull, MeanMedianModeAndConstant) {
  EXPECT_EQ(
      texts(applied(*fitted("{type: fill_null, column: x}", numbers()), numbers()).column("x")),
      (Texts{"1", "5", "3.25", "10", "-3"}));  // mean of 1, 5, 10, -3
  EXPECT_EQ(
      texts(applied(*fitted("{type: fill_null, column: y, strategy: median}", numbers()), numbers())
                .column("y")),
      (Texts{"0.5", "3.25", "2.5", "4", "8"}));
  EXPECT_EQ(
      texts(applied(*fitted("{type: fill_null, column: s, strategy: mode}", numbers()), numbers())
                .column("s")),
      (Texts{"a", "b", "b", "b", "c"}));
  Table constant = applied(
      *fitted("{type: fill_null, columns: [x, s], strategy: constant, value: 0}", numbers()),
      numbers());
  EXPECT_EQ(constant.column("x").type(), DType::kInt64);
  EXPECT_EQ(texts(constant.column("x"))[2], "0");
  EXPECT_EQ(texts(constant.column("s"))[2], "0");
}

TEST(FillNull, ConstantThatDoesNotFitTheColumnIsADataError) {
  EXPECT_EQ(error_of([] {
              fitted("{type: fill_null, column: x, strategy: constant, value: none}", numbers());
            }),
            "featurize: transform 'fill_null': value 'none' does not fit column 'x' (int64)");
  EXPECT_EQ(error_of([] { make("{type: fill_null, column: x, strategy: mediam}"); }),
            "workflow.yaml:1:30: transform 'fill_null': strategy 'mediam' is not one of mean, "
            "median, mode, constant (did you mean 'median'?)");
  EXPECT_EQ(error_of([] { make("{type: fill_null, column: x, strategy: constant}"); }),
            "workflow.yaml:1:1: transform 'fill_null' with strategy constant needs 'value'");
}

TEST(Scaling, StandardAndMinMaxUseTrainingStatistics) {
  Table training = make_table({make_column("x", DType::kInt64, {"0", "10"})});
  Table scoring = make_table({make_column("x", DType::kInt64, {"5", "20", nullptr})});
  EXPECT_EQ(
      texts(applied(*fitted("{type: standard_scale, column: x}", training), scoring).column("x")),
      (Texts{"0", "3", "null"}));
  EXPECT_EQ(texts(applied(*fitted("{type: min_max_scale, column: x, name: x01}", training), scoring)
                      .column("x01")),
            (Texts{"0.5", "2", "null"}));
  EXPECT_EQ(error_of([&] { fitted("{type: min_max_scale, column: xx}", training); }),
            "featurize: transform 'min_max_scale': no column 'xx' (did you mean 'x'?)");
}

TEST(Scaling, ConstantColumnScalesToZero) {
  Table training = make_table({make_column("x", DType::kFloat64, {"3", "3"})});
  EXPECT_EQ(
      texts(applied(*fitted("{type: min_max_scale, column: x}", training), training).column("x")),
      (Texts{"0", "0"}));
  EXPECT_EQ(
      texts(applied(*fitted("{type: standard_scale, column: x}", training), training).column("x")),
      (Texts{"0", "0"}));
}

TEST(FittedState, RoundTripsThroughJson) {
  for (const char* yaml :
       {"{type: clip, column: y, quantiles: [0.1, 0.9]}", "{type: bucketize, column: y, bins: 3}",
        "{type: fill_null, column: s, strategy: mode}", "{type: standard_scale, column: y}",
        "{type: min_max_scale, column: x}"}) {
    auto original = fitted(yaml, numbers());
    auto reloaded = make(yaml);
    reloaded->load_state(nlohmann::json::parse(original->state().dump()));
    Table a = applied(*original, numbers()), b = applied(*reloaded, numbers());
    for (const auto& column : a.columns()) {
      EXPECT_EQ(texts(column), texts(b.column(column.name()))) << yaml;
    }
  }
}

}  // namespace
}  // namespace mlops::testing

namespace mlops {
namespace {

// The memo keeps each value's result in a small direct-mapped cache: values that share a slot
// evict each other, repeats hit, and nulls and NaN results stay null. Bit for bit the plain map.
TEST(MapToFloatMemo, GivesFnsOwnResultsForRepeatsCollisionsAndNulls) {
  Column ints("x", DType::kInt64), floats("y", DType::kFloat64);
  uint64_t state = 42;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t value = static_cast<int64_t>(state >> 40) % 9000 - 10;  // some below -1
    if (i % 97 == 0) {
      ints.push_null();
      floats.push_null();
      continue;
    }
    ints.push_int(value);
    floats.push_float(static_cast<double>(value) / 7.0);
  }
  auto log1p_or_nan = [](double x) { return x > -1 ? std::log1p(x) : NAN; };
  for (const Column* input : {&ints, &floats}) {
    const Column plain = map_to_float(*input, log1p_or_nan);
    const Column memo = map_to_float_memo(*input, log1p_or_nan);
    ASSERT_EQ(memo.size(), plain.size());
    EXPECT_EQ(memo.null_count(), plain.null_count());
    EXPECT_GT(plain.null_count(), 200u);  // nulls and values <= -1
    for (size_t row = 0; row < plain.size(); ++row) {
      ASSERT_EQ(memo.is_null(row), plain.is_null(row)) << row;
      if (!plain.is_null(row)) {
        ASSERT_EQ(std::bit_cast<uint64_t>(memo.float_at(row)),
                  std::bit_cast<uint64_t>(plain.float_at(row)))
            << row;
      }
    }
  }
}

}  // namespace
}  // namespace mlops
