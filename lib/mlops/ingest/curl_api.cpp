#include "mlops/ingest/curl_api.h"

namespace mlops {

const CurlApi& curl() {
  // A throw leaves the static uninitialized, so a later call tries again.
  static const CurlApi api = [] {
    const SharedLibrary library("libcurl.so.4", "the http source", "libcurl4");
    CurlApi table;
    MLOPS_CURL_FUNCTIONS(MLOPS_BIND_FUNCTION)
    table.curl_global_init(CURL_GLOBAL_DEFAULT);  // once, before any other call
    return table;
  }();
  return api;
}

}  // namespace mlops
