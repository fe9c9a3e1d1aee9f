#include "mlops/notebook/batch.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"
#include "support/error_text.h"

namespace mlops {
namespace {

NotebookStrip strip_of(const std::string& path, size_t outputs) {
  NotebookStrip strip;
  strip.path = path;
  strip.counts.outputs = outputs;
  return strip;
}

TEST(RequireStripped, CleanNotebooksPass) {
  EXPECT_NO_THROW(require_stripped({strip_of("a.ipynb", 0), strip_of("b.ipynb", 0)}));
  EXPECT_NO_THROW(require_stripped({}));
}

TEST(RequireStripped, NotebooksToStripFailTheCheckWithTheirCount) {
  EXPECT_EQ(
      testing::error_text<CheckFailed>([] {
        require_stripped({strip_of("a.ipynb", 2), strip_of("b.ipynb", 0), strip_of("c.ipynb", 1)});
      }),
      "2 of 3 notebooks would be stripped: run `mlops notebooks strip` on them");
}

}  // namespace
}  // namespace mlops
