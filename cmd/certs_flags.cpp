#include "certs_flags.h"

#include "flag_binders.h"

namespace kadm::cli {

void add_pki_location_flags(CLI::App* cmd, config::InitFlags& flags, std::string& kubeconfig_dir) {
  bind_text(cmd, "--config", flags.config_path, "Path to a kadm configuration file");
  bind_text(cmd, "--cert-dir", flags.cert_dir,
            "The path where certificates are stored (default \"/etc/kubernetes/pki\")");
  bind_text(cmd, "--kubernetes-version", flags.kubernetes_version,
            "The Kubernetes version of the cluster");
  cmd->add_option("--kubeconfig-dir", kubeconfig_dir, "The path where kubeconfig files are stored");
}

}  // namespace kadm::cli
