#include "mlops/predict/scoring_schema.h"

#include <algorithm>

namespace mlops {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const ColumnDecl* find_column(const std::vector<ColumnDecl>& columns, const std::string& name) {
  for (const auto& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

}  // namespace

std::vector<ColumnDecl> scoring_columns(const ScoringEngine& engine,
                                        const std::vector<ColumnDecl>& ingest_schema,
                                        const std::vector<std::string>& id_columns,
                                        const std::vector<std::string>& header) {
  const std::vector<ColumnDecl>& trained =
      engine.input_schema().empty() ? ingest_schema : engine.input_schema();
  const std::string& label = engine.features().label().column;
  auto in_header = [&](const std::string& name) {
    return header.empty() || contains(header, name);
  };

  std::vector<ColumnDecl> declared;
  for (const ColumnDecl& column : trained) {
    if (!in_header(column.name)) continue;
    ColumnDecl decl{.name = column.name, .type = column.type, .allowed = {}};
    if (contains(id_columns, column.name)) {
      if (column.type != DType::kString && engine.may_read_column(column.name)) {
        decl.type = column.type;
      } else {
        decl.type = DType::kString;
      }
    } else if (column.name == label) {
      decl.type = DType::kString;
    } else if (const ColumnDecl* declared_at_ingest = find_column(ingest_schema, column.name)) {
      decl.allowed = declared_at_ingest->allowed;
    }
    // A timestamp arrives in the layout the workflow declares for it, as at ingest.
    if (const ColumnDecl* declared_at_ingest = find_column(ingest_schema, column.name);
        declared_at_ingest && decl.type == DType::kTimestamp) {
      decl.format = declared_at_ingest->format;
    }
    declared.push_back(std::move(decl));
  }
  // An id column the schema does not know (typed by inference at ingest) is text too.
  for (const std::string& id : id_columns) {
    if (!find_column(declared, id) && !find_column(trained, id) && !header.empty() &&
        contains(header, id)) {
      declared.push_back({.name = id, .type = DType::kString, .allowed = {}});
    }
  }
  return declared;
}

}  // namespace mlops
