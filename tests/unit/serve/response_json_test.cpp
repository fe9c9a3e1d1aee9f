// serve/response_json.h: the predict body written directly is byte for byte the document the
// route built with nlohmann::json before (the reference below is that code).

#include "mlops/serve/response_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace mlops {
namespace {

using json = nlohmann::json;

std::string reference(const std::string& id, const std::vector<PredictedRow>& rows) {
  json predictions = json::array();
  for (const PredictedRow& row : rows) {
    json out{{"prediction", row.prediction},
             {"model_version", row.model_version.empty() ? json(nullptr) : json(row.model_version)},
             {"source", answer_source_name(row.source)},
             {"features_age_s", row.features_age_s ? json(*row.features_age_s) : json(nullptr)}};
    if (row.probability) out["probability"] = *row.probability;
    if (!row.probabilities.empty()) {
      json per_class = json::object();
      for (const auto& [name, p] : row.probabilities) per_class[name] = p;
      out["probabilities"] = std::move(per_class);
    }
    predictions.push_back(std::move(out));
  }
  return json{{"request_id", id}, {"predictions", std::move(predictions)}}.dump();
}

std::string direct(const std::string& id, const std::vector<PredictedRow>& rows) {
  std::string out = "kept:";
  append_predictions_json(out, id, rows);
  EXPECT_TRUE(out.starts_with("kept:"));
  return out.substr(5);
}

PredictedRow row(json prediction, AnswerSource source) {
  PredictedRow r;
  r.prediction = std::move(prediction);
  r.source = source;
  return r;
}

TEST(ResponseJson, BinaryRowsAreWhatTheDocumentDumped) {
  PredictedRow a = row("false", AnswerSource::kModel);
  a.model_version = "v1";
  a.probability = 0.01589232124388218;
  a.features_age_s = 19646.088948;
  PredictedRow b = row("true", AnswerSource::kBatch);
  b.model_version = "v12";
  b.probability = 1.0;
  b.features_age_s = 0.0;
  PredictedRow c = row("yes \"quoted\" \\ \n\t\x01 é", AnswerSource::kBaseline);
  c.model_version = "v2 (baseline)";
  c.probability = 1.5e-07;
  const std::vector<PredictedRow> rows{a, b, c};
  EXPECT_EQ(direct("c29f710cef0a6efd9a85cf2d681f8683", rows),
            reference("c29f710cef0a6efd9a85cf2d681f8683", rows));
  EXPECT_EQ(direct("abc-1_x.y", {}), reference("abc-1_x.y", {}));
}

TEST(ResponseJson, RegressionAndDefaultNumbersAreWhatTheDocumentDumped) {
  std::vector<PredictedRow> rows;
  for (double value : {0.0, -0.0, 1.0, 42.0, -3.25, 1e-05, 0.0001, 123456789012345.0, 1e15, 1e16,
                       1e21, 6.02214076e23, std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::denorm_min()}) {
    PredictedRow r = row(json(value), AnswerSource::kModel);
    r.model_version = "v3";
    r.features_age_s = value;
    rows.push_back(r);
  }
  rows.push_back(row(json(nullptr), AnswerSource::kModel));  // a NaN prediction
  PredictedRow fallback = row(json(7), AnswerSource::kDefault);
  rows.push_back(fallback);
  rows.push_back(row(json("unknown"), AnswerSource::kDefault));
  EXPECT_EQ(direct("id", rows), reference("id", rows));
}

TEST(ResponseJson, MulticlassProbabilitiesAreInTheDocumentsSortedOrder) {
  PredictedRow r = row("setosa", AnswerSource::kModel);
  r.model_version = "v1";
  r.probabilities = {
      {"versicolor", 0.25}, {"setosa", 0.7}, {"Virginica", 0.05}, {"a\"b", 0.0}, {"é", 1e-9}};
  PredictedRow dup = row("x", AnswerSource::kBatch);  // the same name twice: the last kept
  dup.probabilities = {{"x", 0.1}, {"y", 0.2}, {"x", 0.7}};
  const std::vector<PredictedRow> rows{r, dup};
  EXPECT_EQ(direct("id", rows), reference("id", rows));
}

TEST(ResponseJson, AVersionThatIsNotUtf8ThrowsAsDumpDid) {
  PredictedRow r = row("x", AnswerSource::kModel);
  r.model_version = "v\xff";
  std::string out;
  EXPECT_THROW(append_predictions_json(out, "id", std::vector<PredictedRow>{r}), json::type_error);
  EXPECT_THROW(reference("id", {r}), json::type_error);
}

}  // namespace
}  // namespace mlops
