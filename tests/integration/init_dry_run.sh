#!/usr/bin/env bash
# `kadm init --dry-run` runs every phase, shows what it would write (paths, modes, manifests in
# full) and writes nothing; key material never appears in the output.
set -euo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat >"$work/config.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
nodeRegistration:
  name: node1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
certificatesDir: $work/pki
YAML
out=$("$KADM" init --dry-run --config "$work/config.yaml" --ignore-preflight-errors=all \
  --skip-phases preflight --kubeconfig-dir "$work/k8s" -v 5 2>&1) || fail "dry run failed: $out"
[[ ! -e $work/pki && ! -e $work/k8s ]] || fail "dry run wrote files: $(find "$work" -newer "$work/config.yaml")"
grep -q "Would write $work/pki/ca.key (0600" <<<"$out" || fail "ca.key (0600) not announced"
grep -q "Would write $work/k8s/admin.conf (0600" <<<"$out" || fail "admin.conf not announced"
grep -q "Would write $work/k8s/manifests/kube-apiserver.yaml (0600" <<<"$out" || fail "apiserver manifest not announced"
grep -q -- '--secure-port=6443' <<<"$out" || fail "manifest contents not shown"
grep -q 'Would wait for kube-apiserver' <<<"$out" || fail "waits not announced"
if grep -qE 'PRIVATE KEY|client-key-data: [A-Za-z0-9]' <<<"$out"; then fail "key material in dry-run output"; fi

# kubeadm's rule: a skipped addon phase disables that addon, so preflight pulls no image for it
# (and the uploaded ClusterConfiguration says proxy.disabled, which upgrade apply honours).
out=$("$KADM" init --dry-run --config "$work/config.yaml" --ignore-preflight-errors=all \
  --skip-phases addon/kube-proxy --kubeconfig-dir "$work/k8s" 2>&1) || fail "dry run without kube-proxy failed: $out"
pulls=$(grep '^\[dryrun\] Would pull ' <<<"$out") || fail "no image announced: $out"
for image in pause etcd kube-apiserver kube-controller-manager kube-scheduler coredns; do
  grep -q "/$image:" <<<"$pulls" || fail "$image not announced: $pulls"
done
if grep -q 'kube-proxy' <<<"$out"; then fail "kube-proxy named although its phase is skipped: $(grep kube-proxy <<<"$out")"; fi
echo PASS
