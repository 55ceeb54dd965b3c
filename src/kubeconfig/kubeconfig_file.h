#pragma once
// Writing kubeconfig files (apiVersion v1, kind Config) through the one YAML writer
// (common/yaml_emit.h), and reading back the ones kadm keeps on this host through the one reader
// (apiclient/kubeconfig_reader.h). Only the parts kadm uses: one cluster, one user, one context.

#include <filesystem>
#include <string>
#include <string_view>

#include "apiclient/kubeconfig_reader.h"
#include "common/error.h"

namespace kadm::kubeconfig {

// What to write: a cluster + one user with a client certificate (embedded, or in files the
// kubelet rotates), or a token.
struct KubeconfigSpec {
  std::string cluster_name;
  std::string server;
  std::string ca_pem;
  std::string user;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;
  std::string client_cert_file = {};  // set: the user names these files instead
  std::string client_key_file = {};
};

std::string render(const KubeconfigSpec& spec);

// A kubeconfig of a node (admin.conf, kubelet.conf, ...) through the one reader: its current
// context must name a user with credentials, and file references stay paths (absolute), because
// the callers inspect or rewrite them rather than connect.
Result<apiclient::Kubeconfig> parse(std::string_view yaml);
Result<apiclient::Kubeconfig> load(const std::filesystem::path& path);
// The same document with the current user's client certificate and key replaced (embedded).
Result<std::string> replace_client_credentials(std::string_view yaml, const std::string& cert_pem,
                                               const std::string& key_pem);

}  // namespace kadm::kubeconfig
