#pragma once
// The OpenAPI 3.0 description served at /openapi.json: every route, its parameters, bodies and
// answers, with the served workflows as the enum of the predict route's `name`.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlops {

/// The document; `auth` adds the bearer security scheme to every route but /healthz.
nlohmann::json openapi_document(const std::vector<std::string>& workflows, bool auth);

}  // namespace mlops
