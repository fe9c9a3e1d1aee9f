#include "mlops/notebook/strip.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "support/error_text.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

const std::string kStripFixtures = MLOPS_SOURCE_DIR "/tests/fixtures/notebooks/";

StrippedNotebook strip(std::string_view text,
                       const std::vector<std::string>& keep = default_keep_metadata()) {
  return strip_notebook(text, "nb.ipynb", keep);
}

// A notebook that nbformat did not write: other indentation, keys out of order, one-line
// objects. Strip must change only what it removes.
// clang-format off
const char* kHandWritten = R"nb({"cells": [{"cell_type": "code", "execution_count": 7, "metadata": {"tags": ["x"], "scrolled": true}, "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}], "source": "print('hi')"},
  {"cell_type":"markdown","metadata":{"collapsed":false},"source":"# T"},
  {"metadata": {
      "ExecuteTime": {"start": 1},
      "jupyter": {"source_hidden": true}
   }, "cell_type": "code", "outputs": [], "execution_count": null, "source": []}],
 "metadata": {"kernelspec": {"name": "python3"}, "widgets": {}},
 "nbformat": 4, "nbformat_minor": 5}
)nb";

const char* kHandWrittenStripped = R"nb({"cells": [{"cell_type": "code", "execution_count": null, "metadata": {"tags": ["x"]}, "outputs": [], "source": "print('hi')"},
  {"cell_type":"markdown","metadata":{},"source":"# T"},
  {"metadata": {
      "jupyter": {"source_hidden": true}
   }, "cell_type": "code", "outputs": [], "execution_count": null, "source": []}],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5}
)nb";
// clang-format on

TEST(NotebookStrip, RealNotebookBecomesWhatNbformatWouldWriteWithoutOutputs) {
  // outputs.stripped.ipynb was computed by Python's json module (see the fixtures' README).
  const StrippedNotebook stripped = strip(read_file(kStripFixtures + "outputs.ipynb"));
  EXPECT_EQ(stripped.text, read_file(kStripFixtures + "outputs.stripped.ipynb"));
  EXPECT_EQ(stripped.counts.outputs, 7u);
  EXPECT_EQ(stripped.counts.execution_counts, 5u);
  // celltoolbar, widgets, language_info.version; collapsed, scrolled, ExecuteTime and five
  // cells' execution timings.
  EXPECT_EQ(stripped.counts.metadata_keys, 11u);
}

TEST(NotebookStrip, StrippingTwiceChangesNothingMore) {
  for (const std::string& text :
       {read_file(kStripFixtures + "outputs.ipynb"), std::string(kHandWritten)}) {
    const StrippedNotebook once = strip(text);
    const StrippedNotebook twice = strip(once.text);
    EXPECT_EQ(twice.text, once.text);
    EXPECT_FALSE(twice.counts.changed());
  }
}

TEST(NotebookStrip, KeepsEveryOtherByteOfAnyLayout) {
  const StrippedNotebook stripped = strip(kHandWritten);
  EXPECT_EQ(stripped.text, kHandWrittenStripped);
  EXPECT_EQ(stripped.counts.outputs, 1u);
  EXPECT_EQ(stripped.counts.execution_counts, 1u);
  EXPECT_EQ(stripped.counts.metadata_keys, 4u);  // scrolled, collapsed, ExecuteTime, widgets
}

TEST(NotebookStrip, CrLfLineEndingsStay) {
  const std::string text =
      "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"execution_count\": 3,\r\n"
      "   \"metadata\": {\r\n    \"scrolled\": true\r\n   },\r\n   \"outputs\": [\r\n    {}\r\n   "
      "],\r\n   \"source\": []\r\n  }\r\n ],\r\n \"metadata\": {},\r\n \"nbformat\": 4\r\n}\r\n";
  const std::string expected =
      "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"execution_count\": "
      "null,\r\n   \"metadata\": {},\r\n   \"outputs\": [],\r\n   \"source\": []\r\n  }\r\n ],\r\n"
      " \"metadata\": {},\r\n \"nbformat\": 4\r\n}\r\n";
  EXPECT_EQ(strip(text).text, expected);
}

TEST(NotebookStrip, AllowListIsConfigurableDownToNestedKeys) {
  std::vector<std::string> keep = default_keep_metadata();
  keep.push_back("metadata.widgets");
  keep.push_back("cell.metadata.scrolled");
  const StrippedNotebook stripped = strip(kHandWritten, keep);
  EXPECT_NE(stripped.text.find(R"("metadata": {"tags": ["x"], "scrolled": true})"),
            std::string::npos);
  EXPECT_NE(stripped.text.find(R"("widgets": {})"), std::string::npos);

  const std::string info =
      R"({"cells": [], "metadata": {"language_info": {"name": "python", "version": "3.11.2"}}})";
  EXPECT_EQ(strip(info).text,
            R"({"cells": [], "metadata": {"language_info": {"name": "python"}}})");
  keep.push_back("metadata.language_info.version");
  EXPECT_EQ(strip(info, keep).text, info);
  EXPECT_EQ(strip(info, {"metadata.kernelspec"}).text, R"({"cells": [], "metadata": {}})");
}

TEST(NotebookStrip, OnlyCodeCellsLoseOutputsAndCounts) {
  const std::string text =
      R"({"cells": [{"cell_type": "raw", "execution_count": 1, "outputs": [1], "metadata": {}}]})";
  EXPECT_EQ(strip(text).text, text);
}

TEST(NotebookStrip, RejectsJsonThatIsNoNotebook) {
  EXPECT_EQ(testing::error_text<DataError>([] { strip(R"({"cells": {}})"); }),
            "nb.ipynb: not a Jupyter notebook (nbformat 4 needs a top-level 'cells' list)");
  EXPECT_EQ(testing::error_text<DataError>([] { strip("{\"cells\": [}"); }),
            "nb.ipynb:1:12: invalid JSON: expected a value");
}

TEST(NotebookStrip, MetadataPathsMustNameNotebookOrCellMetadata) {
  EXPECT_NO_THROW(check_keep_metadata(default_keep_metadata(), "defaults"));
  EXPECT_EQ(
      testing::error_text<ConfigError>([] { check_keep_metadata({"tags"}, "--keep-metadata"); }),
      "--keep-metadata: metadata path 'tags' must be metadata.KEY (notebook) or "
      "cell.metadata.KEY (cell), e.g. metadata.kernelspec or cell.metadata.tags");
  EXPECT_THROW(check_keep_metadata({"cell.metadata."}, "x"), ConfigError);
}

TEST(NotebookStrip, FileIsRewrittenOnlyWhenItChangesAndKeepsItsPermissions) {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string path = dir.write("nb.ipynb", read_file(kStripFixtures + "outputs.ipynb"));
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);

  const StripCounts checked = strip_notebook_file(path, default_keep_metadata(), false);
  EXPECT_TRUE(checked.changed());
  EXPECT_EQ(read_file(path), read_file(kStripFixtures + "outputs.ipynb"));  // a check writes nothing

  EXPECT_TRUE(strip_notebook_file(path, default_keep_metadata(), true).changed());
  EXPECT_EQ(read_file(path), read_file(kStripFixtures + "outputs.stripped.ipynb"));
  EXPECT_EQ(fs::status(path).permissions(), fs::perms::owner_read | fs::perms::owner_write);

  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24);
  fs::last_write_time(path, old_time);
  EXPECT_FALSE(strip_notebook_file(path, default_keep_metadata(), true).changed());
  EXPECT_EQ(fs::last_write_time(path), old_time);
}

}  // namespace
}  // namespace mlops
