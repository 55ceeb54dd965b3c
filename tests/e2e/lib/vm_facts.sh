# shellcheck shell=bash
# What a node of this VM needs said about it, in one place (tests/harness/README.md, "Real nodes").

# Preflight checks a harness node cannot pass, each with the reason; everything else must pass.
# None today: a harness node passes every check (warnings aside). A check added here needs its
# reason beside it.
KADM_VM_PREFLIGHT_FAILURES=()

# Sets KADM_PREFLIGHT_ARGS: --ignore-preflight-errors=<the list above>, or nothing.
kadm_preflight_args() {
  KADM_PREFLIGHT_ARGS=()
  if ((${#KADM_VM_PREFLIGHT_FAILURES[@]})); then
    KADM_PREFLIGHT_ARGS=("--ignore-preflight-errors=$(IFS=,; echo "${KADM_VM_PREFLIGHT_FAILURES[*]}")")
  fi
}

# Component configuration a user of a host like this one writes into the kubeadm config:
# - cgroup v1 and no systemd: the kubelet (v1.35+) refuses cgroup v1 unless told otherwise, and
#   drives cgroupfs as the runtime does;
# - kube-proxy in a network namespace may not resize the machine's conntrack table.
KADM_NODE_COMPONENT_CONFIGS='---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
conntrack:
  maxPerCore: 0'

# Real kubeadm (the peer in interop tests) refuses cgroup v1 in SystemVerification for v1.35+
# unless that check is ignored by name, whatever the kubelet configuration says.
KUBEADM_VM_PREFLIGHT_ARGS=(--ignore-preflight-errors=SystemVerification)
