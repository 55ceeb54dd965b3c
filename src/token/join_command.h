#pragma once
// The "join" command lines kadm prints: after init (multi-line, spec §12.3) and from
// `token create --print-join-command` (single line, spec §4.3).

#include <string>
#include <vector>

namespace kadm::token {

inline constexpr std::string_view kValueWithheld = "<value withheld>";

struct JoinCommandOptions {
  std::string program = "kadm";  // the lead decides; tests also render "kubeadm"
  std::string host_port;         // the kubeconfig server without "https://"
  std::string token;
  std::vector<std::string> ca_cert_hashes;  // "sha256:<hex>", one flag per CA
  bool control_plane = false;
  std::string certificate_key;  // only for control_plane; empty = flag left out
  bool withhold_token = false;
  bool withhold_certificate_key = false;
  // Releases before v1.21 indented continuation lines with 4 spaces instead of a tab.
  bool legacy_space_indent = false;
};

// "<program> join <host:port> --token <t> \\\n\t--discovery-token-ca-cert-hash <h> ..."; no final
// newline. The line after the hashes keeps its trailing space, as the reference template does.
std::string join_command_multiline(const JoinCommandOptions& options);

// The multi-line form with "\\\n" and tabs removed (what `token create --print-join-command`
// prints); with legacy_space_indent the 4 indentation spaces stay, giving 5 spaces.
std::string join_command_single_line(const JoinCommandOptions& options);

struct InitSuccessOptions {
  std::string admin_conf_path = "/etc/kubernetes/admin.conf";
  bool control_plane_endpoint_set = false;  // the control-plane join block is shown only then
  bool upload_certs = false;
  JoinCommandOptions join;  // control_plane / certificate_key are set per block
};

// The whole text printed after a successful init, ending with the worker join command + "\n".
std::string init_success_text(const InitSuccessOptions& options);

}  // namespace kadm::token
