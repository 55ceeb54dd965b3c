# shellcheck shell=bash
# Node registration for harness hosts (source after lib.sh). The harness has no kubelet, so no
# Node object would ever appear; this plays the kubelet's registration: host NAME creates its own
# Node with /etc/kubernetes/kubelet.conf (user system:node:NAME; NodeRestriction allows a node to
# create only itself), Ready and with the host's InternalIP.

# harness_register_node NAME [SECS=120]: waits until kubelet.conf exists and the API server
# accepts it, then creates (or finds) the Node NAME. Safe to run in the background.
harness_register_node() {
  local name=$1 secs=${2:-120} addr root end manifest
  addr=$(harness_host_addr "$name") || return
  root=$(harness_host_root "$name")
  manifest=$root/fs/etc/kubernetes/.harness-node.json
  end=$((SECONDS + secs))
  until [[ -s $root/fs/etc/kubernetes/kubelet.conf ]]; do
    ((SECONDS < end)) || { echo "harness_register_node: no kubelet.conf in $name" >&2; return 1; }
    sleep 0.2
  done
  cat >"$manifest" <<JSON
{"apiVersion": "v1", "kind": "Node",
 "metadata": {"name": "$name", "labels": {"kubernetes.io/hostname": "$name", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
 "status": {"addresses": [{"type": "InternalIP", "address": "$addr"}, {"type": "Hostname", "address": "$name"}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "harness stand-in for the kubelet",
                            "lastHeartbeatTime": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "lastTransitionTime": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"}]}}
JSON
  local kc=(kubectl --kubeconfig /etc/kubernetes/kubelet.conf)
  until harness_exec "$name" "${kc[@]}" get node "$name" >/dev/null 2>&1 ||
    harness_exec "$name" "${kc[@]}" create -f /etc/kubernetes/.harness-node.json >/dev/null 2>&1; do
    ((SECONDS < end)) || { echo "harness_register_node: could not create Node $name" >&2; return 1; }
    sleep 0.5
  done
  rm -f "$manifest"
}
