#pragma once
// A one-line progress display redrawn in place with '\r'. It draws only on a terminal and only
// with text logs, so files, pipes and JSON logs never see it.

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace mlops {

class ProgressLine {
 public:
  /// Draws to stderr when it is a terminal and the log format is text; else does nothing.
  static ProgressLine on_stderr(std::string label);
  /// Draws to `out` when `enabled` (tests use a file).
  ProgressLine(std::string label, std::FILE* out, bool enabled);
  /// Ends the line (a newline) when anything was drawn.
  ~ProgressLine();
  ProgressLine(ProgressLine&& other) noexcept;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ProgressLine& operator=(ProgressLine&&) = delete;

  bool enabled() const { return enabled_; }
  /// "\r<label> [#####-----] done/total  <detail>  <elapsed>s", at most every 0.1 s; a step
  /// skipped for that is drawn by finish() if no later one comes.
  void update(size_t done, size_t total, std::string_view detail);
  /// Draws the last step if it was skipped, then ends the line (a newline) if anything was
  /// drawn.
  void finish();

 private:
  void draw_pending();

  std::string label_;
  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  std::string pending_;  // the last step's text when it was not drawn
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace mlops
