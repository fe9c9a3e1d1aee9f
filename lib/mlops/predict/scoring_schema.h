#pragma once
// The types batch-predict reads an input file as: the model's training schema (the columns and
// types of the table it was trained on), not types guessed from the batch, so a value that does
// not fit goes to the predict quarantine with its line and column instead of failing the batch.

#include <string>
#include <vector>

#include "mlops/io/read_result.h"
#include "mlops/predict/scoring_engine.h"

namespace mlops {

/// The declared columns for reading a scoring input whose header holds `header` (every column
/// of the engine's input schema, or of `ingest_schema` for a model saved without one, that the
/// header has):
/// - a feature column keeps its training type (and the ingest schema's `values:` list);
/// - the label is read as text: scoring does not use it, so it may be absent or hold any value;
/// - an id column is read as text, written back exactly as received, unless the model reads it
///   as another type (then it keeps that type);
/// - a column the header lacks is left out (the scoring engine names a missing feature).
/// An empty `header` (not known before reading) keeps every column. Throws nothing.
std::vector<ColumnDecl> scoring_columns(const ScoringEngine& engine,
                                        const std::vector<ColumnDecl>& ingest_schema,
                                        const std::vector<std::string>& id_columns,
                                        const std::vector<std::string>& header);

}  // namespace mlops
