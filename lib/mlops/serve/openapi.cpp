#include "mlops/serve/openapi.h"

#include "mlops/core/version.h"

namespace mlops {

namespace {

using json = nlohmann::json;

json ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

json answer(const std::string& description, const std::string& schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}

json errors(std::initializer_list<std::pair<const char*, const char*>> statuses) {
  json out = json::object();
  for (const auto& [status, description] : statuses) out[status] = answer(description, "Error");
  return out;
}

json path_parameter(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

}  // namespace

json openapi_document(const std::vector<std::string>& workflows, bool auth) {
  json scalar = {
      {"oneOf", json::array({{{"type", "string"}}, {{"type", "number"}}, {{"type", "boolean"}}})},
      {"nullable", true}};
  json schemas = {
      {"PredictRequest",
       {{"type", "object"},
        {"description",
         "An entity key (its features are read from the online store), raw rows, or both (the "
         "rows' fields complete or override the stored features)."},
        {"properties",
         {{"key",
           {{"type", "object"},
            {"description", "The key columns of one of the workflow's entities."},
            {"additionalProperties",
             {{"oneOf", json::array({{{"type", "string"}}, {{"type", "integer"}}})}}}}},
          {"rows",
           {{"type", "array"},
            {"items", {{"type", "object"}, {"additionalProperties", scalar}}}}}}},
        {"additionalProperties", false}}},
      {"Prediction",
       {{"type", "object"},
        {"required", json::array({"prediction", "model_version", "source", "features_age_s"})},
        {"properties",
         {{"prediction",
           {{"description", "The class name, or the value for regression."},
            {"oneOf", json::array({{{"type", "string"}}, {{"type", "number"}}})}}},
          {"probability",
           {{"type", "number"}, {"description", "Binary models: of the positive class."}}},
          {"probabilities",
           {{"type", "object"},
            {"description", "Multiclass models: per class."},
            {"additionalProperties", {{"type", "number"}}}}},
          {"model_version", {{"type", "string"}, {"nullable", true}}},
          {"source", {{"type", "string"}, {"enum", {"model", "batch", "baseline", "default"}}}},
          {"features_age_s",
           {{"type", "number"},
            {"nullable", true},
            {"description",
             "Age in seconds of the oldest online value (batch: of the batch "
             "prediction) used."}}}}}}},
      {"PredictResponse",
       {{"type", "object"},
        {"properties",
         {{"request_id", {{"type", "string"}}},
          {"predictions", {{"type", "array"}, {"items", ref("Prediction")}}}}}}},
      {"Error",
       {{"type", "object"},
        {"properties", {{"error", {{"type", "string"}}}, {"status", {{"type", "integer"}}}}}}},
      {"Health", {{"type", "object"}}},
  };
  json workflow_name = path_parameter("name", "A served workflow");
  workflow_name["schema"]["enum"] = workflows;

  json paths = {
      {"/v1/workflows/{name}/predict",
       {{"post",
         {{"summary", "Predict: the model on online features, with the fallback chain"},
          {"parameters", json::array({workflow_name})},
          {"requestBody",
           {{"required", true},
            {"content", {{"application/json", {{"schema", ref("PredictRequest")}}}}}}},
          {"responses",
           [] {
             json r = errors({{"400", "Malformed JSON (the byte offset is named)"},
                              {"401", "Missing or wrong bearer token"},
                              {"404", "Unknown workflow"},
                              {"413", "Body, JSON depth or row count above the limits"},
                              {"422", "A field of the wrong type or unknown"},
                              {"503", "No source could answer, or the server is overloaded"}});
             r["200"] = answer("Predictions, one per row", "PredictResponse");
             return r;
           }()}}}}},
      {"/healthz",
       {{"get", {{"summary", "Alive"}, {"responses", {{"200", answer("Alive", "Health")}}}}}}},
      {"/readyz",
       {{"get",
         {{"summary", "Ready: models loaded, online store reachable, prediction log state"},
          {"responses",
           {{"200", answer("Ready", "Health")}, {"503", answer("Not ready", "Health")}}}}}}},
      {"/metrics",
       {{"get",
         {{"summary", "Prometheus metrics"},
          {"responses",
           {{"200",
             {{"description", "Prometheus text format"},
              {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}}}}}},
      {"/openapi.json",
       {{"get",
         {{"summary", "This document"},
          {"responses", {{"200", answer("OpenAPI 3.0", "Health")}}}}}}},
      {"/v1/features",
       {{"get",
         {{"summary", "The feature store's catalog: every served workflow's views"},
          {"responses", {{"200", answer("Catalog", "Health")}}}}}}},
      {"/v1/features/{view}",
       {{"get",
         {{"summary", "One view: entity, columns, rows, latest event, last materialization"},
          {"parameters", json::array({path_parameter("view", "A feature view")})},
          {"responses",
           {{"200", answer("The view", "Health")}, {"404", answer("Unknown view", "Error")}}}}}}},
      {"/v1/features/{view}/{key}",
       {{"get",
         {{"summary", "Online lookup of one entity key (COLUMN=VALUE[,COLUMN=VALUE])"},
          {"parameters", json::array({path_parameter("view", "A feature view"),
                                      path_parameter("key", "COLUMN=VALUE[,COLUMN=VALUE]")})},
          {"responses",
           {{"200", answer("The key's values, found or not, stale or not", "Health")},
            {"404", answer("Unknown view", "Error")},
            {"422", answer("A bad key", "Error")}}}}}}},
  };
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "mlops serve"},
                {"version", kVersion},
                {"description", "Online predictions with a fallback chain (docs/serving.md)."}}},
              {"paths", paths},
              {"components", {{"schemas", schemas}}}};
  if (auth) {
    doc["components"]["securitySchemes"] = {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}};
    doc["security"] = json::array({{{"bearer", json::array()}}});
    doc["paths"]["/healthz"]["get"]["security"] = json::array();
  }
  return doc;
}

}  // namespace mlops
