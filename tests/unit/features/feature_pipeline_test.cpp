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
