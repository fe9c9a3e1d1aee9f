#pragma once
// The outputs of a code cell as HTML, used by notebook_html.cpp.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mlops/notebook/notebook_html.h"

namespace mlops::notebook_detail {

/// A notebook text field: a string, or a list of strings to concatenate (nbformat's
/// "multiline string"); "" for anything else.
std::string notebook_text(const nlohmann::json& value);
/// `text` without ANSI escape sequences (the colours of IPython tracebacks).
std::string strip_ansi(std::string_view text);
/// Standard base64 of `bytes` (for SVG data: URIs).
std::string base64_encode(std::string_view bytes);
/// HTML for one output (stream, error, execute_result, display_data); "" for unknown types.
std::string render_output(const nlohmann::json& output, const NotebookHtmlOptions& options);

}  // namespace mlops::notebook_detail
