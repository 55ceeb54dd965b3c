#!/usr/bin/env bash
# `kadm init` (RSA-2048, the default) brings up a real v1.37 control plane from its own certs,
# kubeconfigs and static-pod manifests, on the harness; a second `kadm init` converges.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_bin_dir >/dev/null
harness_host_up cp1 10.213.0.21
cfg=$(kadm_init_config cp1)
kadm_init_control_plane cp1 "$cfg"
assert_control_plane_serves cp1

root=$(harness_host_root cp1)/fs
for f in kube-apiserver kube-controller-manager kube-scheduler etcd; do
  [[ $(stat -c %a "$root/etc/kubernetes/manifests/$f.yaml") == 600 ]] || fail "$f.yaml is not 0600"
done
[[ -f $root/var/lib/kubelet/config.yaml && -f $root/var/lib/kubelet/kubeadm-flags.env ]] || fail "kubelet files missing"

# Re-running init on a running control plane reuses every file and stays healthy.
before=$(cd "$root/etc/kubernetes" && sha256sum pki/*.key pki/*.crt *.conf manifests/*.yaml)
harness_exec cp1 "$KADM" init --config "$cfg" --ignore-preflight-errors=all >"$(harness_host_root cp1)/logs/rerun.log" 2>&1 ||
  { cat "$(harness_host_root cp1)/logs/rerun.log" >&2; fail "second kadm init failed"; }
grep -q 'Using the existing "ca" certificate and key' "$(harness_host_root cp1)/logs/rerun.log" || fail "re-run did not reuse the CA"
after=$(cd "$root/etc/kubernetes" && sha256sum pki/*.key pki/*.crt *.conf manifests/*.yaml)
[[ $before == "$after" ]] || fail "re-run changed files: $(diff <(echo "$before") <(echo "$after"))"
echo "PASS"
