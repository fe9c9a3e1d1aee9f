#pragma once
// `mlops notebooks export`: a Jupyter notebook as one self-contained HTML page (inline CSS, no
// JavaScript, no request to any server): markdown rendered, code highlighted, outputs shown.

#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

struct NotebookHtmlOptions {
  /// text/html outputs go into a sandboxed <iframe srcdoc> (no scripts, no same origin)
  /// instead of the page itself.
  bool sandbox_html = false;
};

/// The page for a parsed notebook (nbformat 4). Markdown cells through markdown_to_html (their
/// attachments resolved), code cells highlighted (Python) or escaped, outputs: stream text,
/// errors (ANSI colours removed), and of each rich output the first of text/html, image/svg+xml,
/// image/png, image/jpeg, image/gif, text/markdown, text/latex, application/json, text/plain.
/// Images stay data: URIs (SVG too, shown through <img> so its scripts cannot run); text/html is
/// the notebook author's own HTML and is embedded as is unless `sandbox_html`. Throws DataError
/// "<source_name>: not a Jupyter notebook ..." without a `cells` list.
std::string notebook_to_html(const nlohmann::json& notebook, const std::string& title,
                             const std::string& source_name, const NotebookHtmlOptions& options);

/// Reads the notebook at `notebook_path` and writes its page to `html_path` atomically. The
/// title is the notebook's `metadata.title`, else `fallback_title`. Throws IoError, and
/// DataError "<path>:<line>:<column>: invalid JSON: ..." for a file that is not JSON.
void export_notebook(const std::string& notebook_path, const std::string& html_path,
                     const std::string& fallback_title, const NotebookHtmlOptions& options);

}  // namespace mlops
