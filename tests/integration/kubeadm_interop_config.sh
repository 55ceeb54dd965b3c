#!/usr/bin/env bash
# Config files cross between the tools: kadm's printed defaults pass real kubeadm's
# `config validate`, and kubeadm's printed init/join defaults pass kadm's.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
SRC=${KADM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
KUBEADM=$("$SRC/scripts/k8s-binaries.sh")/kubeadm
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for kind in init join; do
  "$KADM" config print "$kind-defaults" >"$work/kadm-$kind.yaml"
  out=$("$KUBEADM" config validate --config "$work/kadm-$kind.yaml" 2>&1) ||
    fail "kubeadm rejects kadm's $kind-defaults: $out"$'\n'"$(cat "$work/kadm-$kind.yaml")"
  grep -qx ok <<<"$out" || fail "kubeadm did not say ok for kadm's $kind-defaults: $out"
  # Warnings (e.g. an unknown field) would mean kadm prints something kubeadm does not know.
  ! grep -qi 'unknown field\|deprecated' <<<"$out" || fail "kubeadm warns on kadm's $kind-defaults: $out"
  echo "kubeadm config validate: kadm $kind-defaults ok"

  "$KUBEADM" config print "$kind-defaults" >"$work/kubeadm-$kind.yaml"
  out=$("$KADM" config validate --config "$work/kubeadm-$kind.yaml" 2>&1) ||
    fail "kadm rejects kubeadm's $kind-defaults: $out"$'\n'"$(cat "$work/kubeadm-$kind.yaml")"
  grep -qx ok <<<"$out" || fail "kadm did not say ok for kubeadm's $kind-defaults: $out"
  ! grep -qi 'unknown field' <<<"$out" || fail "kadm warns on kubeadm's $kind-defaults: $out"
  echo "kadm config validate: kubeadm $kind-defaults ok"
done

# The two tools' defaults agree on the cluster's identity (version, subnet, certificate
# directory, name), value for value.
for field in kubernetesVersion serviceSubnet certificatesDir clusterName; do
  ours=$(grep -m1 "^ *$field:" "$work/kadm-init.yaml") || fail "kadm's init-defaults lacks $field"
  theirs=$(grep -m1 "^ *$field:" "$work/kubeadm-init.yaml") || fail "kubeadm's init-defaults lacks $field"
  [[ $ours == "$theirs" ]] || fail "init-defaults differ on $field: kadm '$ours', kubeadm '$theirs'"
done
echo PASS
