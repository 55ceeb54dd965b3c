#pragma once
// The init phases after wait-control-plane that configure the cluster over the API (spec §6,
// §12.1), each a small function over InitData. Objects come from src/clusterobjects/ builders.

#include <nlohmann/json.hpp>

#include <vector>

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

Status run_upload_config_kubeadm(InitData& data);
Status run_upload_config_kubelet(InitData& data);
Status run_upload_certs(InitData& data);
Status run_mark_control_plane(InitData& data);
Status run_bootstrap_token(InitData& data);
Status run_kubelet_finalize(InitData& data);
Status run_addon_coredns(InitData& data);
Status run_addon_kube_proxy(InitData& data);
Status run_show_join_command(InitData& data);

// The addons' objects as init applies them, the Deployment / DaemonSet patched
// (corednsdeployment, kubeproxydaemonset); quiet: without the "[patches]" lines.
Result<std::vector<nlohmann::json>> coredns_addon_objects(const InitData& data, bool quiet);
Result<std::vector<nlohmann::json>> kube_proxy_addon_objects(const InitData& data, bool quiet);

// Fills every empty cfg.bootstrap_tokens[].token with a fresh token (once per run), and gives
// the first token kubeadm's init description when it has none.
Status ensure_bootstrap_tokens(InitData& data);

}  // namespace kadm::init
