#!/usr/bin/env bash
# `kadm init` with patches on a real node (`patches.directory` in the InitConfiguration: kubeadm,
# like kadm, refuses --patches next to --config; the flag is used where there is no --config).
# A json patch adds a flag to kube-apiserver, a strategic merge patch adds an environment
# variable to its container (merged by name), a kubeletconfiguration patch changes maxPods. The
# running apiserver process has the flag and the variable, its mirror pod shows the flag, and the
# running kubelet reports the patched value (configz, and the Node's pod capacity). Before that,
# patches that cannot apply stop init with exit code 3 before anything is written.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.27
root=$(harness_host_root cp1)/fs
logs=$(harness_host_root cp1)/logs
patches_config() { kadm_init_config cp1 "patches:
  directory: $1"; }

# 1. Refusals: a directory that does not exist, and a json patch whose test fails.
rc=0
harness_exec cp1 "$KADM" init phase control-plane apiserver --patches /nonexistent --dry-run \
  >"$logs/missing.log" 2>&1 || rc=$?
cat "$logs/missing.log"
((rc == 3)) || fail "--patches /nonexistent: exit $rc, want 3"
grep -q 'could not list patch files for path "/nonexistent"' "$logs/missing.log" || fail "the error does not name the directory"

mkdir -p "$root/etc/kubernetes/bad-patches"
cat >"$root/etc/kubernetes/bad-patches/kube-scheduler+json.yaml" <<'YAML'
- op: test
  path: /spec/hostNetwork
  value: false
YAML
rc=0
cfg=$(patches_config /etc/kubernetes/bad-patches)
harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" >"$logs/bad.log" 2>&1 || rc=$?
cat "$logs/bad.log"
((rc == 3)) || fail "a failing json patch: exit $rc, want 3"
grep -q 'bad-patches/kube-scheduler+json.yaml' "$logs/bad.log" || fail "the error does not name the patch file"
[[ ! -e $root/etc/kubernetes/pki && ! -e $root/etc/kubernetes/manifests/kube-apiserver.yaml ]] ||
  fail "init wrote files before refusing the patch: $(ls -R "$root/etc/kubernetes")"
echo "refusals: exit 3 naming the directory / the file, nothing written"

# 2. The real thing.
patches=$root/etc/kubernetes/patches
mkdir -p "$patches"
cat >"$patches/kube-apiserver+json.yaml" <<'YAML'
- op: add
  path: /spec/containers/0/command/-
  value: --event-ttl=2h0m0s
YAML
cat >"$patches/kube-apiserver0.yaml" <<'YAML'
spec:
  containers:
  - name: kube-apiserver
    env:
    - name: KADM_PATCHED
      value: "yes"
YAML
cat >"$patches/kubeletconfiguration.yaml" <<'YAML'
maxPods: 57
YAML
echo "not a patch" >"$patches/README.md"

log=$logs/kadm-init.log
cfg=$(patches_config /etc/kubernetes/patches)
if ! harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  harness_node_diagnose cp1 >&2
  fail "kadm init with patches failed"
fi
cat "$log"
for line in \
  '[patches] Reading patches from path "/etc/kubernetes/patches"' \
  '[patches] Ignoring file "README.md": the file extension must be one of [json yaml]' \
  '[patches] Applied patch of type "application/json-patch+json" to target "kube-apiserver"' \
  '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kube-apiserver"' \
  '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kubeletconfiguration"'; do
  grep -qF "$line" "$log" || fail "init did not print: $line"
done
grep -q -- '- --event-ttl=2h0m0s' "$root/etc/kubernetes/manifests/kube-apiserver.yaml" || fail "manifest lacks the patched flag"
grep -q '^maxPods: 57$' "$root/var/lib/kubelet/config.yaml" || fail "config.yaml lacks maxPods: 57"
! grep -q 'event-ttl' "$root/etc/kubernetes/manifests/kube-controller-manager.yaml" || fail "the patch leaked into another manifest"

kadm_wait_node_ready cp1 cp1 120

# The running apiserver process (in the node's PID namespace): its command line and environment.
apiserver_args() {
  local pid
  pid=$(harness_exec cp1 pgrep -x kube-apiserver | head -1) || return 1
  [[ -n $pid ]] || return 1
  harness_exec cp1 cat "/proc/$pid/cmdline" | tr '\0' '\n' >"$logs/apiserver.cmdline"
  harness_exec cp1 cat "/proc/$pid/environ" | tr '\0' '\n' >"$logs/apiserver.environ"
}
retry 60 apiserver_args || fail "no kube-apiserver process on cp1"
grep -qx -- '--event-ttl=2h0m0s' "$logs/apiserver.cmdline" || fail "the running apiserver lacks --event-ttl=2h0m0s: $(cat "$logs/apiserver.cmdline")"
grep -qx 'KADM_PATCHED=yes' "$logs/apiserver.environ" || fail "the running apiserver lacks KADM_PATCHED=yes"
echo "running kube-apiserver: --event-ttl=2h0m0s and KADM_PATCHED=yes"

mirror_cmd() {
  kadm_kubectl cp1 -n kube-system get pod kube-apiserver-cp1 -o 'jsonpath={.spec.containers[0].command}' 2>/dev/null
}
mirror_has_flag() { mirror_cmd | grep -q -- '--event-ttl=2h0m0s'; }
retry 60 mirror_has_flag || fail "mirror pod kube-apiserver-cp1 lacks the flag: $(mirror_cmd)"
echo "mirror pod kube-apiserver-cp1 shows --event-ttl=2h0m0s"

# The running kubelet's configuration, as it reports it.
configz=$(kadm_kubectl cp1 get --raw /api/v1/nodes/cp1/proxy/configz) || fail "configz unreachable"
[[ $configz == *'"maxPods":57'* ]] || fail "the kubelet's configz does not show maxPods 57: $configz"
capacity=$(kadm_kubectl cp1 get node cp1 -o 'jsonpath={.status.capacity.pods}')
[[ $capacity == 57 ]] || fail "node cp1 reports pod capacity $capacity, want 57"
echo "kubelet: configz maxPods 57, Node capacity pods 57"
echo "PASS"
