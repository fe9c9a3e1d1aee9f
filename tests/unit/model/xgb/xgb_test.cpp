#include "mlops/model/xgb/xgb.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "mlops/core/error.h"
#include "support/optional_tool.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Booster trained_booster(const DMatrix& train) {
  Booster booster({&train});
  booster.set_param("objective", "binary:logistic");
  booster.set_param("nthread", "2");
  booster.set_param("max_depth", "2");
  for (int round = 0; round < 5; ++round) booster.update_one_iter(round, train);
  return booster;
}

TEST(Xgb, SavedModelLoadsBackAndPredictsTheSame) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 100);
  DMatrix train(data.features, &data.labels);
  Booster booster = trained_booster(train);
  std::vector<float> before = booster.predict(train);
  ASSERT_EQ(before.size(), 100u);

  booster.save_json(dir.file("model.json"));
  Booster loaded = Booster::load(dir.file("model.json"));
  EXPECT_EQ(loaded.predict(train), before);
}

TEST(Xgb, SaveWritesJsonWhateverTheExtensionAndLeavesNoTempFile) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 50);
  DMatrix train(data.features, &data.labels);
  trained_booster(train).save_json(dir.file("sub/model.bin"));

  auto model = nlohmann::json::parse(slurp(dir.file("sub/model.bin")));
  EXPECT_TRUE(model.contains("learner"));
  EXPECT_EQ(model["learner"]["feature_names"], nlohmann::json({"signal", "noise"}));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "sub")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(Xgb, LoadErrorNamesThePath) {
  TempDir dir;
  std::string path = dir.file("absent.json");
  try {
    Booster::load(path);
    FAIL() << "expected ModelError";
  } catch (const ModelError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot load model '" + path + "': Opening " + path +
                                             " failed: No such file or directory");
  }
}

TEST(Xgb, CheckThrowsWithFunctionNameAndXgboostMessage) {
  EXPECT_NO_THROW(xgb_check(0, "XGBoosterFree(handle)"));
  BoosterHandle handle = nullptr;
  ASSERT_EQ(xgb().XGBoosterCreate(nullptr, 0, &handle), 0);
  try {
    MLOPS_XGB_CHECK(XGBoosterLoadModel(handle, "/nonexistent/model.json"));
    FAIL() << "expected ModelError";
  } catch (const ModelError& error) {
    EXPECT_STREQ(error.what(),
                 "xgboost: XGBoosterLoadModel: Opening /nonexistent/model.json failed: No such "
                 "file or directory");
  }
  xgb().XGBoosterFree(handle);
}

TEST(Xgb, GainImportanceUsesFeatureNames) {
  auto data = make_synthetic(Shape::kBinary, 100);
  DMatrix train(data.features, &data.labels);
  auto importance = trained_booster(train).gain_importance();
  ASSERT_FALSE(importance.empty());
  for (const auto& [name, gain] : importance) {
    EXPECT_TRUE(name == "signal" || name == "noise") << name;
    EXPECT_GT(gain, 0);
  }
}

TEST(Xgb, PythonPackageLoadsTheSavedModel) {
  MLOPS_REQUIRE_TOOL(std::system("/usr/bin/python3 -c 'import xgboost' >/dev/null 2>&1") == 0,
                     "python3-xgboost");
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 50);
  DMatrix train(data.features, &data.labels);
  trained_booster(train).save_json(dir.file("model.json"));
  std::string command =
      "/usr/bin/python3 -c 'import sys, xgboost; b = xgboost.Booster(); "
      "b.load_model(sys.argv[1]); assert b.feature_names == [\"signal\", "
      "\"noise\"]' " +
      dir.file("model.json");
  EXPECT_EQ(std::system(command.c_str()), 0);
}

}  // namespace
}  // namespace mlops
