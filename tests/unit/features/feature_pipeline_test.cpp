#include "mlops/features/feature_pipeline.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

Table sample_table() {
  Table table;
  Column island("island", DType::kString), mass("mass", DType::kFloat64),
      species("species", DType::kString), when("when", DType::kTimestamp);
  const char* islands[] = {"Dream", "Biscoe", "Dream", "Torgersen", "Dream"};
  const double masses[] = {3000, 4000, NAN, 5000, 6000};
  const char* labels[] = {"Adelie", "Gentoo", "Adelie", "Chinstrap", "Gentoo"};
  for (int i = 0; i < 5; ++i) {
    island.push_string(islands[i]);
    std::isnan(masses[i]) ? mass.push_null() : mass.push_float(masses[i]);
    species.push_string(labels[i]);
    when.push_int(*parse_timestamp("2001-01-0" + std::to_string(i + 1) + " 10:30:00"));
  }
  table.add_column(std::move(island));
  table.add_column(std::move(mass));
  table.add_column(std::move(species));
  table.add_column(std::move(when));
  return table;
}

FeaturizeSpec spec_from(const std::string& yaml) {
  ConfigNode root = parse_yaml(yaml, "workflow.yaml");
  FeaturizeSpec spec;
  for (const auto& item : root.get("transforms")->items()) spec.transforms.push_back(item);
  spec.label.column = "species";
  return spec;
}

TEST(FeaturePipeline, CategoryCodesByFrequencyWithOtherForUnseen) {
  FeaturePipeline pipeline(
      spec_from("transforms:\n  - {type: category_codes, columns: [island], k: 1}\n  - {type: "
                "datetime_parts, column: when, parts: [day]}\n"),
      true);
  pipeline.fit(sample_table());
  Table scoring = sample_table();
  Table out = pipeline.transform(scoring);
  const Column& codes = out.column("island");
  EXPECT_EQ(codes.int_at(0), 0);  // Dream: most frequent
  EXPECT_EQ(codes.int_at(1), 1);  // Biscoe: beyond k -> other
  EXPECT_EQ(codes.int_at(3), 1);
}

TEST(FeaturePipeline, StateRoundTripsAndScoringMatchesTraining) {
  testing::TempDir dir;
  FeaturePipeline pipeline(
      spec_from("transforms:\n  - {type: one_hot, columns: [island]}\n  - {type: fill_null, "
                "columns: [mass], strategy: median}\n  - {type: standard_scale, columns: [mass]}\n"
                "  - {type: datetime_parts, column: when, parts: [day, hour, day_of_week]}\n"),
      true);
  Table training = sample_table();
  pipeline.fit(training);
  pipeline.save(dir.file("state.json"));
  FeaturePipeline loaded = FeaturePipeline::load(dir.file("state.json"));
  Table a = pipeline.transform(training);
  Table b = loaded.transform(training);
  ASSERT_EQ(a.column_names(), b.column_names());
  EXPECT_EQ(a.column_names(),
            (std::vector<std::string>{"mass", "island=Biscoe", "island=Dream", "island=Torgersen",
                                      "when_day", "when_hour", "when_day_of_week", "species"}));
  for (const auto& column : a.columns()) {
    for (size_t row = 0; row < a.num_rows(); ++row) {
      EXPECT_EQ(column.format_value(row), b.column(column.name()).format_value(row));
    }
  }
  // The median of 3000, 4000, 5000, 6000 fills the null, then scaling centres on the mean.
  EXPECT_NEAR(a.column("mass").float_at(2), 0.0, 1e-12);
  EXPECT_EQ(a.column("when_hour").int_at(0), 10);
  EXPECT_EQ(a.column("when_day_of_week").int_at(0), 0);  // 2001-01-01 was a Monday
  EXPECT_EQ(loaded.label().classes, (std::vector<std::string>{"Adelie", "Chinstrap", "Gentoo"}));
}

TEST(FeaturePipeline, UnseenCategoryAtScoringSetsNoOneHotColumn) {
  FeaturePipeline pipeline(spec_from("transforms:\n  - {type: one_hot, columns: [island]}\n"),
                           true);
  Table training = sample_table();
  pipeline.fit(training);
  Table scoring;
  Column island("island", DType::kString), mass("mass", DType::kFloat64),
      when("when", DType::kTimestamp);
  island.push_string("Atlantis");
  mass.push_float(1);
  when.push_int(0);
  scoring.add_column(std::move(island));
  scoring.add_column(std::move(mass));
  scoring.add_column(std::move(when));
  FeaturePipeline timestamps_ok(
      spec_from("transforms:\n  - {type: one_hot, columns: [island]}\n  - {type: datetime_parts, "
                "column: when, parts: [month]}\n"),
      true);
  timestamps_ok.fit(training);
  Table out = timestamps_ok.transform(scoring);
  EXPECT_EQ(out.column("island=Dream").int_at(0), 0);
  EXPECT_EQ(out.column("island=Biscoe").int_at(0), 0);
  EXPECT_EQ(out.find("species"), nullptr);  // no label at scoring time
}

TEST(FeaturePipeline, StringFeatureLeftUnencodedIsAConfigError) {
  FeaturePipeline pipeline(spec_from("transforms: []\n"), true);
  try {
    pipeline.fit(sample_table());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "featurize: column 'island' is a string; encode it with a transform "
                 "(category_codes, one_hot, frequency_encode, target_encode) or list it in "
                 "featurize.drop");
  }
}

TEST(FeaturePipeline, UnknownTransformTypeSuggestsTheClosest) {
  try {
    FeaturePipeline pipeline(spec_from("transforms:\n  - {type: one_hott, columns: [island]}\n"),
                             true);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "workflow.yaml:2:6: key 'featurize.transforms': unknown transform type "
                 "'one_hott' (did you mean 'one_hot'?)");
  }
}

TEST(FeaturePipeline, Log1pOfNumericColumn) {
  FeaturePipeline pipeline(
      spec_from("transforms:\n  - {type: log1p, columns: [mass]}\n  - {type: one_hot, columns: "
                "[island]}\n  - {type: datetime_parts, column: when, parts: [epoch]}\n"),
      true);
  pipeline.fit(sample_table());
  Table out = pipeline.transform(sample_table());
  EXPECT_DOUBLE_EQ(out.column("mass").float_at(0), std::log1p(3000.0));
  EXPECT_TRUE(out.column("mass").is_null(2));
  EXPECT_EQ(out.column("when_epoch").int_at(0), 978345000);
}

TEST(FeaturePipeline, EncodeLabelMapsClassesAndNulls) {
  FeaturePipeline pipeline(spec_from("transforms:\n  - {type: one_hot, columns: [island]}\n  - "
                                     "{type: datetime_parts, column: when, parts: [day]}\n"),
                           true);
  pipeline.fit(sample_table());
  Column label("species", DType::kString);
  label.push_string("Gentoo");
  label.push_null();
  label.push_string("Emperor");
  std::vector<float> encoded = pipeline.encode_label(label);
  EXPECT_EQ(encoded[0], 2.0f);
  EXPECT_TRUE(std::isnan(encoded[1]));
  EXPECT_TRUE(std::isnan(encoded[2]));
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

Table flights() {
  Table table;
  Column date("date", DType::kTimestamp), delay("delay", DType::kInt64),
      distance("distance", DType::kInt64), origin("origin", DType::kString);
  const int64_t delays[] = {30, -5, 16, 15, 0, 45, 2, 60};
  const char* origins[] = {"ATL", "ORD", "ATL", "SFO", "ORD", "ATL", "SEA", "ORD"};
  for (int i = 0; i < 8; ++i) {
    date.push_int(*parse_timestamp("2001-01-0" + std::to_string(i + 1) + " 08:00:00"));
    delay.push_int(delays[i]);
    distance.push_int(100 * (i + 1));
    origin.push_string(origins[i]);
  }
  for (Column* c : {&date, &delay, &distance, &origin}) table.add_column(std::move(*c));
  return table;
}

FeaturizeSpec flight_spec(const std::string& transforms) {
  FeaturizeSpec spec;
  const ConfigNode list = parse_yaml(transforms, "workflow.yaml");
  for (const auto& item : list.items()) spec.transforms.push_back(item);
  spec.label.column = "delayed";
  spec.label.expr = "delay > 15";
  spec.label.origin = "workflow.yaml:9:10";
  spec.drop = {"date"};
  return spec;
}

TEST(FeaturePipeline, LabelExpressionGivesFalseTrueClassesAndDropsItsSources) {
  FeaturePipeline pipeline(flight_spec("[{type: category_codes, column: origin}]"), true);
  const Table table = flights();
  const Column label = pipeline.label_column(table);
  EXPECT_EQ(label.type(), DType::kBool);
  const std::vector<size_t> rows = {0, 1, 2, 3, 4, 5, 6, 7};
  Table features = pipeline.fit_transform(table, label, rows);
  EXPECT_EQ(pipeline.label().classes, (std::vector<std::string>{"false", "true"}));
  EXPECT_EQ(pipeline.label().sources, (std::vector<std::string>{"delay"}));
  // delay would leak the label; date is dropped; the label comes last.
  EXPECT_EQ(features.column_names(), (std::vector<std::string>{"distance", "origin", "delayed"}));
  EXPECT_EQ(pipeline.encode_label(features.column("delayed")),
            (std::vector<float>{1, 0, 1, 0, 0, 1, 0, 1}));
}

TEST(FeaturePipeline, ScoringWithoutTheLabelSourceHasNoLabelColumn) {
  FeaturePipeline pipeline(flight_spec("[{type: category_codes, column: origin}]"), true);
  pipeline.fit(flights());
  Table scoring = flights();
  scoring.remove_column("delay");
  Table out = pipeline.transform(scoring);
  EXPECT_EQ(out.column_names(), (std::vector<std::string>{"distance", "origin"}));
}

TEST(FeaturePipeline, BadLabelExpressionNamesTheWorkflowKey) {
  FeaturizeSpec spec = flight_spec("[]");
  spec.label.expr = "delay >> 15";
  try {
    FeaturePipeline pipeline(spec, true);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "workflow.yaml:9:10: key 'featurize.label.expr': expression 'delay >> 15': "
                 "expected a value, got '>' at character 8");
  }
}

TEST(FeaturePipeline, EveryTransformTogetherRoundTripsThroughTheStateFile) {
  testing::TempDir dir;
  FeaturePipeline pipeline(
      flight_spec("- {type: expr, name: long_haul, expr: \"distance > 400\"}\n"
                  "- {type: window_aggregate, key: origin, time: date, column: delay, window: 3d}\n"
                  "- {type: datetime_parts, column: date, parts: [day_of_week, hour], keep: true}\n"
                  "- {type: log1p, column: distance, name: log_distance}\n"
                  "- {type: clip, column: distance, quantiles: [0.1, 0.9]}\n"
                  "- {type: bucketize, column: log_distance, bins: 3}\n"
                  "- {type: fill_null, column: origin_delay_3d_mean, strategy: median}\n"
                  "- {type: standard_scale, column: distance}\n"
                  "- {type: frequency_encode, column: origin, name: origin_frequency}\n"
                  "- {type: target_encode, column: origin, name: origin_te, folds: 2}\n"
                  "- {type: min_max_scale, column: origin_delay_3d_count}\n"
                  "- {type: category_codes, column: origin, k: 2}\n"),
      true);
  const std::vector<size_t> rows = {0, 1, 2, 3, 4, 5};
  const Table table = flights();
  pipeline.fit_transform(table, pipeline.label_column(table), rows);
  pipeline.save(dir.file("state.json"));
  FeaturePipeline loaded = FeaturePipeline::load(dir.file("state.json"));
  Table scoring = flights();
  Table a = pipeline.transform(scoring), b = loaded.transform(scoring);
  ASSERT_EQ(a.column_names(), b.column_names());
  for (const auto& column : a.columns()) {
    for (size_t row = 0; row < a.num_rows(); ++row) {
      EXPECT_EQ(column.format_value(row), b.column(column.name()).format_value(row))
          << column.name() << " row " << row;
    }
  }
  EXPECT_EQ(loaded.label().expr, "delay > 15");
}

TEST(FeaturePipeline, UnseenCategoriesAndNullsAtScoringNeverThrowByDefault) {
  FeaturePipeline pipeline(flight_spec("- {type: one_hot, column: origin}\n"
                                       "- {type: fill_null, column: distance, strategy: mean}\n"),
                           true);
  pipeline.fit(flights());
  Table scoring;
  Column date("date", DType::kTimestamp), delay("delay", DType::kInt64),
      distance("distance", DType::kInt64), origin("origin", DType::kString);
  date.push_null();
  delay.push_null();
  distance.push_null();
  origin.push_string("XXX");
  for (Column* c : {&date, &delay, &distance, &origin}) scoring.add_column(std::move(*c));
  Table out = pipeline.transform(scoring);
  EXPECT_EQ(out.column("origin=ATL").int_at(0), 0);
  EXPECT_EQ(out.column("distance").float_at(0), 450);  // the training mean
  EXPECT_TRUE(out.column("delayed").is_null(0));       // label of a null delay: null
}

}  // namespace
}  // namespace mlops
