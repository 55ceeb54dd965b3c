#include <ostream>

#include "certs/pin.h"
#include "init/api_phases.h"
#include "init/cluster_endpoint.h"
#include "token/join_command.h"

namespace kadm::init {

namespace {

// kubeadm's own dry-run placeholder (spec §11.5) for a dry run that has no CA yet.
constexpr std::string_view kDryRunCaHash =
    "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a";

}  // namespace

Status run_show_join_command(InitData& d) {
  KADM_TRY(ensure_bootstrap_tokens(d));
  auto ep = KADM_TRY(admin_endpoint(d));
  token::InitSuccessOptions o;
  o.admin_conf_path = d.admin_conf().string();
  o.control_plane_endpoint_set = !d.cfg.cluster.control_plane_endpoint.empty();
  o.upload_certs = d.options.upload_certs;
  o.join.program = "kadm";
  o.join.host_port = ep.host_port;
  if (!d.cfg.bootstrap_tokens.empty()) o.join.token = d.cfg.bootstrap_tokens.front().token;
  o.join.ca_cert_hashes = {ep.ca_pem.empty() ? std::string(kDryRunCaHash)
                                             : KADM_TRY(certs::public_key_pin(ep.ca_pem))};
  o.join.certificate_key = d.certificate_key.empty() ? d.cfg.certificate_key : d.certificate_key;
  o.join.withhold_token = d.options.skip_token_print;
  o.join.withhold_certificate_key = d.options.skip_certificate_key_print;
  o.join.legacy_space_indent = !d.version.at_least(1, 21);
  *d.out << token::init_success_text(o) << std::flush;
  return {};
}

}  // namespace kadm::init
