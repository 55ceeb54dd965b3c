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
echo PASS
