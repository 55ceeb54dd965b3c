#pragma once
// kubelet-finalize/enable-client-cert-rotation (spec §2): kubelet.conf references the kubelet's
// rotating client certificate instead of embedding the one init issued.

#include <string>

#include "kubeconfig/kubeconfig_file.h"

namespace kadm::init {

inline constexpr std::string_view kKubeletClientCurrentPem =
    "pki/kubelet-client-current.pem";  // under the kubelet dir

// The kubeconfig `kc` with its user's credentials replaced by client-certificate and
// client-key = `pem_path` (one file holds both).
std::string rotatable_kubelet_conf(const apiclient::Kubeconfig& kc, const std::string& pem_path);

}  // namespace kadm::init
