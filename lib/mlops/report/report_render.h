#pragma once
// The three renderings of one report content (report_content.h). Each escapes every value it
// prints, since names, categories and messages come from the data.

#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

/// One self-contained HTML page: inline CSS and SVG, no script, no external resource.
std::string render_report_html(const nlohmann::json& content);
/// A Markdown summary for `$GITHUB_STEP_SUMMARY`: status, metrics against the baseline and the
/// previous champion, contract counts and the checks that did not pass, stage timings, drift.
std::string render_report_markdown(const nlohmann::json& content);

}  // namespace mlops
