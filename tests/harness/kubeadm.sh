# shellcheck shell=bash
# Real kubeadm as a reference producer of control plane files inside a test host (source after
# lib.sh). kadm's own phases replace it in kadm's tests; these prove the harness against the
# manifests the real tool writes.

# harness_kubeadm_config NAME [KUBERNETES_VERSION=v1.37.2]: writes a v1beta4 config for host NAME
# (advertiseAddress = its address, node name = NAME) to <root>/kubeadm.yaml and prints its path.
harness_kubeadm_config() {
  local name=$1 version=${2:-v1.37.2} cfg
  cfg=$(harness_host_root "$name")/kubeadm.yaml
  cat >"$cfg" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $(harness_host_addr "$name")
  bindPort: 6443
nodeRegistration:
  name: $name
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $version
YAML
  printf '%s\n' "$cfg"
}

# harness_kubeadm_control_plane NAME: certs, kubeconfigs, etcd and control plane manifests for
# host NAME, written by the real kubeadm inside it (into the host's own /etc/kubernetes).
harness_kubeadm_control_plane() {
  local name=$1 cfg phase
  cfg=$(harness_kubeadm_config "$name") || return
  for phase in "certs all" "kubeconfig all" "etcd local" "control-plane all"; do
    # shellcheck disable=SC2086 # phase is two words on purpose
    harness_exec "$name" kubeadm init phase $phase --config "$cfg" >"$(harness_host_root "$name")/logs/kubeadm-${phase%% *}.log" 2>&1 ||
      { cat "$(harness_host_root "$name")/logs/kubeadm-${phase%% *}.log" >&2; _harness_die "kubeadm init phase $phase failed in host $name"; return 1; }
  done
}
