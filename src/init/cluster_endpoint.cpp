#include "init/cluster_endpoint.h"

#include "common/fs.h"
#include "kubeconfig/kubeconfig_file.h"
#include "kubeconfig/phase.h"

namespace kadm::init {

namespace {

std::string without_scheme(const std::string& server) {
  auto pos = server.find("://");
  return pos == std::string::npos ? server : server.substr(pos + 3);
}

}  // namespace

Result<AdminEndpoint> admin_endpoint(const InitData& d) {
  AdminEndpoint ep;
  if (d.options.dry_run && !KADM_TRY(fs::exists(d.admin_conf()))) {
    ep.server = KADM_TRY(kubeconfig::control_plane_url(d.cfg));
    auto ca = std::filesystem::path(d.cfg.cluster.certificates_dir) / "ca.crt";
    if (KADM_TRY(fs::exists(ca))) ep.ca_pem = KADM_TRY(fs::read_file(ca));
  } else {
    auto kc = KADM_TRY_CTX(kubeconfig::load(d.admin_conf()),
                           "reading the cluster endpoint from " + d.admin_conf().string());
    ep.server = kc.server;
    ep.ca_pem = kc.ca_data;
    if (ep.ca_pem.empty() && !kc.ca_file.empty()) ep.ca_pem = KADM_TRY(fs::read_file(kc.ca_file));
    if (ep.ca_pem.empty()) {
      return fail(ErrorKind::Validation,
                  d.admin_conf().string() + " names no certificate authority for its cluster");
    }
  }
  ep.host_port = without_scheme(ep.server);
  return ep;
}

}  // namespace kadm::init
