#pragma once
// download-certs of a control-plane join (spec §6.3): the kubeadm-certs Secret, opened with the
// certificate key, becomes the shared CA / service-account / front-proxy / etcd CA files.
// Every value is opened before anything is written: a wrong key writes nothing.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/types.h"
#include "plan/action.h"

namespace kadm::join {

// The files of `secret` (as read from the API) for this cluster's certificate layout; keys 0600.
// Empty values are skipped; a value that does not open with the key fails the whole download.
Result<std::vector<plan::Action>> open_kubeadm_certs(const nlohmann::json& secret,
                                                     std::string_view certificate_key,
                                                     const config::ClusterConfiguration& cluster);

// The refusal for a missing kubeadm-certs Secret (expired, or never uploaded).
std::string missing_certs_secret_message();

}  // namespace kadm::join
