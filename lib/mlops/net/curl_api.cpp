#include "mlops/net/curl_api.h"

namespace mlops {

const CurlApi& curl() {
  static const CurlApi api = load_function_table<CurlApi>(
      "libcurl.so.4", "the http source", "libcurl4",
      [](const SharedLibrary& library, CurlApi& table) {
        MLOPS_CURL_FUNCTIONS(MLOPS_BIND_FUNCTION)
        table.curl_global_init(CURL_GLOBAL_DEFAULT);  // once, before any other call
      });
  return api;
}

}  // namespace mlops
