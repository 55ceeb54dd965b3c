#!/usr/bin/env bash
# `kadm init` (RSA-2048, the default) on a real node: the kubelet runs etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler from kadm's manifests as containers from the mirror,
# passes their probes, registers its own Node (Ready by its own status once the node's CNI is
# configured) and mirrors the static pods into the API. The apiserver reaches the kubelet (logs,
# exec), every static pod is Running with no restart two minutes after init, and a second
# `kadm init` converges.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.21
cfg=$(kadm_init_config cp1)
init_done=$SECONDS
kadm_init_control_plane cp1 "$cfg"
init_done=$SECONDS
assert_control_plane_serves cp1
kadm_wait_node_ready cp1 cp1 120
echo "node cp1: Ready (reported by its kubelet)"

root=$(harness_host_root cp1)/fs
for f in kube-apiserver kube-controller-manager kube-scheduler etcd; do
  [[ $(stat -c %a "$root/etc/kubernetes/manifests/$f.yaml") == 600 ]] || fail "$f.yaml is not 0600"
done
[[ -f $root/var/lib/kubelet/config.yaml && -f $root/var/lib/kubelet/kubeadm-flags.env ]] || fail "kubelet files missing"

# The mirror pods of the four static pods, Running on cp1, from the mirror's images.
pods() { kadm_kubectl cp1 -n kube-system get pods --field-selector spec.nodeName=cp1 \
  -o 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[0].restartCount} {.spec.containers[0].image}{"\n"}{end}'; }
all_running() {
  local p
  for p in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    pods | grep -q "^$p-cp1 Running " || return 1
  done
}
retry 90 all_running || fail "static pods not all Running: $(pods)"
pods | grep -E '^(etcd|kube-)' | while read -r name _ _ image; do
  [[ $image == "$(harness_image_repository)/"* ]] || fail "$name runs $image, not from the mirror"
done
echo "mirror pods:"; pods

# apiserver -> kubelet: kadm's apiserver-kubelet-client and the kubelet's serving certificate.
logs=$(kadm_kubectl cp1 -n kube-system logs etcd-cp1 --tail 5) || fail "kubectl logs etcd-cp1 failed"
[[ -n $logs ]] || fail "kubectl logs etcd-cp1 printed nothing"
members=$(kadm_kubectl cp1 -n kube-system exec etcd-cp1 -- etcdctl --endpoints https://127.0.0.1:2379 \
  --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt \
  --key /etc/kubernetes/pki/etcd/healthcheck-client.key member list) || fail "kubectl exec into etcd-cp1 failed"
[[ $members == *", started, cp1, https://10.213.0.21:2380, https://10.213.0.21:2379"* ]] || fail "etcd member list: $members"
echo "kubectl logs and exec into etcd-cp1 work; etcd: $members"

# Re-running init on a running control plane reuses every file and stays healthy.
before=$(cd "$root/etc/kubernetes" && sha256sum pki/*.key pki/*.crt *.conf manifests/*.yaml)
# Its ports and files are in use by the running control plane, as preflight rightly says.
harness_exec cp1 "$KADM" init --config "$cfg" --skip-phases=preflight >"$(harness_host_root cp1)/logs/rerun.log" 2>&1 ||
  { cat "$(harness_host_root cp1)/logs/rerun.log" >&2; fail "second kadm init failed"; }
grep -q 'Using the existing "ca" certificate and key' "$(harness_host_root cp1)/logs/rerun.log" || fail "re-run did not reuse the CA"
after=$(cd "$root/etc/kubernetes" && sha256sum pki/*.key pki/*.crt *.conf manifests/*.yaml)
[[ $before == "$after" ]] || fail "re-run changed files: $(diff <(echo "$before") <(echo "$after"))"

# Two minutes after init: every static pod still Running, never restarted.
left=$((init_done + 120 - SECONDS))
((left > 0)) && { echo "waiting ${left}s (two minutes after init)"; sleep "$left"; }
pods | grep -E '^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)-cp1 ' >"$(harness_host_root cp1)/logs/pods.txt"
[[ $(wc -l <"$(harness_host_root cp1)/logs/pods.txt") == 4 ]] || fail "not 4 static pods: $(pods)"
! grep -v ' Running 0 ' "$(harness_host_root cp1)/logs/pods.txt" || fail "a static pod restarted or stopped"
echo "two minutes after init: 4 static pods Running, 0 restarts"
echo "PASS"
