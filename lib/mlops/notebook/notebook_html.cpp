#include "mlops/notebook/notebook_html.h"

#include <fmt/format.h>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/notebook/code_highlight.h"
#include "mlops/core/escape.h"
#include "mlops/notebook/json_spans.h"
#include "mlops/notebook/markdown.h"
#include "mlops/notebook/outputs.h"

namespace mlops {

namespace {

using notebook_detail::notebook_text;

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1000px;color:#1d2330;padding:0 1rem;line-height:1.5}
.cell{margin:1rem 0}.prompt{color:#57606a;font:.75rem ui-monospace,Menlo,Consolas,monospace;margin:.2rem 0}
pre{font:.85rem/1.4 ui-monospace,Menlo,Consolas,monospace;overflow-x:auto;padding:.6rem .8rem;margin:.3rem 0;white-space:pre}
pre.source{background:#f6f8fa;border:1px solid #d8dde6;border-radius:4px}pre.output{background:#fff;border-left:3px solid #d8dde6}
pre.stderr{background:#fff5f5}pre.error{background:#ffebe9;border-left-color:#cf222e}pre.raw{background:#fafafa;color:#57606a}
code{font:.85em ui-monospace,Menlo,Consolas,monospace;background:#f4f6fa;padding:0 .2rem}pre code{background:none;padding:0}
.markdown pre{background:#f6f8fa}blockquote{border-left:3px solid #d8dde6;margin:.5rem 0;padding:0 1rem;color:#57606a}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.25rem .6rem;border:1px solid #d8dde6}th{background:#f4f6fa}
img.output,.markdown img{max-width:100%}iframe.output{width:100%;min-height:16rem;border:1px solid #d8dde6}
.k{color:#8250df;font-weight:600}.b{color:#0550ae}.s{color:#0a3069}.c{color:#6e7781;font-style:italic}.n{color:#0550ae}.d{color:#953800}.m{color:#953800}
)";

std::string language_of(const nlohmann::json& metadata) {
  if (!metadata.is_object()) return "python";
  const auto info = metadata.value("language_info", nlohmann::json());
  if (info.is_object() && info.value("name", nlohmann::json()).is_string()) {
    return info["name"].get<std::string>();
  }
  const auto kernel = metadata.value("kernelspec", nlohmann::json());
  if (kernel.is_object() && kernel.value("language", nlohmann::json()).is_string()) {
    return kernel["language"].get<std::string>();
  }
  return "python";
}

/// Resolves `attachment:NAME` to the cell attachment's image as a data: URI.
ImageResolver attachments_of(const nlohmann::json& cell) {
  const nlohmann::json attachments = cell.value("attachments", nlohmann::json());
  if (!attachments.is_object()) return {};
  return [attachments](std::string_view source) -> std::optional<std::string> {
    if (!source.starts_with("attachment:")) return std::nullopt;
    const auto entry = attachments.find(std::string(source.substr(11)));
    if (entry == attachments.end() || !entry->is_object()) return std::nullopt;
    for (const auto& [mime, data] : entry->items()) {
      if (mime.starts_with("image/") && data.is_string()) {
        std::string uri = "data:" + mime + ";base64,";
        for (char c : data.get<std::string>()) {
          if (c != '\n' && c != ' ') uri += c;
        }
        return uri;
      }
    }
    return std::nullopt;
  };
}

std::string prompt(const char* label, const nlohmann::json& count) {
  const std::string number = count.is_number_integer() ? std::to_string(count.get<int64_t>()) : " ";
  return fmt::format("<div class=\"prompt\">{}[{}]:</div>\n", label, number);
}

std::string code_cell(const nlohmann::json& cell, bool python, const NotebookHtmlOptions& options) {
  const std::string source = notebook_text(cell.value("source", nlohmann::json()));
  const nlohmann::json count = cell.value("execution_count", nlohmann::json());
  std::string html = "<section class=\"cell code\">\n" + prompt("In ", count);
  html += fmt::format("<pre class=\"source\"><code>{}</code></pre>\n",
                      python ? highlight_python(source) : html_escape(source));
  const nlohmann::json outputs = cell.value("outputs", nlohmann::json());
  if (outputs.is_array()) {
    for (const auto& output : outputs) {
      if (output.is_object() &&
          notebook_text(output.value("output_type", nlohmann::json())) == "execute_result") {
        html += prompt("Out", output.value("execution_count", nlohmann::json()));
      }
      html += notebook_detail::render_output(output, options);
    }
  }
  return html + "</section>\n";
}

std::string cell_html(const nlohmann::json& cell, bool python, const NotebookHtmlOptions& options) {
  if (!cell.is_object()) return "";
  const std::string type = notebook_text(cell.value("cell_type", nlohmann::json()));
  const std::string source = notebook_text(cell.value("source", nlohmann::json()));
  if (type == "markdown") {
    return "<section class=\"cell markdown\">\n" + markdown_to_html(source, attachments_of(cell)) +
           "</section>\n";
  }
  if (type == "code") return code_cell(cell, python, options);
  if (type == "raw") {
    return "<section class=\"cell raw\"><pre class=\"raw\">" + html_escape(source) +
           "</pre></section>\n";
  }
  return "";
}

}  // namespace

std::string notebook_to_html(const nlohmann::json& notebook, const std::string& title,
                             const std::string& source_name, const NotebookHtmlOptions& options) {
  if (!notebook.is_object() || !notebook.value("cells", nlohmann::json()).is_array()) {
    throw DataError("{}: not a Jupyter notebook (nbformat 4 needs a top-level 'cells' list)",
                    source_name);
  }
  const std::string language = language_of(notebook.value("metadata", nlohmann::json()));
  const bool python = language == "python";
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
      html_escape(title), kStyle);
  for (const auto& cell : notebook["cells"]) html += cell_html(cell, python, options);
  return html + "</main>\n</body>\n</html>\n";
}

void export_notebook(const std::string& notebook_path, const std::string& html_path,
                     const std::string& fallback_title, const NotebookHtmlOptions& options) {
  const std::string text = read_file(notebook_path);
  parse_json_spans(text, notebook_path);  // the same file:line:column errors as strip
  const nlohmann::json notebook = nlohmann::json::parse(text);
  std::string title = fallback_title;
  if (notebook.is_object()) {
    const nlohmann::json metadata = notebook.value("metadata", nlohmann::json());
    if (metadata.is_object() && metadata.value("title", nlohmann::json()).is_string()) {
      title = metadata["title"].get<std::string>();
    }
  }
  write_file_atomic(html_path, notebook_to_html(notebook, title, notebook_path, options));
}

}  // namespace mlops
