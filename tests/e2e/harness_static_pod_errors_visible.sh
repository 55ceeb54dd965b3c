#!/usr/bin/env bash
# The static pod runner does not hide a wrong manifest: a flag the real kube-scheduler does not
# know makes it exit, and the control plane wait fails early, names kube-scheduler and shows
# the binary's own complaint.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/harness/lib.sh"
source "$TESTS_DIR/harness/kubeadm.sh"
harness_can_run || exit 77
harness_trap_cleanup

fail() { echo "FAIL: $*" >&2; exit 1; }

harness_bin_dir >/dev/null
harness_host_up cp1 10.213.0.11
harness_kubeadm_control_plane cp1
manifest=$(harness_host_root cp1)/fs/etc/kubernetes/manifests/kube-scheduler.yaml
sed -i 's/^\(\s*\)- --leader-elect=true$/&\n\1- --bogus-flag=1/' "$manifest"
grep -q -- '- --bogus-flag=1' "$manifest" || fail "could not add the bogus flag to $manifest"

harness_start_static_pods cp1
start=$SECONDS
if out=$(harness_wait_control_plane cp1 60 2>&1); then
  fail "the wait passed although kube-scheduler cannot start: $out"
fi
echo "$out"
grep -q 'UNHEALTHY kube-scheduler' <<<"$out" || fail "the wait did not name kube-scheduler"
grep -q 'unknown flag: --bogus-flag' <<<"$out" || fail "the wait did not show the scheduler's complaint"
if grep -q 'UNHEALTHY kube-apiserver' <<<"$out" && ! grep -q 'UNHEALTHY kube-scheduler' <<<"$out"; then
  fail "blamed the wrong component"
fi
((SECONDS - start < 60)) || fail "the wait did not give up early on a crash-looping component"
echo "PASS: wait failed after $((SECONDS - start))s naming kube-scheduler"
