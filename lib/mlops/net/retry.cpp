#include "mlops/net/retry.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"
#include "mlops/net/curl_api.h"

namespace mlops {

bool is_retryable(const HttpResponse& response) {
  if (!response.error.empty() || response.status == 0) return true;
  return response.status == 408 || response.status == 429 || response.status >= 500;
}

std::optional<double> parse_retry_after(std::string_view value, int64_t now_micros) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (auto seconds = parse_int64(value)) {
    if (*seconds < 0) return std::nullopt;
    return static_cast<double>(*seconds);
  }
  // An HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"); curl_getdate reads every RFC 9110 form.
  const std::string text(value);
  const time_t at = curl().curl_getdate(text.c_str(), nullptr);
  if (at < 0) return std::nullopt;
  return std::max(0.0, static_cast<double>(at) - static_cast<double>(now_micros) / 1e6);
}

Backoff::Backoff(RetryPolicy policy, uint64_t seed) : policy_(policy), random_(seed) {}

bool Backoff::may_retry(int retries) const {
  return retries < policy_.max_retries && policy_.budget > 0;
}

double Backoff::next_delay(int retries, const HttpResponse& response) {
  --policy_.budget;
  if (response.status == 429 || response.status == 503) {
    if (auto header = response.header("retry-after")) {
      if (auto wait = parse_retry_after(*header, now_micros())) {
        return std::min(*wait, policy_.max_backoff);
      }
    }
  }
  const double ceiling =
      std::min(policy_.max_backoff, policy_.backoff * std::pow(2.0, std::min(retries, 30)));
  return std::uniform_real_distribution<double>(0.0, ceiling)(random_);
}

}  // namespace mlops
