#pragma once
#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

// Writes /var/lib/kubelet/config.yaml and kubeadm-flags.env, then (re)starts the kubelet
// service when this host has one.
Status run_kubelet_start(InitData& data);

}  // namespace kadm::init
