#pragma once
// libcurl's C API as a function table over libcurl.so.4, opened on first use: only an http
// source loads it and its TLS, SSH, LDAP and Kerberos dependencies (core/shared_library.h says
// why). The header still gives every prototype, so each pointer has the function's type.

#include <curl/curl.h>

#include "mlops/core/shared_library.h"

// Every libcurl function mlops calls; a new call needs its name here.
#define MLOPS_CURL_FUNCTIONS(X) \
  X(curl_easy_cleanup)          \
  X(curl_easy_getinfo)          \
  X(curl_easy_init)             \
  X(curl_easy_perform)          \
  X(curl_easy_reset)            \
  X(curl_easy_setopt)           \
  X(curl_easy_strerror)         \
  X(curl_easy_unescape)         \
  X(curl_free)                  \
  X(curl_getdate)               \
  X(curl_global_init)           \
  X(curl_slist_append)          \
  X(curl_slist_free_all)        \
  X(curl_url)                   \
  X(curl_url_cleanup)           \
  X(curl_url_get)               \
  X(curl_url_set)

namespace mlops {

struct CurlApi {
  MLOPS_CURL_FUNCTIONS(MLOPS_FUNCTION_POINTER)
};

/// The libcurl C API, loading libcurl.so.4 and running curl_global_init on the first call
/// (thread-safe). Throws ConfigError naming the library and its Debian package when it cannot
/// be loaded.
const CurlApi& curl();

}  // namespace mlops
