#!/usr/bin/env bash
# The harness runs a real control plane from the static pod manifests real kubeadm writes:
# one host, kubeadm's certs/kubeconfig/etcd/control-plane phases inside it, the static pod
# runner playing the kubelet, then the cluster answers as kubeadm's would.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/harness/lib.sh"
source "$TESTS_DIR/harness/kubeadm.sh"
harness_can_run || exit 77
harness_trap_cleanup

fail() { echo "FAIL: $*" >&2; exit 1; }
kubectl_admin() { harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
# retry SECONDS CMD...: polls CMD every 250 ms until it succeeds or SECONDS pass.
retry() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.25; done
}

harness_bin_dir >/dev/null
harness_host_up cp1 10.213.0.11
harness_kubeadm_control_plane cp1

start=$(date +%s%N)
harness_start_static_pods cp1
harness_wait_control_plane cp1 120
echo "control plane healthy $((($(date +%s%N) - start) / 1000000)) ms after the runner started"

readyz_ok() {
  local out
  out=$(kubectl_admin get --raw '/readyz?verbose' 2>&1) || return 1
  grep -q '^readyz check passed' <<<"$out" && ! grep -q '^\[-\]' <<<"$out" || return 1
  (($(grep -c '^\[+\]' <<<"$out") >= 10)) || fail "readyz lists too few checks: $out"
  echo "$out" >"$(harness_host_root cp1)/readyz.txt"
}
retry 30 readyz_ok || { kubectl_admin get --raw '/readyz?verbose' >&2 || true; fail "readyz did not pass every check"; }
echo "readyz: $(grep -c '^\[+\]' "$(harness_host_root cp1)/readyz.txt") checks passed"

# Real `kubeadm init` binds admin.conf's group to cluster-admin with super-admin.conf once the API
# server is up (its later phases need a client); the single phases run here do not, so do it alike.
harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/super-admin.conf create clusterrolebinding \
  kubeadm:cluster-admins --clusterrole=cluster-admin --group=kubeadm:cluster-admins >/dev/null

leases_held() {
  local out
  out=$(kubectl_admin get lease -n kube-system kube-scheduler kube-controller-manager \
    -o jsonpath='{range .items[*]}{.metadata.name}={.spec.holderIdentity}{"\n"}{end}' 2>/dev/null) || return 1
  grep -Eq '^kube-scheduler=cp1_.+' <<<"$out" && grep -Eq '^kube-controller-manager=cp1_.+' <<<"$out" || return 1
  echo "$out"
}
retry 30 leases_held || fail "scheduler and controller-manager do not hold their leases"
echo "leases held $((($(date +%s%N) - start) / 1000000)) ms after the runner started"

whoami=$(kubectl_admin auth whoami -o json)
"$HARNESS_PYTHON" - "$whoami" <<'PY' || fail "admin.conf is not kubernetes-admin in kubeadm:cluster-admins: $whoami"
import json, sys
info = json.loads(sys.argv[1])["status"]["userInfo"]
assert info["username"] == "kubernetes-admin", info
assert "kubeadm:cluster-admins" in info.get("groups", []), info
PY

# Teardown leaves no control plane process of this run behind.
harness_host_down cp1
for pid in $(pgrep -f '(^|/)(etcd|kube-apiserver|kube-controller-manager|kube-scheduler) ' || true); do
  grep -qzx "KADM_HARNESS_RUN=$HARNESS_RUN_ID" "/proc/$pid/environ" 2>/dev/null &&
    fail "process $pid of this run survived teardown: $(ps -o args= -p "$pid")"
done
echo "PASS: kubeadm-written control plane runs under the harness"
