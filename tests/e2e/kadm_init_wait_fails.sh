#!/usr/bin/env bash
# A control plane that the kubelet cannot get healthy makes `kadm init` fail, not succeed: the
# apiserver's --secure-port is moved through extraArgs away from the port its probes (and kadm's
# wait) use. wait-control-plane must fail within its timeout, name kube-apiserver, and show the
# end of its log (read through the node's container runtime).
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.26
timeout_s=40
cfg=$(kadm_init_config cp1 "timeouts:
  controlPlaneComponentHealthCheck: ${timeout_s}s" "apiServer:
  extraArgs:
  - name: secure-port
    value: \"6444\"")
log=$(harness_host_root cp1)/logs/kadm-init.log
start=$SECONDS
rc=0
harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || rc=$?
took=$((SECONDS - start))
cat "$log"
((rc != 0)) || fail "kadm init reported success with an apiserver its probes cannot reach"
! grep -q 'initialized successfully' "$log" || fail "kadm init printed its success text"
grep -q 'wait-control-plane' "$log" || fail "the failure does not name the wait-control-plane phase"
grep -q 'kube-apiserver' "$log" || fail "the failure does not name kube-apiserver"
# What the runtime knows: the apiserver's container and the end of its own log (klog lines).
grep -q 'its newest container .* (pod kube-apiserver-cp1' "$log" || fail "the failure does not name the apiserver's container"
grep -q 'line(s) of its log /var/log/pods/kube-system_kube-apiserver-cp1_' "$log" || fail "the failure shows no log of the apiserver"
(($(grep -cE '^[[:space:]]+[IWE][0-9]{4} [0-9:.]+ ' "$log") >= 5)) || fail "fewer than 5 of the apiserver's log lines are shown"
# The phase's own timeout plus what init does before it (the kubelet start, image pulls).
((took < timeout_s + 60)) || fail "kadm init took ${took}s with a ${timeout_s}s health-check timeout"
echo "kadm init failed after ${took}s (exit $rc), naming kube-apiserver with its log"
echo "PASS"
