#include "mlops/config/workflow.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/config/loader.h"
#include "mlops/config/schema.h"
#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;

constexpr const char* kPenguins = R"(name: penguins
description: Species from body measurements
seed: 7
ingest:
  source: {path: data/penguins.json, format: json}
  schema:
    bill_length_mm: float64
    species: {type: string, values: [Adelie, Gentoo, Chinstrap]}
    year: int
  null_values: [NA, ""]
featurize:
  transforms:
    - {type: one_hot, column: island}
  label: {column: species}
  drop: id
train:
  objective: multi:softprob
  rounds: 50
  split: {holdout: 0.25}
  params: {max_depth: 4, eta: 0.1, nthread: 2}
predict: {id_columns: [id]}
contracts:
  ingest: contracts/penguins_clean.yaml
  train: {min_rows: 100}
)";

// Loads like the CLI does: built-in defaults under the workflow.
Workflow load_workflow(const std::string& text, const testing::TempDir& dir) {
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write("wf.yaml", text);
  options.getenv = testing::fake_env({});
  return build_workflow(load_config(options), "local");
}

TEST(ConfigWorkflow, BuildsTypedStagesFromTheTree) {
  testing::TempDir dir;
  Workflow w = load_workflow(kPenguins, dir);
  EXPECT_EQ(w.name, "penguins");
  EXPECT_EQ(w.description, "Species from body measurements");
  EXPECT_EQ(w.path, dir.file("wf.yaml"));
  EXPECT_EQ(w.settings.env, "local");
  EXPECT_EQ(w.settings.seed, 7u);
  EXPECT_EQ(w.settings.store_path, "runs/mlops.db");
  EXPECT_EQ(w.ingest.source.type, "file");
  EXPECT_EQ(w.ingest.source.path, "data/penguins.json");
  EXPECT_EQ(w.ingest.source.format, "json");
  ASSERT_EQ(w.ingest.schema.size(), 3u);
  EXPECT_EQ(w.ingest.schema[0].name, "bill_length_mm");
  EXPECT_EQ(w.ingest.schema[0].type, DType::kFloat64);
  EXPECT_EQ(w.ingest.schema[1].type, DType::kString);
  EXPECT_EQ(w.ingest.schema[1].allowed,
            (std::vector<std::string>{"Adelie", "Gentoo", "Chinstrap"}));
  EXPECT_EQ(w.ingest.schema[2].type, DType::kInt64);
  EXPECT_EQ(w.ingest.null_values, (std::vector<std::string>{"NA", ""}));
  ASSERT_EQ(w.featurize.transforms.size(), 1u);
  EXPECT_EQ(w.featurize.transforms[0].get("type")->text(), "one_hot");
  EXPECT_EQ(w.featurize.label.column, "species");
  EXPECT_EQ(w.featurize.drop, (std::vector<std::string>{"id"}));
  EXPECT_EQ(w.train.objective, "multi:softprob");
  EXPECT_EQ(w.train.rounds, 50);
  EXPECT_EQ(w.train.split.type, "random");
  EXPECT_DOUBLE_EQ(w.train.split.holdout, 0.25);
  EXPECT_TRUE(w.train.split.stratify);
  EXPECT_EQ(w.train.split.seed, 7u);  // falls back to the top-level seed
  EXPECT_EQ(w.train.params, (std::vector<std::pair<std::string, std::string>>{
                                {"max_depth", "4"}, {"eta", "0.1"}, {"nthread", "2"}}));
  EXPECT_EQ(w.predict.id_columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(w.report.title, "penguins");
  ASSERT_EQ(w.contracts.size(), 2u);
  EXPECT_EQ(w.contracts.at("ingest").text(), "contracts/penguins_clean.yaml");
  EXPECT_TRUE(w.contracts.at("train").is_map());
  EXPECT_EQ(w.config_hash, hash_bytes(canonical_text(w.tree)));
  EXPECT_EQ(w.config_hash.size(), 32u);
}

TEST(ConfigWorkflow, StorePathAndSplitSeedCanBeSet) {
  testing::TempDir dir;
  Workflow w = load_workflow(
      "name: w\nruns_dir: out\nstore: {path: /db/m.db}\ningest: {source: {path: a.csv}}\n"
      "train: {split: {seed: 9}}\n",
      dir);
  EXPECT_EQ(w.settings.store_path, "/db/m.db");
  EXPECT_EQ(w.train.split.seed, 9u);
  EXPECT_EQ(build_settings(w.tree, "prod").store_path, "/db/m.db");
  EXPECT_EQ(build_settings(builtin_defaults(), "prod").store_path, "runs/mlops.db");
}

TEST(ConfigWorkflow, TrainingOptionsAreRead) {
  testing::TempDir dir;
  Workflow w = load_workflow(
      "name: w\ningest: {source: {path: a.csv}}\n"
      "train:\n  split: {type: group, column: customer}\n  cv: {folds: 5}\n"
      "  early_stopping: {rounds: 20, metric: auc, validation: 0.15}\n",
      dir);
  EXPECT_EQ(w.train.split.type, "group");
  EXPECT_EQ(w.train.split.column, "customer");
  EXPECT_EQ(w.train.cv_folds, 5);
  EXPECT_EQ(w.train.early_stopping.rounds, 20);
  EXPECT_EQ(w.train.early_stopping.metric, "auc");
  EXPECT_DOUBLE_EQ(w.train.early_stopping.validation, 0.15);
  Workflow defaults = load_workflow("name: w\ningest: {source: {path: a.csv}}\n", dir);
  EXPECT_EQ(defaults.train.cv_folds, 0);
  EXPECT_EQ(defaults.train.early_stopping.rounds, 0);
  EXPECT_DOUBLE_EQ(defaults.train.early_stopping.validation, 0.1);
}

TEST(ConfigWorkflow, GroupSplitNeedsItsColumn) {
  testing::TempDir dir;
  EXPECT_NE(config_error([&] {
              load_workflow(
                  "name: w\ningest: {source: {path: a.csv}}\ntrain: {split: {type: group}}\n", dir);
            }).find("key 'train.split.column' is required for a group split"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load_workflow("name: w\ningest: {source: {path: a.csv}}\ntrain: {cv: {folds: 101}}\n",
                            dir);
            }).find("train.cv.folds"),
            std::string::npos);
}

TEST(ConfigWorkflow, ConfigHashChangesWithTheConfigOnly) {
  testing::TempDir dir;
  const std::string a =
      load_workflow("name: w\ningest: {source: {path: a.csv}}\n", dir).config_hash;
  const std::string b =
      load_workflow("\n\nname: w\ningest:\n  source:\n    path: a.csv\n", dir).config_hash;
  const std::string c =
      load_workflow("name: w\ningest: {source: {path: b.csv}}\n", dir).config_hash;
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ConfigWorkflow, UnknownDtypeSuggestsTheClosest) {
  testing::TempDir dir;
  EXPECT_EQ(config_error([&] {
              load_workflow(
                  "name: w\ningest:\n  source: {path: a.csv}\n  schema:\n    Col: flot64\n", dir);
            }),
            dir.file("wf.yaml") +
                ":5:5: key 'ingest.schema.Col': unknown type 'flot64' "
                "(did you mean 'float64'?)");
}

TEST(ConfigWorkflow, SchemaColumnMapIsChecked) {
  testing::TempDir dir;
  const std::string head = "name: w\ningest:\n  source: {path: a.csv}\n  schema:\n";
  EXPECT_EQ(
      config_error([&] { load_workflow(head + "    C: {tpye: int64}\n", dir); }),
      dir.file("wf.yaml") + ":5:9: unknown key 'ingest.schema.C.tpye' (did you mean 'type'?)");
  EXPECT_EQ(config_error([&] { load_workflow(head + "    C: {type: int64, values: [1]}\n", dir); }),
            dir.file("wf.yaml") +
                ":5:5: key 'ingest.schema.C.values': allowed values need type string, not 'int64'");
  Workflow w = load_workflow(head + "    C: {values: [x, y]}\n", dir);
  EXPECT_EQ(w.ingest.schema[0].type, DType::kString);
}

TEST(ConfigWorkflow, NameIsRequired) {
  testing::TempDir dir;
  EXPECT_EQ(config_error([&] { load_workflow("ingest: {source: {path: a.csv}}\n", dir); }),
            dir.file("wf.yaml") + ": key 'name' is required");
}

TEST(ConfigWorkflow, SourcePathIsRequired) {
  testing::TempDir dir;
  EXPECT_EQ(
      config_error([&] { load_workflow("name: w\ningest:\n  source: {format: csv}\n", dir); }),
      dir.file("wf.yaml") + ":3:3: key 'ingest.source.path' is required");
}

TEST(ConfigWorkflow, ContractStageMustBeAStage) {
  testing::TempDir dir;
  EXPECT_EQ(config_error([&] {
              load_workflow(
                  "name: w\ningest: {source: {path: a.csv}}\ncontracts:\n  ingset: c.yaml\n", dir);
            }),
            dir.file("wf.yaml") +
                ":4:3: key 'contracts.ingset': unknown stage 'ingset' (did you mean 'ingest'?)");
}

TEST(ConfigWorkflow, TransformsMustBeMaps) {
  testing::TempDir dir;
  EXPECT_EQ(
      config_error([&] {
        load_workflow(
            "name: w\ningest: {source: {path: a.csv}}\nfeaturize:\n  transforms:\n    - log1p\n",
            dir);
      }),
      dir.file("wf.yaml") + ":5:7: key 'featurize.transforms[0]': expected a map with a 'type'");
}

TEST(ConfigWorkflow, ParamsAreTypedByTheKeyTable) {
  testing::TempDir dir;
  EXPECT_EQ(config_error([&] {
              load_workflow(
                  "name: w\ningest: {source: {path: a.csv}}\ntrain:\n  params:\n    eta: [1]\n",
                  dir);
            }),
            dir.file("wf.yaml") + ":5:5: key 'train.params.eta': expected float, got a list");
}

// A file to score or labels are read in the format their extension names: a workflow
// ingesting JSON scores a CSV file as CSV (the declared format is the source's).
TEST(ConfigWorkflow, OtherFilesAreReadInTheFormatTheirExtensionNames) {
  testing::TempDir dir;
  Workflow w = load_workflow("name: w\ningest: {source: {path: a.json, format: json}}\n", dir);
  EXPECT_EQ(typed_read_spec(w.ingest, "score.csv").format, "csv");
  EXPECT_EQ(typed_read_spec(w.ingest, "score.jsonl.gz").format, "jsonl");
  EXPECT_EQ(typed_read_spec(w.ingest, "score.json").format, "json");
  EXPECT_EQ(typed_read_spec(w.ingest, "score.txt").format, "json");
}

TEST(ConfigWorkflow, CsvDelimiterAndQuoteReachEveryTypedRead) {
  testing::TempDir dir;
  Workflow w = load_workflow(
      "name: w\ningest:\n  source: {path: a.csv, delimiter: \";\", quote: \"'\"}\n", dir);
  EXPECT_EQ(w.ingest.source.delimiter, ';');
  EXPECT_EQ(w.ingest.source.quote, '\'');
  const TypedReadSpec spec = typed_read_spec(w.ingest, "score.csv");
  EXPECT_EQ(spec.delimiter, ';');
  EXPECT_EQ(spec.quote, '\'');
  EXPECT_EQ(spec.format, "csv");
  // Unset: the format's own (',' for csv, a tab for tsv) and the double quote.
  w = load_workflow("name: w\ningest: {source: {path: a.tsv}}\n", dir);
  EXPECT_EQ(w.ingest.source.delimiter, 0);
  EXPECT_EQ(w.ingest.source.quote, '"');
  EXPECT_EQ(field_delimiter("tsv", w.ingest.source.delimiter), '\t');
  w = load_workflow("name: w\ningest: {source: {path: a.csv, delimiter: '\\t'}}\n", dir);
  EXPECT_EQ(w.ingest.source.delimiter, '\t');
}

TEST(ConfigWorkflow, BadDelimiterOrQuoteNamesFileLineAndKey) {
  testing::TempDir dir;
  auto error = [&](const std::string& source) {
    return config_error(
        [&] { load_workflow("name: w\ningest:\n  source: " + source + "\n", dir); });
  };
  const std::string two = error("{path: a.csv, delimiter: \";;\"}");
  EXPECT_NE(two.find("wf.yaml:3:"), std::string::npos) << two;
  EXPECT_NE(two.find("key 'ingest.source.delimiter': must be exactly one character, got ';;'"),
            std::string::npos)
      << two;
  EXPECT_NE(error("{path: a.csv, quote: \"\\n\"}")
                .find("key 'ingest.source.quote': must not be a line end"),
            std::string::npos);
  EXPECT_NE(error("{path: a.csv, delimiter: \"'\", quote: \"'\"}")
                .find("key 'ingest.source.quote': must differ from the field delimiter '''"),
            std::string::npos);
  EXPECT_NE(error("{path: a.csv, quote: \",\"}")
                .find("key 'ingest.source.quote': must differ from the field delimiter ','"),
            std::string::npos);
  const std::string typo = error("{path: a.csv, delimeter: \";\"}");
  EXPECT_NE(typo.find("ingest.source.delimeter"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean 'ingest.source.delimiter'"), std::string::npos) << typo;
}

TEST(ConfigWorkflow, TimestampFormatIsCompiledAtLoad) {
  testing::TempDir dir;
  Workflow w = load_workflow(
      "name: w\ningest:\n  source: {path: a.csv}\n  schema:\n    day: {type: timestamp, format: "
      "\"%b %d %Y\"}\n    n: int64\n",
      dir);
  ASSERT_EQ(w.ingest.schema.size(), 2u);
  ASSERT_NE(w.ingest.schema[0].format, nullptr);
  EXPECT_EQ(w.ingest.schema[0].format->pattern(), "%b %d %Y");
  EXPECT_EQ(w.ingest.schema[1].format, nullptr);
  auto error = [&](const std::string& column) {
    return config_error([&] {
      load_workflow(
          "name: w\ningest:\n  source: {path: a.csv}\n  schema:\n    day: " + column + "\n", dir);
    });
  };
  const std::string unknown = error("{type: timestamp, format: \"%b %Q %Y\"}");
  EXPECT_NE(unknown.find("wf.yaml:5:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("key 'ingest.schema.day.format': '%b %Q %Y' unknown directive '%Q'"),
            std::string::npos)
      << unknown;
  EXPECT_NE(error("{type: int64, format: \"%Y\"}")
                .find("key 'ingest.schema.day.format': a format needs type timestamp, not 'int64'"),
            std::string::npos);
  EXPECT_NE(error("{type: timestamp, fromat: \"%Y\"}").find("did you mean 'format'"),
            std::string::npos);
}

}  // namespace
}  // namespace mlops
