#pragma once
// Reading and writing kubeconfig files (apiVersion v1, kind Config). Only the parts kadm uses:
// one cluster, one user, one context. yaml-cpp exceptions stay inside this module.

#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::kubeconfig {

// What to write: a cluster + one user with either a client certificate or a token.
struct KubeconfigSpec {
  std::string cluster_name;
  std::string server;
  std::string ca_pem;
  std::string user;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;
};

std::string render(const KubeconfigSpec& spec);

// The current context of a kubeconfig, resolved to its cluster and user. *_data fields hold
// decoded bytes (PEM); *_file fields the paths as written.
struct KubeconfigFile {
  std::string current_context;
  std::string cluster_name;
  std::string user_name;
  std::string server;
  std::string ca_data;
  std::string ca_file;
  std::string client_cert_data;
  std::string client_key_data;
  std::string client_cert_file;
  std::string client_key_file;
  std::string token;
  bool insecure_skip_tls_verify = false;
};

Result<KubeconfigFile> parse(std::string_view yaml);
Result<KubeconfigFile> load(const std::filesystem::path& path);
// The same document with the current user's client certificate and key replaced (embedded).
Result<std::string> replace_client_credentials(std::string_view yaml, const std::string& cert_pem,
                                               const std::string& key_pem);

}  // namespace kadm::kubeconfig
