#include "init/cluster_endpoint.h"

#include "kubeconfig/kubeconfig_file.h"
#include "kubeconfig/phase.h"

namespace kadm::init {

namespace {

std::string without_scheme(const std::string& server) {
  auto pos = server.find("://");
  return pos == std::string::npos ? server : server.substr(pos + 3);
}

// What admin.conf would have said, for a run that only planned it.
Result<AdminEndpoint> planned_endpoint(const InitData& d) {
  AdminEndpoint ep;
  ep.server = KADM_TRY(kubeconfig::control_plane_url(d.cfg));
  const auto ca = (std::filesystem::path(d.cfg.cluster.certificates_dir) / "ca.crt").string();
  if (d.host->exists(ca)) ep.ca_pem = KADM_TRY(d.host->read_file(ca));
  return ep;
}

Result<AdminEndpoint> written_endpoint(const InitData& d, const std::string& text) {
  const std::string path = d.admin_conf().string();
  auto kc = kubeconfig::parse(text);
  if (!kc) return fail_with(std::move(kc), "failed to load kubeconfig " + path);
  AdminEndpoint ep;
  ep.server = kc->server;
  ep.ca_pem = kc->ca_pem;
  if (ep.ca_pem.empty() && !kc->ca_file.empty())
    ep.ca_pem = KADM_TRY(d.host->read_file(kc->ca_file));
  if (ep.ca_pem.empty()) {
    return fail(ErrorKind::Validation, path + " names no certificate authority for its cluster");
  }
  return ep;
}

}  // namespace

Result<AdminEndpoint> admin_endpoint(const InitData& d) {
  const std::string path = d.admin_conf().string();
  const std::string context = "reading the cluster endpoint from " + path;
  auto text = KADM_TRY_CTX(d.connect.read_written(*d.host, path), context);
  AdminEndpoint ep =
      text ? KADM_TRY_CTX(written_endpoint(d, *text), context) : KADM_TRY(planned_endpoint(d));
  ep.host_port = without_scheme(ep.server);
  return ep;
}

}  // namespace kadm::init
