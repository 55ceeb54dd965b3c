#pragma once
// The one place that decides configuration defaults (kubeadm v1beta4 defaulting, spec §10.3 and
// §0). Static defaults need nothing from the host; dynamic defaults (node name, advertise address,
// control-plane taint) take the host facts as parameters so tests stay deterministic.

#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "config/types.h"

namespace kadm::config {

/// The image registry kubeadm uses by default. No other file spells it.
std::string_view default_image_repository();
/// The Kubernetes release kadm installs when none is given ("v1.37.2").
std::string_view default_kubernetes_version();
/// True for the release labels ("stable", "stable-1", "latest", "latest-1") that kubeadm would
/// look up online; kadm resolves them to default_kubernetes_version().
bool is_version_label(std::string_view version);

/// Returns the address to advertise, or an error if the host has none usable.
using AddressDetector = std::function<Result<std::string>()>;

/// The certificates directory, kubeadm's default when the configuration leaves it empty.
std::string certificates_dir_or_default(const ClusterConfiguration& cluster);
/// The local etcd's data directory, kubeadm's default when it is empty or there is no local etcd.
std::string etcd_data_dir_or_default(const ClusterConfiguration& cluster);

/// Fills every empty field of an InitConfiguration (and its ClusterConfiguration) with the
/// v1beta4 default. Fields already set are kept.
void set_init_defaults(InitConfiguration& cfg);
/// Same for a JoinConfiguration (caCertPath, tlsBootstrapToken, file:// discovery paths, ...).
void set_join_defaults(JoinConfiguration& cfg);
/// Same for a ResetConfiguration.
void set_reset_defaults(ResetConfiguration& cfg);

/// Host-dependent defaults for init: node name = lower-cased `hostname`, the advertise address
/// from `detect` when empty, the control-plane taint when taints were not specified, and
/// version labels resolved. Fails only if an address is needed and `detect` fails.
Status set_init_dynamic_defaults(InitConfiguration& cfg, std::string_view hostname,
                                 const AddressDetector& detect);
/// Host-dependent defaults for join (node name; advertise address for control-plane joins).
Status set_join_dynamic_defaults(JoinConfiguration& cfg, std::string_view hostname,
                                 const AddressDetector& detect);

}  // namespace kadm::config
