#pragma once
// Owners for libcurl handles (stateless deleters) and the bits every libcurl user here shares.

#include <curl/curl.h>

#include <memory>
#include <string>

namespace kadm::http {

struct CurlEasyCleanup {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistFree>;

// Appends to the list, keeping ownership in `list`; false when curl is out of memory.
inline bool slist_append(CurlSlist& list, const char* line) {
  curl_slist* grown = curl_slist_append(list.get(), line);
  if (!grown) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

// Why libcurl cannot be used (it is opened on first use, src/http/curl_library.cpp), with what to
// do; empty when it can.
const std::string& curl_unavailable();
// "cannot create a curl handle", with curl_unavailable() when that is why.
std::string no_handle_message();

// libcurl's process-wide setup, done once before the first handle (it is not thread-safe).
void curl_global_init_once();

// A CURLOPT_HEADERFUNCTION: collects "name: value" lines, and HTTP/2 trailers, into the
// std::map<std::string, std::string> passed as CURLOPT_HEADERDATA, names lower-cased.
size_t collect_header(char* data, size_t size, size_t count, void* headers);

}  // namespace kadm::http
