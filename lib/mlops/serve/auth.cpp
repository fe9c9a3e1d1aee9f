#include "mlops/serve/auth.h"

#include <cstddef>
#include <cstdint>

namespace mlops {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Every byte of b is compared against a byte of a (a shorter `a` wraps around), and the
  // length difference is folded into the result: no branch depends on the contents.
  volatile uint8_t diff = a.size() == b.size() ? 0 : 1;
  const size_t n = a.size();
  for (size_t i = 0; i < b.size(); ++i) {
    const uint8_t x = n == 0 ? 0 : static_cast<uint8_t>(a[i % n]);
    diff = diff | static_cast<uint8_t>(x ^ static_cast<uint8_t>(b[i]));
  }
  return diff == 0;
}

bool bearer_authorized(std::string_view authorization, std::string_view token) {
  if (token.empty()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return false;  // no token at all
  bool scheme = true;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    scheme = scheme && (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == kScheme[i];
  }
  const bool match = constant_time_equal(authorization.substr(kScheme.size()), token);
  return scheme && match;
}

}  // namespace mlops
