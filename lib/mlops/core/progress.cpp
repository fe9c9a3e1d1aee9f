#include "mlops/core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <utility>

#include "mlops/core/log.h"

namespace mlops {

namespace {
constexpr size_t kBarWidth = 24;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
}  // namespace

ProgressLine ProgressLine::on_stderr(std::string label) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1 && log_format() == LogFormat::kText;
  return ProgressLine(std::move(label), stderr, terminal);
}

ProgressLine::ProgressLine(std::string label, std::FILE* out, bool enabled)
    : label_(std::move(label)),
      out_(out),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - kRedrawInterval) {}

ProgressLine::ProgressLine(ProgressLine&& other) noexcept
    : label_(std::move(other.label_)),
      out_(other.out_),
      enabled_(std::exchange(other.enabled_, false)),
      drawn_(std::exchange(other.drawn_, false)),
      pending_(std::move(other.pending_)),
      start_(other.start_),
      last_draw_(other.last_draw_) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::update(size_t done, size_t total, std::string_view detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const size_t filled = total ? std::min(kBarWidth, done * kBarWidth / total) : kBarWidth;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // "\x1b[K" clears what a longer previous line left on the right.
  pending_ = fmt::format("\r{} [{}{}] {}/{}  {}  {:.1f}s\x1b[K", label_, std::string(filled, '#'),
                         std::string(kBarWidth - filled, '-'), done, total, detail, seconds);
  if (done < total && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  draw_pending();
}

void ProgressLine::draw_pending() {
  if (pending_.empty()) return;
  std::fputs(pending_.c_str(), out_);
  std::fflush(out_);
  pending_.clear();
  drawn_ = true;
}

void ProgressLine::finish() {
  draw_pending();
  if (!drawn_) return;
  fmt::print(out_, "\n");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace mlops
