#include "mlops/notebook/markdown.h"

#include <gtest/gtest.h>

#include <string>

namespace mlops {
namespace {

std::string md(std::string_view text, const ImageResolver& images = {}) {
  return markdown_to_html(text, images);
}

// A 1x1 transparent PNG.
const std::string kPixel =
    "data:image/"
    "png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    "AAAAASUVORK5CYII=";

TEST(Markdown, HeadingsGetIdsForAnchorLinks) {
  EXPECT_EQ(md("# Data & Model\n## Results ##"),
            "<h1 id=\"data-model\">Data &amp; Model</h1>\n<h2 id=\"results\">Results</h2>\n");
  EXPECT_EQ(md("Title\n=====\nSub\n---"), "<h1 id=\"title\">Title</h1>\n<h2 id=\"sub\">Sub</h2>\n");
  EXPECT_EQ(md("#hashtag"), "<p>#hashtag</p>\n");
}

TEST(Markdown, ParagraphsBreaksAndEscaping) {
  EXPECT_EQ(md("one\ntwo  \nthree\n\nfour <b>"),
            "<p>one\ntwo<br>\nthree</p>\n<p>four &lt;b&gt;</p>\n");
  EXPECT_EQ(md("a \\*literal\\* star"), "<p>a *literal* star</p>\n");
}

TEST(Markdown, RawHtmlIsShownAsText) {
  EXPECT_EQ(md("<script>alert('x')</script>"),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>\n");
}

TEST(Markdown, EmphasisStrongCodeAndStrikethrough) {
  EXPECT_EQ(md("*em* **strong** _em_ __strong__ ~~gone~~ `a<b`"),
            "<p><em>em</em> <strong>strong</strong> <em>em</em> <strong>strong</strong> "
            "<del>gone</del> <code>a&lt;b</code></p>\n");
  EXPECT_EQ(md("*outer **inner** outer*"), "<p><em>outer <strong>inner</strong> outer</em></p>\n");
  EXPECT_EQ(md("snake_case_name and 2 * 3 * 4"), "<p>snake_case_name and 2 * 3 * 4</p>\n");
  EXPECT_EQ(md("``code with ` tick``"), "<p><code>code with ` tick</code></p>\n");
  EXPECT_EQ(md("`*not em*`"), "<p><code>*not em*</code></p>\n");
}

TEST(Markdown, LinksKeepOnlySafeTargets) {
  EXPECT_EQ(md("[site](https://example.org/a_(b) \"title\") [rel](docs/x.md) [top](#data)"),
            "<p><a href=\"https://example.org/a_(b)\">site</a> <a href=\"docs/x.md\">rel</a> "
            "<a href=\"#data\">top</a></p>\n");
  EXPECT_EQ(md("[click](javascript:alert(1))"), "<p>click</p>\n");
  EXPECT_EQ(md("[x](JavaScript:alert(1)) [y](data:text/html,hi)"), "<p>x y</p>\n");
  EXPECT_EQ(md("<https://jupyter.org> <notalink>"),
            "<p><a href=\"https://jupyter.org\">https://jupyter.org</a> &lt;notalink&gt;</p>\n");
  EXPECT_EQ(md("[\"quoted\"](https://x.org/?a=1&b=\"2\")"),
            "<p><a href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\">&quot;quoted&quot;</a></p>\n");
}

TEST(Markdown, ImagesOnlyFromDataUrisOrTheResolver) {
  EXPECT_EQ(md("![a pixel](" + kPixel + ")"),
            "<p><img src=\"" + kPixel + "\" alt=\"a pixel\"></p>\n");
  EXPECT_EQ(md("![chart](https://example.org/c.png)"),
            "<p><a class=\"image-link\" href=\"https://example.org/c.png\">chart</a></p>\n");
  EXPECT_EQ(md("![bad](data:image/png;base64,\"onerror=x)"), "<p>bad</p>\n");
  ImageResolver attachments = [&](std::string_view source) -> std::optional<std::string> {
    if (source == "attachment:pixel.png") return kPixel;
    return std::nullopt;
  };
  EXPECT_EQ(md("![p](attachment:pixel.png)", attachments),
            "<p><img src=\"" + kPixel + "\" alt=\"p\"></p>\n");
}

TEST(Markdown, FencedAndIndentedCode) {
  EXPECT_EQ(
      md("```python\nif x < 1:  # note\n    print('<b>')\n```"),
      "<pre><code class=\"language-python\"><span class=\"k\">if</span> x &lt; <span "
      "class=\"n\">1</span>:  <span class=\"c\"># note</span>\n    <span "
      "class=\"b\">print</span>(<span class=\"s\">&#39;&lt;b&gt;&#39;</span>)\n</code></pre>\n");
  EXPECT_EQ(md("~~~\n<raw> **text**\n~~~"), "<pre><code>&lt;raw&gt; **text**\n</code></pre>\n");
  EXPECT_EQ(md("    indented <code>\n\n    more"),
            "<pre><code>indented &lt;code&gt;\n\nmore\n</code></pre>\n");
  EXPECT_EQ(md("```\nnever closed"), "<pre><code>never closed\n</code></pre>\n");
}

TEST(Markdown, ListsTightLooseOrderedAndNested) {
  EXPECT_EQ(md("- one\n- two\n  - nested\n- three"),
            "<ul>\n<li>one\n</li>\n<li>two\n<ul>\n<li>nested\n</li>\n</ul>\n</li>\n<li>three\n"
            "</li>\n</ul>\n");
  EXPECT_EQ(md("3. three\n4. four"),
            "<ol start=\"3\">\n<li>three\n</li>\n<li>four\n</li>\n</ol>\n");
  EXPECT_EQ(md("* a\n\n* b"), "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n");
  EXPECT_EQ(md("- a\n- b\n\nafter"), "<ul>\n<li>a\n</li>\n<li>b\n</li>\n</ul>\n<p>after</p>\n");
  EXPECT_EQ(md("text\n- item"), "<p>text</p>\n<ul>\n<li>item\n</li>\n</ul>\n");
  EXPECT_EQ(md("1. a\n- b"), "<ol>\n<li>a\n</li>\n</ol>\n<ul>\n<li>b\n</li>\n</ul>\n");
}

TEST(Markdown, BlockQuotesRuleAndTables) {
  EXPECT_EQ(md("> quoted **text**\n> # heading"),
            "<blockquote>\n<p>quoted <strong>text</strong></p>\n<h1 id=\"heading\">heading</h1>\n"
            "</blockquote>\n");
  EXPECT_EQ(md("above\n\n***\n\nbelow"), "<p>above</p>\n<hr>\n<p>below</p>\n");
  EXPECT_EQ(md("| a | b | c |\n|:--|:-:|--:|\n| 1 | x \\| y | **z** | extra |\n| 2 |"),
            "<table>\n<thead>\n<tr><th style=\"text-align:left\">a</th><th "
            "style=\"text-align:center\">b</th><th style=\"text-align:right\">c</th></tr>\n"
            "</thead>\n<tbody>\n<tr><td style=\"text-align:left\">1</td><td "
            "style=\"text-align:center\">x | y</td><td "
            "style=\"text-align:right\"><strong>z</strong></td></tr>\n"
            "<tr><td style=\"text-align:left\">2</td><td style=\"text-align:center\"></td><td "
            "style=\"text-align:right\"></td></tr>\n</tbody>\n</table>\n");
}

}  // namespace
}  // namespace mlops
