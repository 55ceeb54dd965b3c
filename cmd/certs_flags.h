#pragma once
// The options `kadm certs renew` and `kadm certs check-expiration` share: where the PKI and the
// kubeconfig files live, and the configuration that describes the cluster.

#include <CLI/CLI.hpp>

#include <string>

#include "config/init_flags.h"

namespace kadm::cli {

/// --config, --cert-dir and --kubernetes-version into `flags`; --kubeconfig-dir into
/// `kubeconfig_dir`.
void add_pki_location_flags(CLI::App* cmd, config::InitFlags& flags, std::string& kubeconfig_dir);

}  // namespace kadm::cli
