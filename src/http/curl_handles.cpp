#include "http/curl_handles.h"

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/strings.h"

namespace kadm::http {

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string no_handle_message() {
  const std::string& why = curl_unavailable();
  return why.empty() ? "cannot create a curl handle" : "cannot create a curl handle: " + why;
}

size_t collect_header(char* data, size_t size, size_t count, void* headers) {
  std::string_view line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    auto* map = static_cast<std::map<std::string, std::string>*>(headers);
    (*map)[str::lower(line.substr(0, colon))] = str::trim(line.substr(colon + 1));
  }
  return size * count;
}

}  // namespace kadm::http
