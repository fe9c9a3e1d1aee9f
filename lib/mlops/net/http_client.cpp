#include "mlops/net/http_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "mlops/core/ascii.h"
#include "mlops/core/error.h"
#include "mlops/net/curl_api.h"

namespace mlops {

namespace {

std::string trim(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const size_t last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<HttpResponse*>(user)->body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response (after a redirect or a 100 Continue)
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    response->headers.emplace_back(ascii_lower(trim(line.substr(0, colon))),
                                   trim(line.substr(colon + 1)));
  }
  return size * count;
}

class CurlClient : public HttpClient {
 public:
  CurlClient() {
    curl_ = curl().curl_easy_init();
    if (!curl_) throw InternalError("libcurl: curl_easy_init failed");
  }
  ~CurlClient() override { curl().curl_easy_cleanup(curl_); }

  HttpResponse send(const HttpRequest& request) override {
    const CurlApi& api = curl();
    HttpResponse response;
    api.curl_easy_reset(curl_);  // keeps the connection cache, clears the options
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = api.curl_slist_append(headers, (name + ": " + value).c_str());
    }
    char error[CURL_ERROR_SIZE] = {0};
    api.curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
    api.curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    api.curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    api.curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (request.method == "POST") {
      api.curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      api.curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
      api.curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                           static_cast<curl_off_t>(request.body.size()));
    } else {
      // A POST is never followed elsewhere: a redirect must not carry the body to a new host.
      api.curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    }
    api.curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 5L);
    api.curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    api.curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
    api.curl_easy_setopt(curl_, CURLOPT_USERAGENT, request.user_agent.c_str());
    api.curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(request.connect_timeout * 1000));
    api.curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout * 1000));
    api.curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    api.curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    api.curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
    api.curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
    api.curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
    const auto start = std::chrono::steady_clock::now();
    const CURLcode code = api.curl_easy_perform(curl_);
    response.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    api.curl_slist_free_all(headers);
    api.curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
    char* effective = nullptr;
    api.curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &effective);
    response.url = effective ? effective : request.url;
    if (code != CURLE_OK) response.error = error[0] ? error : api.curl_easy_strerror(code);
    return response;
  }

 private:
  CURL* curl_;
};

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (key == name) out.push_back(value);
  }
  return out;
}

std::unique_ptr<HttpClient> make_curl_client() {
  return std::make_unique<CurlClient>();
}

std::string with_query_param(const std::string& url, const std::string& name,
                             const std::string& value) {
  const CurlApi& api = curl();
  CURLU* handle = api.curl_url();
  if (api.curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    api.curl_url_cleanup(handle);
    throw ConfigError("'{}' is not a valid URL", url);
  }
  // Drop a parameter of that name first, so page=2 replaces page=1 instead of following it.
  char* query = nullptr;
  std::string kept;
  if (api.curl_url_get(handle, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
    std::string_view rest(query);
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      std::string_view item = rest.substr(0, amp);
      const std::string_view key = item.substr(0, item.find('='));
      char* decoded =
          api.curl_easy_unescape(nullptr, key.data(), static_cast<int>(key.size()), nullptr);
      if (decoded && name != decoded) {
        if (!kept.empty()) kept += '&';
        kept.append(item);
      }
      api.curl_free(decoded);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
  }
  api.curl_free(query);
  api.curl_url_set(handle, CURLUPART_QUERY, kept.empty() ? nullptr : kept.c_str(), 0);
  const std::string pair = name + "=" + value;
  api.curl_url_set(handle, CURLUPART_QUERY, pair.c_str(), CURLU_APPENDQUERY | CURLU_URLENCODE);
  char* out = nullptr;
  api.curl_url_get(handle, CURLUPART_URL, &out, 0);
  std::string result = out ? out : url;
  api.curl_free(out);
  api.curl_url_cleanup(handle);
  return result;
}

std::string resolve_url(const std::string& base, const std::string& reference) {
  const CurlApi& api = curl();
  CURLU* handle = api.curl_url();
  api.curl_url_set(handle, CURLUPART_URL, base.c_str(), 0);
  // Setting a URL on a handle that holds one resolves it relative to the one held.
  const CURLUcode code = api.curl_url_set(handle, CURLUPART_URL, reference.c_str(), 0);
  char* out = nullptr;
  if (code == CURLUE_OK) api.curl_url_get(handle, CURLUPART_URL, &out, 0);
  std::string result = out ? out : reference;
  api.curl_free(out);
  api.curl_url_cleanup(handle);
  return result;
}

}  // namespace mlops
