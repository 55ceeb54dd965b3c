#pragma once
// An init run's data for unit tests: v1.37.2 defaults for node "cp1" at 10.213.0.5, its PKI and
// kubeconfig files under `dir`, the dry-run environment (no file, API or runtime is touched).

#include <filesystem>
#include <memory>

#include "config/defaults.h"
#include "host/linux_host.h"
#include "init/init_data.h"
#include "plan/effects.h"
#include "runenv/environment.h"

namespace kadm::test {

// InitData is neither copied nor moved: filled in place.
inline void fill_dry_run_init_data(init::InitData& d, const std::filesystem::path& dir) {
  config::set_init_defaults(d.cfg);
  d.cfg.cluster.kubernetes_version = "v1.37.2";
  d.cfg.cluster.certificates_dir = (dir / "pki").string();
  d.cfg.local_api_endpoint.advertise_address = "10.213.0.5";
  d.cfg.node_registration.name = "cp1";
  d.version = config::parse_kube_version("v1.37.2").value();
  d.options.kubeconfig_dir = dir;
  d.effects = std::make_unique<plan::DryRunEffects>();
  d.host = std::make_unique<host::LinuxHost>();
  d.connect = runenv::dry_run_connectors();
}

}  // namespace kadm::test
