#pragma once
// Owners for libcurl handles (stateless deleters).

#include <curl/curl.h>

#include <memory>

namespace kadm::apiclient {

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

}  // namespace kadm::apiclient
