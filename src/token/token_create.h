#pragma once
// `token create`: the token described by the command's flags (spec §4.1–4.3) and the join line(s)
// printed with --print-join-command.

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "config/types.h"

namespace kadm::token {

// Every field is nullopt unless given on the command line.
struct CreateFlags {
  std::optional<std::string> token;                // the positional argument; absent = generate
  std::optional<std::string> ttl;                  // Go duration; "0" = never expires
  std::optional<std::vector<std::string>> usages;  // entries may hold comma lists
  std::optional<std::vector<std::string>> groups;
  std::optional<std::string> description;
};

// The flags' token, defaulted (TTL 24h, signing+authentication, the default node group) and
// validated; a fresh random token when none was given. Validation errors name the bad value
// but never a token secret.
Result<config::BootstrapToken> token_from_flags(const CreateFlags& flags);

// The names of the token flags that were set (for "can not mix '--config' with ...").
std::vector<std::string> set_token_flag_names(const CreateFlags& flags);

// "sha256:<hex>" for every certificate in a PEM bundle, in order; error when there is none.
Result<std::vector<std::string>> ca_cert_hashes(const std::string& ca_pem);

struct JoinLinesInput {
  std::string program = "kadm";
  std::string host_port;
  std::string token;
  std::vector<std::string> ca_cert_hashes;
  std::string certificate_key;  // non-empty: a control-plane line follows the worker line
};

// The worker join line, plus the control-plane line when a certificate key is given (kubeadm
// printed only the latter, which left users without the worker command; kubeadm#1593).
std::vector<std::string> join_lines(const JoinLinesInput& input);

}  // namespace kadm::token
