#include "mlops/core/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "mlops/core/log.h"

namespace mlops {
namespace {

std::string contents(std::FILE* file) {
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;) text += static_cast<char>(c);
  return text;
}

TEST(ProgressLine, RedrawsInPlaceAndEndsWithANewline) {
  std::FILE* file = std::tmpfile();
  {
    ProgressLine line("train", file, true);
    line.update(1, 4, "logloss 0.5");
    line.update(4, 4, "logloss 0.2");  // the last step is always drawn
  }
  const std::string text = contents(file);
  std::fclose(file);
  EXPECT_EQ(text.rfind("\rtrain [######------------------] 1/4  logloss 0.5  ", 0), 0u) << text;
  EXPECT_NE(text.find("\rtrain [########################] 4/4  logloss 0.2  "), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line, redrawn
}

TEST(ProgressLine, AStepSkippedWithinATenthOfASecondIsDrawnAtTheEnd) {
  std::FILE* file = std::tmpfile();
  {
    ProgressLine line("train", file, true);
    line.update(1, 300, "a");
    line.update(2, 300, "b");  // too soon after the first: skipped for now
    EXPECT_EQ(contents(file).find("2/300"), std::string::npos);
  }  // early stopping: 2 of 300 is the last step
  const std::string text = contents(file);
  std::fclose(file);
  EXPECT_NE(text.find("\r"
                      "train [------------------------] 2/300  b  "),
            std::string::npos)
      << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(ProgressLine, DisabledDrawsNothing) {
  std::FILE* file = std::tmpfile();
  {
    ProgressLine line("train", file, false);
    line.update(4, 4, "done");
  }
  EXPECT_EQ(contents(file), "");
  std::fclose(file);
}

TEST(ProgressLine, StderrOfATestIsNoTerminalOrJsonLogsTurnItOff) {
  set_log_format(LogFormat::kJson);
  EXPECT_FALSE(ProgressLine::on_stderr("train").enabled());
  set_log_format(LogFormat::kText);
}

}  // namespace
}  // namespace mlops
