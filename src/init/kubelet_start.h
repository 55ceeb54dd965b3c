#pragma once
#include <string>

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

// The KubeletConfiguration YAML for this cluster (also uploaded by upload-config/kubelet).
Result<std::string> kubelet_config_for(InitData& data);

// Writes /var/lib/kubelet/config.yaml and kubeadm-flags.env, then (re)starts the kubelet
// service when this host has one.
Status run_kubelet_start(InitData& data);

}  // namespace kadm::init
