#pragma once
// Splitting quote-free CSV text into lines and fields, the first half of the reader's hot loop.
// One pass finds delimiters and line ends together: 64 bytes at a time become two bit masks
// (SSE2 compares on x86-64, a byte loop elsewhere), and the set bits are walked in order, so
// each byte is looked at once and the work per field is a few instructions.
// Private to lib/mlops/io.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#define MLOPS_CSV_SPLIT_SSE2 1
#else
#define MLOPS_CSV_SPLIT_SSE2 0
#endif

namespace mlops::io_detail {

/// Which bytes of a block of at most 64 are the delimiter and which are '\n' (bit i: byte i).
struct BlockMasks {
  uint64_t delimiters = 0;
  uint64_t newlines = 0;
};

/// The masks of the `size` (<= 64) bytes at `p`, one byte at a time: the portable path, and the
/// tail of any text.
inline BlockMasks block_masks_scalar(const char* p, size_t size, char delimiter) {
  BlockMasks masks;
  for (size_t i = 0; i < size; ++i) {
    masks.delimiters |= static_cast<uint64_t>(p[i] == delimiter) << i;
    masks.newlines |= static_cast<uint64_t>(p[i] == '\n') << i;
  }
  return masks;
}

#if MLOPS_CSV_SPLIT_SSE2
/// The masks of the 64 bytes at `p` with four 16-byte compares per byte looked for.
inline BlockMasks block_masks_sse2(const char* p, char delimiter) {
  const __m128i delimiter_vector = _mm_set1_epi8(delimiter);
  const __m128i newline_vector = _mm_set1_epi8('\n');
  BlockMasks masks;
  for (int i = 0; i < 4; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const auto delimiters =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiter_vector)));
    const auto newlines =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline_vector)));
    masks.delimiters |= static_cast<uint64_t>(delimiters) << (16 * i);
    masks.newlines |= static_cast<uint64_t>(newlines) << (16 * i);
  }
  return masks;
}
#endif

/// One non-blank line of the text, split at the delimiter.
struct SplitLine {
  size_t line = 0;        // 1-based among the text's lines, blank lines counted
  std::string_view raw;   // the line without its line end (LF, or CR LF)
  size_t num_fields = 0;  // fields on the line; only the first fields.size() are stored
};

/// Walks quote-free text line by line: every '\n' ends a line (a CR before it is not part of the
/// line), a line that is empty after that is blank and skipped but counted, and the last line
/// needs no line end. `kSimd` picks SSE2 masks; false is the portable path (tests run both).
template <bool kSimd>
class BasicLineSplitter {
 public:
  /// Splits `text` (which must outlive the splitter); fields go to `fields`, whose size is the
  /// most fields stored per line (more are counted, not stored).
  BasicLineSplitter(std::string_view text, char delimiter, std::span<std::string_view> fields)
      : line_start_(text.data()),
        end_(text.data() + text.size()),
        block_(text.data()),
        delimiter_(delimiter),
        fields_(fields) {
    load_block();
  }

  /// The next non-blank line, its fields in the span given to the constructor; false at the
  /// end of the text.
  bool next(SplitLine& out) {
    while (line_start_ < end_) {
      const char* field = line_start_;
      size_t count = 0;
      const char* line_end = end_;  // where the last line ends when no '\n' follows it
      for (;;) {
        uint64_t hits = masks_.delimiters | masks_.newlines;
        while (hits == 0) {
          if (!advance_block()) break;
          hits = masks_.delimiters | masks_.newlines;
        }
        if (hits == 0) break;
        const uint64_t lowest = hits & (~hits + 1);
        const char* at = block_ + std::countr_zero(hits);
        if (masks_.newlines & lowest) {
          masks_.newlines ^= lowest;
          line_end = at;
          break;
        }
        masks_.delimiters ^= lowest;
        if (count < fields_.size()) fields_[count] = std::string_view(field, at - field);
        ++count;
        field = at + 1;
      }
      const char* content_end =
          line_end > line_start_ && line_end[-1] == '\r' ? line_end - 1 : line_end;
      const char* start = line_start_;
      line_start_ = line_end + 1;
      ++lines_;
      if (content_end == start) continue;  // blank
      if (count < fields_.size()) fields_[count] = std::string_view(field, content_end - field);
      out.line = lines_;
      out.raw = std::string_view(start, static_cast<size_t>(content_end - start));
      out.num_fields = count + 1;
      return true;
    }
    return false;
  }

  /// Lines passed so far, blank ones included (after the last next(): the text's lines).
  size_t lines() const { return lines_; }

 private:
  void load_block() {
    const auto left = static_cast<size_t>(end_ - block_);
#if MLOPS_CSV_SPLIT_SSE2
    if (kSimd && left >= 64) {
      masks_ = block_masks_sse2(block_, delimiter_);
      return;
    }
#endif
    masks_ = block_masks_scalar(block_, left < 64 ? left : 64, delimiter_);
  }

  bool advance_block() {
    if (end_ - block_ <= 64) return false;
    block_ += 64;
    load_block();
    return true;
  }

  const char* line_start_;
  const char* end_;
  const char* block_;  // the 64 bytes masks_ describe; bits of bytes already passed are clear
  char delimiter_;
  std::span<std::string_view> fields_;
  BlockMasks masks_;
  size_t lines_ = 0;
};

/// The splitter the reader uses: SSE2 where the compiler targets it (all of x86-64).
using LineSplitter = BasicLineSplitter<MLOPS_CSV_SPLIT_SSE2 == 1>;

}  // namespace mlops::io_detail
