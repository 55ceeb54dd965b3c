#!/usr/bin/env bash
# Certificates and kubeconfigs from `kadm init phase certs all` + `kubeconfig all` and from real
# kubeadm's same phases, with the same config (RSA-2048 and ECDSA-P256), compared field by field
# with openssl: subject, issuer, SANs (as sets), key usage, extended key usage, basic
# constraints, validity length (within a minute), key type and size, file modes, and every
# kubeconfig's clusters/servers, contexts and users. Each tool runs in a private mount namespace
# with a scratch directory bound on /etc/kubernetes, so both use their default paths.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
SRC=${KADM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TESTS=${KADM_TESTS_DIR:-$SRC/tests}
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] && command -v unshare >/dev/null || { echo "needs root and unshare"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "needs python3-yaml"; exit 77; }
KUBEADM=$("$SRC/scripts/k8s-binaries.sh")/kubeadm
work=$(mktemp -d /tmp/kadm-interop-pki-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p /etc/kubernetes # the mount point (the harness creates it too)

# Differences accounted for in README.md, "Differences from kubeadm" (field-name substrings);
# none today. The array stays so a future, documented difference has one place to go.
explained=()

# in_etc_kubernetes DIR CMD...: runs CMD with DIR mounted on /etc/kubernetes.
in_etc_kubernetes() {
  local dir=$1; shift
  unshare -m --propagation private sh -c 'mount --bind "$0" /etc/kubernetes && exec "$@"' "$dir" "$@"
}

for algo in RSA-2048 ECDSA-P256; do
  cat >"$work/cfg-$algo.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.1.2.3
  bindPort: 6443
nodeRegistration:
  name: node1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
controlPlaneEndpoint: cp.example.internal:6443
encryptionAlgorithm: $algo
apiServer:
  certSANs: [extra.example.internal, 10.9.9.9]
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
YAML
  for tool in kadm kubeadm; do
    bin=$KADM; [[ $tool == kubeadm ]] && bin=$KUBEADM
    mkdir -p "$work/$tool-$algo"
    for phase in certs kubeconfig; do
      in_etc_kubernetes "$work/$tool-$algo" "$bin" init phase "$phase" all --config "$work/cfg-$algo.yaml" \
        >"$work/$tool-$algo.$phase.log" 2>&1 || { cat "$work/$tool-$algo.$phase.log" >&2; fail "$tool $phase all ($algo)"; }
    done
  done
  n=$(find "$work/kubeadm-$algo" -type f | wc -l)
  ((n >= 27)) || fail "kubeadm wrote only $n files for $algo"
  echo "== $algo: kadm | kubeadm"
  python3 "$TESTS/integration/lib/pki_fields.py" compare "$work/kadm-$algo" "$work/kubeadm-$algo" "${explained[@]}" ||
    fail "kadm's $algo certificates or kubeconfigs differ from kubeadm's"
  # Both trees agree, and they really use the asked-for algorithm (all leaf and CA keys).
  want='rsaEncryption 2048 bit'; [[ $algo == ECDSA-P256 ]] && want='id-ecPublicKey/prime256v1 256 bit'
  keys=$(python3 "$TESTS/integration/lib/pki_fields.py" "$work/kadm-$algo" | grep 'publicKey:')
  (($(wc -l <<<"$keys") >= 15)) || fail "too few certificates seen: $keys"
  ! grep -v "publicKey: $want\$" <<<"$keys" || fail "kadm used another key type than $want"
done
# The comparison itself must be able to fail.
if python3 "$TESTS/integration/lib/pki_fields.py" compare "$work/kadm-RSA-2048" "$work/kubeadm-ECDSA-P256" >/dev/null; then
  fail "the comparison does not see an RSA/ECDSA difference"
fi
echo PASS
