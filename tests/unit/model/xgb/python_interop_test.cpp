// The saved model is XGBoost's own JSON: Debian's python3-xgboost loads it and predicts what we
// predict. Skipped when the Python package is not installed.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/xgb.h"
#include "support/optional_tool.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::Synthetic;
using testing::TempDir;

// Debian's interpreter: a python3 earlier on PATH (pyenv, venv) may lack the package.
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kScript = R"(import sys
import numpy
import xgboost
rows = numpy.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
booster = xgboost.Booster(model_file=sys.argv[1])
with open(sys.argv[3], "w") as out:
    matrix = xgboost.DMatrix(rows, missing=numpy.nan, feature_names=booster.feature_names)
    for value in booster.predict(matrix).ravel():
        out.write(repr(float(value)) + "\n")
)";

bool python_xgboost_available() {
  const std::string command = std::string(kPython) + " -c 'import numpy, xgboost' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

/// Predictions of the Python package for the first `rows` rows of `data` (a null in row 0).
std::vector<float> python_predictions(const TempDir& dir, const Synthetic& data, size_t rows) {
  std::ostringstream csv;
  for (size_t row = 0; row < rows; ++row) {
    for (size_t col = 0; col < 2; ++col) {
      const float value = data.features.values[row * 2 + col];
      csv << (col ? "," : "") << (std::isnan(value) ? "nan" : std::to_string(value));
    }
    csv << "\n";
  }
  const std::string command = std::string(kPython) + " " + dir.write("predict.py", kScript) + " " +
                              dir.file("model.json") + " " + dir.write("rows.csv", csv.str()) +
                              " " + dir.file("out.txt");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::vector<float> values;
  std::ifstream in(dir.file("out.txt"));
  for (double value; in >> value;) values.push_back(static_cast<float>(value));
  return values;
}

void expect_python_agrees(Shape shape, TrainSpec spec, int num_class) {
  MLOPS_REQUIRE_TOOL(python_xgboost_available(), "python3-xgboost");
  TempDir dir;
  Synthetic data = make_synthetic(shape, 300);
  train_xgboost(data.features, data.labels, spec, num_class, dir.file("model.json"));
  data.features.values[0] = std::numeric_limits<float>::quiet_NaN();  // a missing value
  // Scored from the values as printed to the CSV, so both sides see the same floats.
  Synthetic scored = data;
  for (float& value : scored.features.values) {
    if (!std::isnan(value)) value = std::stof(std::to_string(value));
  }
  constexpr size_t kRows = 8;
  FeatureMatrix first{scored.features.names,
                      kRows,
                      {scored.features.values.begin(), scored.features.values.begin() + kRows * 2}};
  const std::vector<float> ours = Booster::load(dir.file("model.json")).predict(MatrixRows(first));
  const std::vector<float> theirs = python_predictions(dir, scored, kRows);
  ASSERT_EQ(theirs.size(), ours.size());
  for (size_t i = 0; i < ours.size(); ++i) EXPECT_NEAR(theirs[i], ours[i], 1e-6) << i;
}

TEST(PythonInterop, BinaryModelWithEarlyStoppingPredictsTheSameInPython) {
  TrainSpec spec;
  spec.objective = "binary:logistic";
  spec.rounds = 200;
  spec.params = {{"max_depth", "3"}, {"eta", "0.5"}};
  spec.early_stopping.rounds = 5;  // the file holds the kept rounds only
  expect_python_agrees(Shape::kBinary, spec, 2);
}

TEST(PythonInterop, MulticlassModelPredictsTheSameInPython) {
  TrainSpec spec;
  spec.objective = "multi:softprob";
  spec.rounds = 20;
  spec.params = {{"max_depth", "3"}};
  expect_python_agrees(Shape::kThreeClasses, spec, 3);
}

}  // namespace
}  // namespace mlops
