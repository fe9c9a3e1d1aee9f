#pragma once
// Inline Markdown (inside a paragraph, heading or table cell), used by markdown.cpp.

#include <string>
#include <string_view>

#include "mlops/notebook/markdown.h"

namespace mlops::markdown_detail {

/// HTML for the inline content of one block; every character of text is escaped.
std::string render_inline(std::string_view text, const ImageResolver& images);
/// True for link targets that cannot run code: http, https, mailto, or no scheme at all.
bool is_safe_link(std::string_view url);
/// True for `data:image/<png|jpeg|gif|webp|svg+xml>;base64,<base64>`.
bool is_data_image(std::string_view url);

}  // namespace mlops::markdown_detail
