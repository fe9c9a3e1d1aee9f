#pragma once
// Peak resident memory, per stage: Linux lets a process reset its high-water mark.

#include <cstdint>

namespace mlops {

/// Gives the allocator's free pages back to the system (glibc's malloc_trim), so the next
/// stage's peak starts from what is in use, not from what an earlier stage freed; no-op
/// elsewhere.
void release_free_memory();
/// Resets the peak-RSS high-water mark (/proc/self/clear_refs); no-op where unsupported.
void reset_peak_rss();
/// Peak resident set size in bytes since start or the last reset (VmHWM).
uint64_t peak_rss_bytes();

}  // namespace mlops
