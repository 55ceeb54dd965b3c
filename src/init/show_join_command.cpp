#include <ostream>

#include "certs/pin.h"
#include "common/strings.h"
#include "init/api_phases.h"
#include "init/cluster_endpoint.h"
#include "init/init_result.h"
#include "token/join_command.h"

namespace kadm::init {

namespace {

// kubeadm's own dry-run placeholder (spec §11.5) for a dry run that has no CA yet.
constexpr std::string_view kDryRunCaHash =
    "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a";

}  // namespace

Result<token::InitSuccessOptions> init_success_options(InitData& d) {
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
  return o;
}

Result<nlohmann::ordered_json> init_result_fields(InitData& d) {
  token::InitSuccessOptions o = KADM_TRY(init_success_options(d));
  token::JoinCommandOptions worker = o.join;
  worker.control_plane = false;
  worker.legacy_space_indent = false;
  nlohmann::ordered_json r;
  r["kubernetesVersion"] = d.version.str();
  r["token"] = worker.withhold_token ? std::string(token::kValueWithheld) : worker.token;
  r["caCertHashes"] = worker.ca_cert_hashes;
  r["controlPlaneEndpoint"] = worker.host_port;
  r["joinCommand"] = str::trim(token::join_command_single_line(worker));
  if (o.upload_certs) {
    token::JoinCommandOptions cp = worker;
    cp.control_plane = true;
    r["controlPlaneJoinCommand"] = str::trim(token::join_command_single_line(cp));
  }
  r["kubeconfig"] = o.admin_conf_path;
  return r;
}

Status run_show_join_command(InitData& d) {
  *d.out << token::init_success_text(KADM_TRY(init_success_options(d))) << std::flush;
  return {};
}

}  // namespace kadm::init
