#pragma once
// File discovery (spec §5.5): a kubeconfig, from a path, a file:// URL or an https:// URL, that
// names the cluster to trust and may carry the credentials for the TLS bootstrap.

#include <cstddef>
#include <string>
#include <string_view>

#include "apiclient/kubeconfig_reader.h"
#include "common/error.h"
#include "join/discovery_deadline.h"

namespace kadm::join {

// The most discovery reads from a server it does not trust yet (cluster-info, a downloaded
// discovery file): a ConfigMap holds at most 1 MiB, a kubeconfig far less.
inline constexpr std::size_t kMaxDiscoveryBodyBytes = std::size_t{2} << 20;

// A discovery file is a kubeconfig read by kubeadm's rules: at least one cluster; the current
// cluster is the unnamed one (as in cluster-info) or else the one of current-context. Referenced
// CA/credential files are read now (relative paths against `base_dir`), so the result is
// self-contained; a file from an https:// `source` may not reference local files at all.
using DiscoveryFile = apiclient::Kubeconfig;
Result<DiscoveryFile> parse_discovery_file(std::string_view yaml, std::string_view source,
                                           std::string_view base_dir = "");

// "file://" is stripped; "https://" URLs are downloaded trusting the system roots only.
bool is_https_url(std::string_view path_or_url);
Result<DiscoveryFile> load_discovery_file(std::string_view path_or_url, DiscoveryDeadline& deadline,
                                          Duration retry_interval);

// The TLS bootstrap uses --tls-bootstrap-token when given (as kubeadm), else the file's own
// credentials; having neither is an error naming the flag.
Status check_bootstrap_credentials(const DiscoveryFile& file,
                                   const std::string& tls_bootstrap_token);

}  // namespace kadm::join
