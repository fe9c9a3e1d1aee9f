#pragma once
// Independent items split over two threads (this one and one more): the machines mlops runs on
// often have two cores, and per-column work (profiles) is uneven enough that interleaving the
// items balances it better than halves.

#include <cstddef>
#include <exception>
#include <thread>

namespace mlops {

/// Calls fn(i) for i in [0, count): even i on this thread, odd i on a second one. A thread
/// stops at its first exception; once both are done, the exception of the lowest i is rethrown
/// (the one a loop in order would have met first).
template <typename Fn>
void for_each_on_two_threads(size_t count, Fn fn) {
  std::exception_ptr errors[2];
  size_t failed_at[2] = {count, count};
  auto work = [&](size_t first) {
    for (size_t i = first; i < count; i += 2) {
      try {
        fn(i);
      } catch (...) {
        errors[first] = std::current_exception();
        failed_at[first] = i;
        return;
      }
    }
  };
  if (count > 1) {
    std::thread helper(work, size_t{1});
    work(0);
    helper.join();
  } else {
    work(0);
  }
  const size_t first_error = failed_at[1] < failed_at[0] ? 1 : 0;
  if (errors[first_error]) std::rethrow_exception(errors[first_error]);
}

}  // namespace mlops
