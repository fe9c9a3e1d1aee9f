// The HTML report in a real browser: headless Chromium renders the report of the flights
// fixture run to a screenshot and dumps the DOM it built. Built as its own test binary with
// the ctest label `browser` (ctest -L browser); skipped when Chromium is not installed
// (scripts/test runs `scripts/install-deps --browser`, which tries to install Debian's `chromium`).

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>

#include "cli_runner.h"
#include "report_workflows.h"
#include "support/optional_tool.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string probe = std::string("command -v ") + name + " > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

/// Width and height from a PNG's IHDR chunk (big-endian at bytes 16..23); {0, 0} if not a PNG.
std::pair<uint32_t, uint32_t> png_size(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
      bytes.compare(12, 4, "IHDR") != 0) {
    return {0, 0};
  }
  auto be32 = [&](size_t at) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<uint8_t>(bytes[at + i]);
    return value;
  };
  return {be32(16), be32(20)};
}

/// The text of a DOM: tags dropped, entities left as they are.
std::string text_of(const std::string& dom) {
  std::string text;
  bool in_tag = false;
  for (char c : dom) {
    if (c == '<') in_tag = true;
    if (!in_tag) text += c;
    if (c == '>') {
      in_tag = false;
      text += ' ';
    }
  }
  return text;
}

TEST(ReportBrowser, ChromiumRendersTheReportWithItsMetricsAndChecks) {
  const std::string chromium = find_chromium();
  MLOPS_REQUIRE_TOOL(!chromium.empty(), "chromium");
  TempDir dir;
  const std::string workflow = write_flights_workflow(dir, "flights-browser");
  CliResult run =
      run_mlops("run --workflow " + workflow + " --set runs_dir=" + dir.file("runs"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path report = only_run(dir.file("runs")) / "report" / "report.html";

  const std::string flags =
      " --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--no-first-run --user-data-dir='" +
      dir.file("profile") + "' --window-size=1280,4000 ";
  const std::string png = dir.file("report.png");
  const std::string url = "file://" + fs::absolute(report).string();
  const std::string shot = chromium + flags + "--screenshot='" + png + "' '" + url + "' > '" +
                           dir.file("shot.log") + "' 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0) << slurp(dir.file("shot.log"));
  const std::string image = slurp(png);
  EXPECT_EQ(png_size(image), (std::pair<uint32_t, uint32_t>{1280, 4000}));
  // A blank page compresses to a few KB; text, tables and charts do not.
  EXPECT_GT(image.size(), 50'000u);

  const std::string dump = chromium + flags + "--dump-dom '" + url + "' > '" +
                           dir.file("dom.html") + "' 2> '" + dir.file("dom.log") + "'";
  ASSERT_EQ(std::system(dump.c_str()), 0) << slurp(dir.file("dom.log"));
  const std::string text = text_of(slurp(dir.file("dom.html")));
  for (const char* expected :
       {"flights-browser", "auc", "logloss", "accuracy", "row_count", "declared_column_present",
        "pattern", "Data profile", "Feature importance", "origin"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
}

}  // namespace
}  // namespace mlops::testing
