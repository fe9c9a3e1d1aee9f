#pragma once
// Light syntax highlighting for notebook code, as HTML spans styled by the page's CSS.

#include <string>
#include <string_view>

namespace mlops {

/// Escaped Python source with <span class="..."> around keywords (k), builtins (b), strings
/// (s), comments (c), numbers (n), decorators (d) and IPython magics (m). Every other byte is
/// copied through html_escape, so the text reads the same with or without the styles.
std::string highlight_python(std::string_view code);

}  // namespace mlops
