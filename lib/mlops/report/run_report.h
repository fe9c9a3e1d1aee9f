#pragma once
// The run report: one self-contained HTML file built from the run manifest (summaries only,
// never raw rows), so it stays small for any data size and opens anywhere.

#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

/// Renders the manifest of a run: summary and lineage, holdout metrics against the baseline,
/// feature importance, stage timings and peak memory, and every contract check. Every value
/// taken from the manifest is HTML-escaped.
std::string render_run_report(const nlohmann::json& manifest, const std::string& title);

}  // namespace mlops
