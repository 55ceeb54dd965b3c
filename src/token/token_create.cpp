#include "token/token_create.h"

#include "certs/pin.h"
#include "certs/x509.h"
#include "common/duration.h"
#include "common/strings.h"
#include "config/defaults.h"
#include "token/bootstrap_token.h"
#include "token/join_command.h"

namespace kadm::token {

namespace {

// Flags given as "a,b" or repeated both end up as one flat list, as with a Go StringSlice.
std::vector<std::string> flatten(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    for (auto& part : str::split(v, ',')) out.push_back(str::trim(part));
  }
  return out;
}

}  // namespace

Result<config::BootstrapToken> token_from_flags(const CreateFlags& f) {
  config::BootstrapToken t;
  if (f.token) {
    auto parsed = KADM_TRY_CTX(parse_token(*f.token), "invalid token argument");
    t.token = parsed.to_string();
  } else {
    t.token = KADM_TRY(generate_token()).to_string();
  }
  if (f.ttl) {
    auto ttl = KADM_TRY_CTX(parse_duration(*f.ttl), "invalid --ttl \"" + *f.ttl + "\"");
    if (ttl.count() < 0) {
      return fail(ErrorKind::Validation,
                  "invalid --ttl \"" + *f.ttl + "\": must be 0 (never expires) or positive");
    }
    t.ttl = ttl;
  }
  if (f.usages) t.usages = flatten(*f.usages);
  if (f.groups) t.groups = flatten(*f.groups);
  if (f.description) t.description = *f.description;

  // The defaulting of init's InitConfiguration is the one source of token defaults.
  config::InitConfiguration holder;
  holder.bootstrap_tokens = {t};
  config::set_init_defaults(holder);
  t = holder.bootstrap_tokens.front();

  KADM_TRY(validate_usages(t.usages));
  KADM_TRY(validate_groups(t.groups));
  return t;
}

std::vector<std::string> set_token_flag_names(const CreateFlags& f) {
  std::vector<std::string> out;
  if (f.ttl) out.emplace_back("ttl");
  if (f.usages) out.emplace_back("usages");
  if (f.groups) out.emplace_back("groups");
  if (f.description) out.emplace_back("description");
  return out;
}

Result<std::vector<std::string>> ca_cert_hashes(const std::string& ca_pem) {
  auto certs = KADM_TRY_CTX(certs::load_certificates(ca_pem), "cannot read the cluster's CA");
  std::vector<std::string> out;
  for (const auto& c : certs) {
    auto pin = certs::public_key_pin(c.get());
    if (pin.empty()) return fail(ErrorKind::Tls, "cannot hash the CA's public key");
    out.push_back(std::move(pin));
  }
  return out;
}

std::vector<std::string> join_lines(const JoinLinesInput& in) {
  JoinCommandOptions o;
  o.program = in.program;
  o.host_port = in.host_port;
  o.token = in.token;
  o.ca_cert_hashes = in.ca_cert_hashes;
  std::vector<std::string> out{join_command_single_line(o)};
  if (!in.certificate_key.empty()) {
    o.control_plane = true;
    o.certificate_key = in.certificate_key;
    out.push_back(join_command_single_line(o));
  }
  return out;
}

}  // namespace kadm::token
