// libcurl adapter for remote imports: the only place that touches libcurl in the frontend.
#include <curl/curl.h>

#include "frontend/imports/loader.h"

namespace toscac::imports {
namespace {

auto Append(char* data, size_t size, size_t count, void* out) -> size_t {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlTransport() override { curl_global_cleanup(); }

  auto Get(const std::string& url, std::string& error) -> std::optional<std::string> override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      error = "cannot initialise libcurl";
      return std::nullopt;
    }
    std::string body;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE, 16L << 20);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) {
      error = curl_easy_strerror(code);
      return std::nullopt;
    }
    if (status >= 400) {
      error = "HTTP status " + std::to_string(status);
      return std::nullopt;
    }
    return body;
  }
};

}  // namespace

auto MakeCurlTransport() -> std::unique_ptr<HttpTransport> {
  return std::make_unique<CurlTransport>();
}

}  // namespace toscac::imports
