#!/usr/bin/env bash
# kubeadm's rule for a skipped addon phase, on a real node: `kadm init
# --skip-phases=addon/kube-proxy` (a cluster whose CNI replaces kube-proxy) disables kube-proxy in
# the configuration the run uses and uploads. So:
#   - preflight and its background pull never ask the registry for the kube-proxy image (the
#     node's containerd does not have it afterwards), while the other six images are there;
#   - no kube-proxy DaemonSet or ConfigMap is created; CoreDNS is;
#   - kube-system/kubeadm-config records proxy.disabled (and not dns.disabled): what
#     `kadm upgrade plan` and `apply` read to leave kube-proxy out (tests/unit/upgrade_test.cpp);
#   - the kubelet still brings the Node to Ready.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.37
cfg=$(kadm_init_config cp1)
logs=$(harness_host_root cp1)/logs
harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" --skip-phases=addon/kube-proxy \
  >"$logs/init.log" 2>&1 || { cat "$logs/init.log" >&2; fail "kadm init --skip-phases=addon/kube-proxy failed"; }
grep -q 'initialized successfully' "$logs/init.log" || fail "no success text: $(cat "$logs/init.log")"
! grep -q 'kube-proxy' "$logs/init.log" || fail "init named kube-proxy: $(grep kube-proxy "$logs/init.log")"

images=$(harness_exec cp1 crictl --runtime-endpoint unix:///run/containerd/containerd.sock images -o json 2>/dev/null |
  python3 -c 'import json,sys; print("\n".join(t for i in json.load(sys.stdin)["images"] for t in i["repoTags"]))')
for image in pause etcd kube-apiserver kube-controller-manager kube-scheduler coredns; do
  grep -q "/$image:" <<<"$images" || fail "the node has no $image image: $images"
done
! grep -q '/kube-proxy:' <<<"$images" || fail "the kube-proxy image was pulled: $images"

! kadm_kubectl cp1 -n kube-system get daemonset kube-proxy >/dev/null 2>&1 || fail "a kube-proxy DaemonSet exists"
! kadm_kubectl cp1 -n kube-system get configmap kube-proxy >/dev/null 2>&1 || fail "a kube-proxy ConfigMap exists"
kadm_kubectl cp1 -n kube-system get deployment coredns >/dev/null || fail "no CoreDNS Deployment"
kadm_kubectl cp1 -n kube-system get configmap kubeadm-config -o 'jsonpath={.data.ClusterConfiguration}' |
  python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
assert (c.get("proxy") or {}).get("disabled") is True, c.get("proxy")
assert not (c.get("dns") or {}).get("disabled"), c.get("dns")' ||
  fail "kubeadm-config does not record proxy.disabled alone"

kadm_wait_node_ready cp1 cp1 120
echo "init without kube-proxy: its image never pulled, proxy.disabled uploaded, Node Ready"
echo "PASS"
