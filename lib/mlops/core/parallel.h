#pragma once
// Independent items split over two threads (this one and one more): the machines mlops runs on
// often have two cores, and per-column work (profiles) is uneven enough that interleaving the
// items balances it better than halves.

#include <cstddef>
#include <exception>
#include <thread>

namespace mlops {

/// Calls fn(i) for i in [0, count): even i on this thread, odd i on a second one. The first
/// exception of either thread is rethrown once both are done.
template <typename Fn>
void for_each_on_two_threads(size_t count, Fn fn) {
  std::exception_ptr errors[2];
  auto work = [&](size_t first) {
    try {
      for (size_t i = first; i < count; i += 2) fn(i);
    } catch (...) {
      errors[first] = std::current_exception();
    }
  };
  if (count > 1) {
    std::thread helper(work, size_t{1});
    work(0);
    helper.join();
  } else {
    work(0);
  }
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace mlops
