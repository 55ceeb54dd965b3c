#include "join/node_files.h"

#include <ctime>

#include "kubeconfig/kubeconfig_file.h"

namespace kadm::join {

std::string kubelet_kubeconfig(const std::string& server, const std::string& ca_pem,
                               const std::string& client_pem_path) {
  // Rendered from the token form, then the user swapped for file references: the kubelet reads
  // the current symlink so it keeps working across certificate rotations.
  kubeconfig::KubeconfigSpec spec{.cluster_name = "default-cluster",
                                  .server = server,
                                  .ca_pem = ca_pem,
                                  .user = "default-auth",
                                  .client_cert_pem = "",
                                  .client_key_pem = "",
                                  .token = "x"};
  std::string text = kubeconfig::render(spec);
  auto pos = text.find("token: x");
  if (pos == std::string::npos) return text;
  std::string indent;
  auto line_start = text.rfind('\n', pos);
  indent = text.substr(line_start + 1, pos - line_start - 1);
  std::string files =
      "client-certificate: " + client_pem_path + "\n" + indent + "client-key: " + client_pem_path;
  text.replace(pos, std::string("token: x").size(), files);
  return text;
}

std::string bootstrap_kubeconfig(const std::string& server, const std::string& ca_pem,
                                 const BootstrapCredentials& creds) {
  // A token when there is one; otherwise the client certificate a discovery file carried.
  const bool by_token = !creds.token.empty();
  return kubeconfig::render(
      kubeconfig::KubeconfigSpec{.cluster_name = "kubernetes",
                                 .server = server,
                                 .ca_pem = ca_pem,
                                 .user = "tls-bootstrap-token-user",
                                 .client_cert_pem = by_token ? "" : creds.client_cert_pem,
                                 .client_key_pem = by_token ? "" : creds.client_key_pem,
                                 .token = creds.token});
}

std::string kubelet_config_map_name(const config::KubeVersion& v) {
  if (v.at_least(1, 24)) return "kubelet-config";
  return "kubelet-config-" + std::to_string(v.major) + "." + std::to_string(v.minor);
}

std::string kubelet_client_file_name(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "kubelet-client-%Y-%m-%d-%H-%M-%S.pem", &tm);
  return buf;
}

}  // namespace kadm::join
