#include "mlops/notebook/outputs.h"

#include <fmt/format.h>

#include <array>

#include "mlops/core/escape.h"
#include "mlops/notebook/markdown.h"
#include "mlops/notebook/markdown_inline.h"

namespace mlops::notebook_detail {

namespace {

/// Rich outputs carry several representations; the first of these that is present is shown.
constexpr std::array<std::string_view, 9> kMimePreference{
    "text/html",     "image/svg+xml", "image/png",        "image/jpeg", "image/gif",
    "text/markdown", "text/latex",    "application/json", "text/plain"};

std::string preformatted(const char* css, std::string_view text) {
  return fmt::format("<pre class=\"output {}\">{}</pre>\n", css, html_escape(strip_ansi(text)));
}

/// width/height attributes from the output's metadata (`{"image/png": {"width": 300}}`).
std::string image_size(const nlohmann::json& metadata, std::string_view mime) {
  std::string attributes;
  if (!metadata.is_object()) return attributes;
  const auto entry = metadata.find(std::string(mime));
  if (entry == metadata.end() || !entry->is_object()) return attributes;
  for (const char* name : {"width", "height"}) {
    const auto value = entry->find(name);
    if (value != entry->end() && value->is_number()) {
      attributes += fmt::format(" {}=\"{}\"", name, value->get<double>());
    }
  }
  return attributes;
}

std::string image(std::string_view mime, std::string_view base64, const std::string& size) {
  std::string uri = fmt::format("data:{};base64,", mime);
  for (char c : base64) {
    if (c != '\n' && c != '\r' && c != ' ') uri += c;
  }
  if (!markdown_detail::is_data_image(uri)) return preformatted("error", "(invalid image data)");
  return fmt::format("<img class=\"output\" src=\"{}\"{} alt=\"\">\n", uri, size);
}

std::string render_bundle(const nlohmann::json& data, const nlohmann::json& metadata,
                          const NotebookHtmlOptions& options) {
  if (!data.is_object()) return "";
  for (std::string_view mime : kMimePreference) {
    const auto entry = data.find(std::string(mime));
    if (entry == data.end()) continue;
    if (mime == "application/json") return preformatted("json", entry->dump(2));
    const std::string text = notebook_text(*entry);
    if (mime == "text/html") {
      if (options.sandbox_html) {
        return fmt::format("<iframe class=\"output html\" sandbox srcdoc=\"{}\"></iframe>\n",
                           html_escape(text));
      }
      return "<div class=\"output html\">" + text + "</div>\n";
    }
    if (mime == "image/svg+xml") {
      return image(mime, base64_encode(text), image_size(metadata, mime));
    }
    if (mime.starts_with("image/")) return image(mime, text, image_size(metadata, mime));
    if (mime == "text/markdown") {
      return "<div class=\"output markdown\">" + markdown_to_html(text) + "</div>\n";
    }
    return preformatted("text", text);
  }
  return "";
}

}  // namespace

std::string notebook_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  if (value.is_array()) {
    for (const auto& part : value) {
      if (part.is_string()) text += part.get<std::string>();
    }
  }
  return text;
}

std::string strip_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\x1b') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '[') {
      // CSI: ESC [ parameters, then one final byte in @..~
      for (i += 2; i < text.size() && !(text[i] >= '@' && text[i] <= '~'); ++i) {
      }
    } else if (i + 1 < text.size() && text[i + 1] == ']') {
      // OSC (hyperlinks): ends with BEL or ESC backslash
      for (i += 2; i < text.size() && text[i] != '\a'; ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '\\') {
          ++i;
          break;
        }
      }
    } else {
      ++i;  // a two-byte escape
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::string render_output(const nlohmann::json& output, const NotebookHtmlOptions& options) {
  if (!output.is_object()) return "";
  const std::string type = notebook_text(output.value("output_type", nlohmann::json()));
  if (type == "stream") {
    const bool stderr_stream = notebook_text(output.value("name", nlohmann::json())) == "stderr";
    return preformatted(stderr_stream ? "stream stderr" : "stream",
                        notebook_text(output.value("text", nlohmann::json())));
  }
  if (type == "error") {
    std::string text;
    const auto traceback = output.value("traceback", nlohmann::json());
    if (traceback.is_array()) {
      for (const auto& line : traceback) text += notebook_text(line) + "\n";
    }
    if (text.empty()) {
      text = notebook_text(output.value("ename", nlohmann::json())) + ": " +
             notebook_text(output.value("evalue", nlohmann::json()));
    }
    return preformatted("error", text);
  }
  if (type == "execute_result" || type == "display_data") {
    return render_bundle(output.value("data", nlohmann::json()),
                         output.value("metadata", nlohmann::json()), options);
  }
  return "";
}

}  // namespace mlops::notebook_detail
