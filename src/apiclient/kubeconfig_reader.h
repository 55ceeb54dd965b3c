#pragma once
// Reads what an API client needs from a kubeconfig: the current context's cluster and user.
// Independent of kubeconfig generation (src/kubeconfig/).

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace kadm::apiclient {

struct Kubeconfig {
  std::string source;  // file path (or a description) the config came from, for messages
  std::string context_name;
  std::string cluster_name;
  std::string user_name;

  // Cluster
  std::string server;
  std::string ca_pem;   // from certificate-authority-data, or read from ca_file
  std::string ca_file;  // as written, made absolute relative to the kubeconfig's directory
  bool insecure_skip_tls_verify = false;

  // User (any may be empty: anonymous)
  std::string client_cert_pem;
  std::string client_cert_file;
  std::string client_key_pem;  // secret: never log
  std::string client_key_file;
  std::string token;  // secret: never log; from `token` or read from token_file
  std::string token_file;

  // The server with "https://" (or "http://") removed, as printed in join commands.
  std::string host_port() const;
};

// What a kubeconfig's references to local files (certificate-authority, client-certificate,
// client-key, tokenFile) may do: be read (a file on this host), or nothing, because the
// kubeconfig came from elsewhere and must not make kadm read (and send) local files.
enum class FileReferences { Read, Refuse };

// Parses kubeconfig YAML. `source` names the origin in errors; relative file references resolve
// against `base_dir`. Referenced files are read now, so a missing one is reported here; with
// FileReferences::Refuse any reference is an error naming it.
Result<Kubeconfig> parse_kubeconfig(std::string_view yaml, std::string_view source,
                                    std::string_view base_dir = "",
                                    FileReferences references = FileReferences::Read);
Result<Kubeconfig> load_kubeconfig(const std::string& path);

// Which kubeconfig to use: the explicit path if given, else $KADM_KUBECONFIG, else the first
// entry of $KUBECONFIG, else `fallback` (normally /etc/kubernetes/admin.conf).
std::string resolve_kubeconfig_path(const std::optional<std::string>& explicit_path,
                                    std::string_view fallback);

}  // namespace kadm::apiclient
