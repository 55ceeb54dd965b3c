#include "staticpod/probe_url.h"

#include <charconv>

#include "common/net.h"

namespace kadm::staticpod {

using nlohmann::json;

Result<std::string> probe_url(const json& container, const json& http_get,
                              const std::string& what) {
  int port = 0;
  const auto probe_port = http_get.value("port", json());
  if (probe_port.is_number_integer()) {
    port = probe_port.get<int>();
  } else if (probe_port.is_string()) {
    const auto wanted = probe_port.get<std::string>();
    for (const auto& p : container.value("ports", json::array())) {
      if (p.is_object() && p.value("name", "") == wanted) port = p.value("containerPort", 0);
    }
    if (port == 0) {
      std::from_chars(wanted.data(), wanted.data() + wanted.size(), port);
      if (port == 0) {
        return fail(ErrorKind::Validation, what + "'s probe names unknown port " + wanted);
      }
    }
  }
  if (port <= 0 || port > 65535) {
    return fail(ErrorKind::Validation, what + "'s probe has no port");
  }
  std::string host = http_get.value("host", "");
  if (host.empty()) host = "127.0.0.1";
  const std::string scheme = http_get.value("scheme", "HTTP") == "HTTPS" ? "https" : "http";
  std::string path = http_get.value("path", "/");
  if (path.empty() || path[0] != '/') path = "/" + path;
  return scheme + "://" + net::join_host_port(host, port) + path;
}

}  // namespace kadm::staticpod
