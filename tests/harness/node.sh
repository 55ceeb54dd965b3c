# shellcheck shell=bash
# Node registration for harness hosts (source after lib.sh). The harness runs no kubelet, so no
# Node object would ever appear; this plays the kubelet's part: host NAME creates its own Node
# with /etc/kubernetes/kubelet.conf (user system:node:NAME; NodeRestriction lets a node create
# only itself), with the host's InternalIP, and reports it Ready.

# harness_register_node NAME [SECS=120]: waits until kubelet.conf exists and the API server
# accepts it, creates (or finds) Node NAME and sets its Ready condition. Safe in the background.
harness_register_node() {
  local name=$1 secs=${2:-120} addr root end now
  addr=$(harness_host_addr "$name") || return
  root=$(harness_host_root "$name")
  end=$((SECONDS + secs))
  until [[ -s $root/fs/etc/kubernetes/kubelet.conf ]]; do
    ((SECONDS < end)) || { echo "harness_register_node: no kubelet.conf in $name" >&2; return 1; }
    sleep 0.2
  done
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local conditions="[{\"type\": \"Ready\", \"status\": \"True\", \"reason\": \"KubeletReady\", \"message\": \"harness stand-in for the kubelet\", \"lastHeartbeatTime\": \"$now\", \"lastTransitionTime\": \"$now\"}]"
  cat >"$root/fs/etc/kubernetes/.harness-node.json" <<JSON
{"apiVersion": "v1", "kind": "Node",
 "metadata": {"name": "$name", "labels": {"kubernetes.io/hostname": "$name", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
 "status": {"addresses": [{"type": "InternalIP", "address": "$addr"}, {"type": "Hostname", "address": "$name"}],
            "conditions": $conditions}}
JSON
  local kc=(kubectl --kubeconfig /etc/kubernetes/kubelet.conf)
  until harness_exec "$name" "${kc[@]}" get node "$name" >/dev/null 2>&1 ||
    harness_exec "$name" "${kc[@]}" create -f /etc/kubernetes/.harness-node.json >/dev/null 2>&1; do
    ((SECONDS < end)) || { echo "harness_register_node: could not create Node $name" >&2; return 1; }
    sleep 0.5
  done
  rm -f "$root/fs/etc/kubernetes/.harness-node.json"

  # The kubelet PATCHes nodes/status without reading it first (kubectl patch would GET the
  # subresource, which the Node authorizer does not allow), so curl with the node's own
  # credentials: the rotated client certificate of a joined worker, or those embedded in
  # kubelet.conf on the first control plane.
  local creds=$root/fs/etc/kubernetes/.harness-node-creds cert key server
  if [[ -L $root/fs/var/lib/kubelet/pki/kubelet-client-current.pem ]]; then
    cert=/var/lib/kubelet/pki/kubelet-client-current.pem key=$cert
  else
    (umask 077 && mkdir -p "$creds")
    harness_exec "$name" "${kc[@]}" config view --raw -o 'jsonpath={.users[0].user.client-certificate-data}' | base64 -d >"$creds/cert.pem"
    harness_exec "$name" "${kc[@]}" config view --raw -o 'jsonpath={.users[0].user.client-key-data}' | base64 -d >"$creds/key.pem"
    cert=/etc/kubernetes/.harness-node-creds/cert.pem key=/etc/kubernetes/.harness-node-creds/key.pem
  fi
  server=$(harness_exec "$name" "${kc[@]}" config view -o 'jsonpath={.clusters[0].cluster.server}') || return
  harness_exec "$name" curl -sSf -o /dev/null -X PATCH --cert "$cert" --key "$key" \
    --cacert /etc/kubernetes/pki/ca.crt -H 'Content-Type: application/merge-patch+json' \
    "$server/api/v1/nodes/$name/status" -d "{\"status\":{\"conditions\":$conditions}}"
  local rc=$?
  rm -rf "$creds"
  return $rc
}
