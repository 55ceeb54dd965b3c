# shellcheck shell=bash
# Registering a Node as its kubelet would (source after lib.sh): the harness runs no kubelet, so
# tests create the Node object with the node's own credentials.

# harness_register_node HOSTNAME: inside host HOSTNAME, with its /etc/kubernetes/kubelet.conf
# (user system:node:HOSTNAME), creates Node HOSTNAME and sets its Ready condition to True.
harness_register_node() {
  local name=$1 now kc=(kubectl --kubeconfig /etc/kubernetes/kubelet.conf)
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  harness_exec "$name" "${kc[@]}" get node "$name" >/dev/null 2>&1 ||
    harness_exec "$name" "${kc[@]}" create -f - >/dev/null <<YAML || return
apiVersion: v1
kind: Node
metadata:
  name: $name
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
YAML
  # The kubelet PATCHes nodes/status without reading it first (kubectl patch would GET the
  # subresource, which the Node authorizer does not allow), so curl with the node's certificate.
  local server
  server=$(harness_exec "$name" "${kc[@]}" config view -o 'jsonpath={.clusters[0].cluster.server}') || return
  harness_exec "$name" curl -sSf -o /dev/null -X PATCH \
    --cert /var/lib/kubelet/pki/kubelet-client-current.pem --cacert /etc/kubernetes/pki/ca.crt \
    -H 'Content-Type: application/merge-patch+json' "$server/api/v1/nodes/$name/status" -d \
    "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"registered by the test harness\",\"lastHeartbeatTime\":\"$now\",\"lastTransitionTime\":\"$now\"}]}}"
}
