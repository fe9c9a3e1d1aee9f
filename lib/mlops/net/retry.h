#pragma once
// When and how long to wait before trying an HTTP request again: exponential backoff with
// full jitter, a server's Retry-After honoured, and a budget of retries per source and run.

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "mlops/net/http_client.h"

namespace mlops {

struct RetryPolicy {
  int max_retries = 5;      // retries of one request
  double backoff = 0.5;     // seconds before the first retry; doubles each retry
  double max_backoff = 30;  // no wait is longer, Retry-After included
  int64_t budget = 20;      // retries left for the whole source in this run
};

/// A transfer that failed (refused, timed out, cut short), 408, 429 or 5xx: worth retrying.
bool is_retryable(const HttpResponse& response);
/// Retry-After as seconds from now: delta-seconds ("120") or an HTTP-date; nullopt when absent
/// or unreadable. `now_micros` is the current time (a parameter for tests).
std::optional<double> parse_retry_after(std::string_view value, int64_t now_micros);

class Backoff {
 public:
  explicit Backoff(RetryPolicy policy, uint64_t seed = std::random_device{}());
  /// True while the request may be tried again after `retries` retries and the budget lasts.
  bool may_retry(int retries) const;
  /// Spends one retry of the budget and returns how long to wait before it: Retry-After when
  /// the server sent one, else uniform in [0, min(max_backoff, backoff * 2^retries)].
  double next_delay(int retries, const HttpResponse& response);
  int64_t budget_left() const { return policy_.budget; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::mt19937_64 random_;
};

}  // namespace mlops
