#pragma once
// The steps of `kadm join --control-plane` (spec §7.4): this node's configuration from the
// cluster, the shared certificates from kubeadm-certs, this host's certificates, kubeconfigs and
// manifests, the etcd member, and the control-plane marks.

#include <string>
#include <vector>

#include "apiclient/client.h"
#include "common/error.h"
#include "join/join_data.h"

namespace kadm::join {

// This node's InitConfiguration, built on first use from the cluster's kubeadm-config.
Result<config::InitConfiguration*> control_plane_config(JoinData& d);

// Start early: once this node's configuration is known, queues the private keys of this host's
// certificates and kubeconfigs on the key pool (if the run's selected steps want them), so they
// are made during preflight's image pulls and download-certs. Writes nothing.
void start_control_plane_keys(JoinData& d);

// control-plane-prepare
Status run_download_certs(JoinData& d);
Status run_control_plane_certs(JoinData& d);
Status run_control_plane_kubeconfigs(JoinData& d);
Status run_control_plane_manifests(JoinData& d);
// check-etcd (before kubelet-start)
Status run_check_etcd(JoinData& d);
// control-plane-join
Status run_etcd_join(JoinData& d);
Status run_join_mark_control_plane(JoinData& d);
// control-plane-join/approve-serving-cert: with serverTLSBootstrap on in the kubelet
// configuration this join wrote, approves this node's serving CSR as init does for its own (the
// node has admin.conf; a worker's waits for `kadm certs approve-kubelet-serving`).
Status run_join_approve_serving_cert(JoinData& d);

// "https://<address of host>:2379" for the cluster-info server "https://host:port": where the
// existing etcd is when no etcd Pod names its client URL.
Result<std::string> existing_etcd_client_url(const host::Host& host, const std::string& server);

// The client URLs the cluster's etcd members advertise, as kubeadm finds them: the annotation
// kubeadm.kubernetes.io/etcd.advertise-client-urls of the etcd static Pods in kube-system (label
// component=etcd, tier=control-plane), sorted, without repeats; empty when no Pod has it.
Result<std::vector<std::string>> etcd_client_urls_from_pods(apiclient::Client& client);

// The text printed after a control-plane node joined (spec §7.4 step 8).
std::string control_plane_joined_text();

}  // namespace kadm::join
