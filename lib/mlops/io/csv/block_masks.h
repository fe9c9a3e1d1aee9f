#pragma once
// Splitting quote-free CSV text into lines and fields, the first half of the reader's hot loop.
// One pass finds delimiters, line ends and quotes together: 64 bytes at a time become bit masks
// (SSE2 compares on x86-64, a byte loop elsewhere), and the set bits are walked in order, so
// each byte is looked at once and the work per field is a few instructions. A quote stops the
// walk: such text needs the exact scanner (csv_scan.h), and finding it here spares the reader
// a pass of its own.
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

/// Which bytes of a block of at most 64 are the delimiter, '\n' or the quote (bit i: byte i).
struct BlockMasks {
  uint64_t delimiters = 0;
  uint64_t newlines = 0;
  uint64_t quotes = 0;
};

/// The masks of the `size` (<= 64) bytes at `p`, one byte at a time: the portable path, and the
/// tail of any text.
inline BlockMasks block_masks_scalar(const char* p, size_t size, char delimiter, char quote = '"') {
  BlockMasks masks;
  for (size_t i = 0; i < size; ++i) {
    masks.delimiters |= static_cast<uint64_t>(p[i] == delimiter) << i;
    masks.newlines |= static_cast<uint64_t>(p[i] == '\n') << i;
    masks.quotes |= static_cast<uint64_t>(p[i] == quote) << i;
  }
  return masks;
}

#if MLOPS_CSV_SPLIT_SSE2
/// The masks of the 64 bytes at `p`, 16 bytes per compare.
inline BlockMasks block_masks_sse2(const char* p, char delimiter, char quote = '"') {
  const __m128i delimiter_vector = _mm_set1_epi8(delimiter);
  const __m128i newline_vector = _mm_set1_epi8('\n');
  const __m128i quote_vector = _mm_set1_epi8(quote);
  BlockMasks masks;
  for (int i = 0; i < 4; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const auto delimiters =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiter_vector)));
    const auto newlines =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline_vector)));
    const auto quotes =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote_vector)));
    masks.delimiters |= static_cast<uint64_t>(delimiters) << (16 * i);
    masks.newlines |= static_cast<uint64_t>(newlines) << (16 * i);
    masks.quotes |= static_cast<uint64_t>(quotes) << (16 * i);
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
  /// Splits `text` (which must outlive the splitter).
  BasicLineSplitter(std::string_view text, char delimiter, char quote = '"')
      : line_start_(text.data()),
        end_(text.data() + text.size()),
        block_(text.data()),
        delimiter_(delimiter),
        quote_(quote) {
    load_block();
  }

  /// The next non-blank line, its first fields.size() fields stored in `fields` (more are
  /// counted, not stored); false at the end of the text, or at the first 64-byte block that
  /// holds a quote (see found_quote()).
  bool next(SplitLine& out, std::span<std::string_view> fields) {
    while (line_start_ < end_ && !found_quote_) {
      const char* field = line_start_;
      size_t count = 0;
      const char* line_end = end_;  // where the last line ends when no '\n' follows it
      for (;;) {
        uint64_t hits = masks_.delimiters | masks_.newlines;
        while (hits == 0) {
          if (!advance_block()) break;
          hits = masks_.delimiters | masks_.newlines;
        }
        if (hits == 0) break;  // end of text, or a quote

        const uint64_t lowest = hits & (~hits + 1);
        const char* at = block_ + std::countr_zero(hits);
        if (masks_.newlines & lowest) {
          masks_.newlines ^= lowest;
          line_end = at;
          break;
        }
        masks_.delimiters ^= lowest;
        if (count < fields.size()) {
          fields[count] = std::string_view(field, static_cast<size_t>(at - field));
        }
        ++count;
        field = at + 1;
      }
      if (found_quote_) return false;
      const char* content_end =
          line_end > line_start_ && line_end[-1] == '\r' ? line_end - 1 : line_end;
      const char* start = line_start_;
      line_start_ = line_end + 1;
      ++lines_;
      if (content_end == start) continue;  // blank
      if (count < fields.size()) {
        fields[count] = std::string_view(field, static_cast<size_t>(content_end - field));
      }
      out.line = lines_;
      out.raw = std::string_view(start, static_cast<size_t>(content_end - start));
      out.num_fields = count + 1;
      return true;
    }
    return false;
  }

  /// Lines passed so far, blank ones included (after the last next(): the text's lines).
  size_t lines() const { return lines_; }
  /// True when next() stopped at a quote (lines() then counts only the lines before it).
  bool found_quote() const { return found_quote_; }

 private:
  void load_block() {
    const auto left = static_cast<size_t>(end_ - block_);
#if MLOPS_CSV_SPLIT_SSE2
    if (kSimd && left >= 64) {
      masks_ = block_masks_sse2(block_, delimiter_, quote_);
    } else {
      masks_ = block_masks_scalar(block_, left < 64 ? left : 64, delimiter_, quote_);
    }
#else
    masks_ = block_masks_scalar(block_, left < 64 ? left : 64, delimiter_, quote_);
#endif
    found_quote_ = masks_.quotes != 0;
  }

  bool advance_block() {
    if (end_ - block_ <= 64) return false;
    block_ += 64;
    load_block();
    return !found_quote_;
  }

  const char* line_start_;
  const char* end_;
  const char* block_;  // the 64 bytes masks_ describe; bits of bytes already passed are clear
  char delimiter_;
  char quote_;
  BlockMasks masks_;
  size_t lines_ = 0;
  bool found_quote_ = false;
};

/// The splitter the reader uses: SSE2 where the compiler targets it (all of x86-64).
using LineSplitter = BasicLineSplitter<MLOPS_CSV_SPLIT_SSE2 == 1>;

}  // namespace mlops::io_detail
