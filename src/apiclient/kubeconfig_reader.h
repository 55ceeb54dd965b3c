#pragma once
// The one kubeconfig reader: every kubeconfig kadm reads (its own files, a discovery file, the
// kubeconfig inside cluster-info) goes through read_kubeconfig, with options saying how far the
// caller trusts it. Independent of kubeconfig generation (src/kubeconfig/).

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
  // A token or a client certificate, inline or read from its file.
  bool has_credentials() const { return !token.empty() || !client_cert_pem.empty(); }
};

// What a kubeconfig's references to local files (certificate-authority, client-certificate,
// client-key, tokenFile) may do. Read: they are read now (a missing file is reported here), so
// the result is self-contained. Keep: they stay paths, for a caller that rewrites the file and
// must keep them as they are. Refuse: the kubeconfig came from elsewhere and must not make kadm
// read (and send) local files; any reference is an error naming it.
enum class FileReferences { Read, Keep, Refuse };

// Which cluster is the kubeconfig's. CurrentContext: the cluster of current-context (kubectl's
// rule). UnnamedOrCurrentContext: a cluster named "" wins, else current-context's (kubeadm's rule
// for a discovery file; needs at least one cluster). SoleCluster: the one and only cluster;
// contexts and users are not read (the cluster-info kubeconfig, which has neither).
enum class ClusterChoice { CurrentContext, UnnamedOrCurrentContext, SoleCluster };

struct ReadOptions {
  std::string source{};    // names the origin in every error: a path, a URL or a description
  std::string base_dir{};  // relative file references resolve against it
  FileReferences references = FileReferences::Read;
  ClusterChoice cluster = ClusterChoice::CurrentContext;
  // The current context must name a user that has credentials (a token or a client
  // certificate; with FileReferences::Keep a referenced file counts).
  bool require_user = false;
};

Result<Kubeconfig> read_kubeconfig(std::string_view yaml, const ReadOptions& options);
// Reads the file at `path` with `options`, whose source and base_dir become the path and its
// directory.
Result<Kubeconfig> load_kubeconfig(const std::string& path, ReadOptions options = {});

// Which kubeconfig to use: the explicit path if given, else $KADM_KUBECONFIG, else the first
// entry of $KUBECONFIG, else `fallback` (normally /etc/kubernetes/admin.conf).
std::string resolve_kubeconfig_path(const std::optional<std::string>& explicit_path,
                                    std::string_view fallback);

}  // namespace kadm::apiclient
