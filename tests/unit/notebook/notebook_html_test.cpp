#include "mlops/notebook/notebook_html.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/notebook/code_highlight.h"
#include "mlops/notebook/outputs.h"
#include "support/error_text.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using notebook_detail::base64_encode;
using notebook_detail::render_output;
using notebook_detail::strip_ansi;
using testing::TempDir;

const std::string kFixtures = MLOPS_SOURCE_DIR "/tests/fixtures/notebooks/";

std::string html_data_error(const std::function<void()>& action) {
  return testing::error_text<DataError>(action);
}

std::string page_of_fixture(const NotebookHtmlOptions& options = {}) {
  return notebook_to_html(nlohmann::json::parse(read_file(kFixtures + "outputs.ipynb")), "outputs",
                          "outputs.ipynb", options);
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(NotebookHtml, RendersEveryOutputOfARealNotebook) {
  const std::string page = page_of_fixture();
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(contains(page, "<title>outputs</title>"));
  EXPECT_TRUE(contains(page, "<h1 id=\"every-kind-of-output\">Every kind of output</h1>"));
  // matplotlib's PNG, kept as base64 in a data: URI.
  EXPECT_TRUE(contains(page, "<img class=\"output\" src=\"data:image/png;base64,iVBORw0KGgo"));
  // The SVG goes through <img>, where its scripts cannot run.
  const std::string svg =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="15" fill="teal"/></svg>)";
  EXPECT_TRUE(contains(page, "src=\"data:image/svg+xml;base64," + base64_encode(svg) + "\""));
  EXPECT_TRUE(contains(page, "<pre class=\"output stream\">hello from stdout\n</pre>"));
  EXPECT_TRUE(contains(page, "<pre class=\"output stream stderr\">a warning on stderr\n</pre>"));
  EXPECT_TRUE(contains(page, "<div class=\"output html\"><b>bold</b> <i>HTML</i> output</div>"));
  EXPECT_TRUE(contains(page, "<div class=\"prompt\">Out[3]:</div>"));
  EXPECT_TRUE(contains(page, "ZeroDivisionError: division by zero"));
  EXPECT_FALSE(contains(page, "\x1b"));
  // Neither the markdown's nor the code's <script> survives as markup.
  EXPECT_FALSE(contains(page, "<script"));
  EXPECT_TRUE(contains(page, "Raw HTML stays text: &lt;script&gt;alert(&#39;markdown&#39;)"));
  EXPECT_TRUE(contains(page, "&#39;&lt;script&gt;alert(&quot;code&quot;)&lt;/script&gt;&#39;"));
}

TEST(NotebookHtml, SandboxPutsHtmlOutputsInIframes) {
  NotebookHtmlOptions options;
  options.sandbox_html = true;
  const std::string page = page_of_fixture(options);
  EXPECT_TRUE(contains(page,
                       "<iframe class=\"output html\" sandbox srcdoc=\"&lt;b&gt;bold&lt;/b&gt; "
                       "&lt;i&gt;HTML&lt;/i&gt; output\"></iframe>"));
  EXPECT_FALSE(contains(page, "<b>bold</b>"));
}

TEST(NotebookHtml, RichOutputsShowTheirBestRepresentation) {
  const auto display = [](nlohmann::json data, nlohmann::json metadata = nlohmann::json::object()) {
    return render_output({{"output_type", "display_data"}, {"data", data}, {"metadata", metadata}},
                         {});
  };
  EXPECT_EQ(
      display({{"text/plain", "<Figure>"}, {"image/png", "iVBO\nRw==\n"}},
              {{"image/png", {{"width", 300}}}}),
      "<img class=\"output\" src=\"data:image/png;base64,iVBORw==\" width=\"300\" alt=\"\">\n");
  EXPECT_EQ(display({{"image/png", "not base64\" onerror=\"x"}}),
            "<pre class=\"output error\">(invalid image data)</pre>\n");
  EXPECT_EQ(display({{"text/markdown", {"**a**\n", "b"}}}),
            "<div class=\"output markdown\"><p><strong>a</strong>\nb</p>\n</div>\n");
  EXPECT_EQ(display({{"application/json", {{"k", 1}}}}),
            "<pre class=\"output json\">{\n  &quot;k&quot;: 1\n}</pre>\n");
  EXPECT_EQ(display({{"application/x-unknown", "?"}}), "");
  EXPECT_EQ(render_output({{"output_type", "error"}, {"ename", "KeyError"}, {"evalue", "'x'"}}, {}),
            "<pre class=\"output error\">KeyError: &#39;x&#39;</pre>\n");
  EXPECT_EQ(render_output({{"output_type", 7}}, {}), "");
}

TEST(NotebookHtml, CodeIsHighlightedForPythonAndEscapedOtherwise) {
  nlohmann::json notebook = {
      {"cells", {{{"cell_type", "code"}, {"execution_count", nullptr}, {"source", "x = \"<a>\""}}}},
      {"metadata", {{"language_info", {{"name", "R"}}}}}};
  const std::string r_page = notebook_to_html(notebook, "t", "t.ipynb", {});
  EXPECT_TRUE(
      contains(r_page, "<pre class=\"source\"><code>x = &quot;&lt;a&gt;&quot;</code></pre>"));
  EXPECT_TRUE(contains(r_page, "<div class=\"prompt\">In [ ]:</div>"));
  notebook["metadata"] = nlohmann::json::object();
  EXPECT_TRUE(contains(notebook_to_html(notebook, "t", "t.ipynb", {}),
                       "x = <span class=\"s\">&quot;&lt;a&gt;&quot;</span>"));
}

TEST(NotebookHtml, MarkdownAttachmentsBecomeDataUris) {
  const nlohmann::json notebook = {
      {"cells",
       {{{"cell_type", "markdown"},
         {"source", "![dot](attachment:dot.png)"},
         {"attachments", {{"dot.png", {{"image/png", "iVBORw0KGgo="}}}}}}}}};
  EXPECT_TRUE(contains(notebook_to_html(notebook, "t", "t.ipynb", {}),
                       "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">"));
}

TEST(NotebookHtml, PythonHighlighting) {
  EXPECT_EQ(
      highlight_python("@cache\ndef f(x=1.5):  # <doc>\n    return rb'\\'' + \"\"\"a\nb\"\"\""),
      "<span class=\"d\">@cache</span>\n<span class=\"k\">def</span> f(x=<span "
      "class=\"n\">1.5</span>):  <span class=\"c\"># &lt;doc&gt;</span>\n    <span "
      "class=\"k\">return</span> <span class=\"s\">rb&#39;\\&#39;&#39;</span> + <span "
      "class=\"s\">&quot;&quot;&quot;a\nb&quot;&quot;&quot;</span>");
  EXPECT_EQ(highlight_python("!pip list\n'open"),
            "<span class=\"m\">!pip list</span>\n<span class=\"s\">&#39;open</span>");
}

TEST(NotebookHtml, AnsiEscapesAndBase64) {
  EXPECT_EQ(strip_ansi("\x1b[0;31mError\x1b[0m: \x1b[38;5;241;43mx\x1b[39;49m "
                       "\x1b]8;;https://x\x1b\\link\x1b]8;;\a"),
            "Error: x link");
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_EQ(base64_encode("M"), "TQ==");
  EXPECT_EQ(base64_encode(""), "");
}

TEST(NotebookHtml, ExportWritesThePageAndNamesBadInput) {
  TempDir dir;
  const std::string page = dir.file("out/outputs.html");
  export_notebook(kFixtures + "outputs.ipynb", page, "outputs", {});
  EXPECT_EQ(read_file(page), page_of_fixture());

  const std::string bad = dir.write("bad.ipynb", "{\n \"cells\": [\n  {\"a\" 1}\n ]\n}\n");
  EXPECT_EQ(html_data_error([&] { export_notebook(bad, dir.file("bad.html"), "bad", {}); }),
            bad + ":3:8: invalid JSON: expected ':' after a member name");
  const std::string list = dir.write("list.ipynb", "[1, 2]");
  EXPECT_EQ(html_data_error([&] { export_notebook(list, dir.file("list.html"), "list", {}); }),
            list + ": not a Jupyter notebook (nbformat 4 needs a top-level 'cells' list)");
  EXPECT_FALSE(path_exists(dir.file("bad.html")));
}

TEST(NotebookHtml, TitleComesFromMetadata) {
  TempDir dir;
  const std::string path =
      dir.write("t.ipynb", R"({"cells": [], "metadata": {"title": "Churn <study>"}})");
  export_notebook(path, dir.file("t.html"), "t", {});
  EXPECT_TRUE(contains(read_file(dir.file("t.html")), "<title>Churn &lt;study&gt;</title>"));
}

}  // namespace
}  // namespace mlops
