#!/usr/bin/env bash
# `kadm init` with ECDSA-P256 keys everywhere and a DNS controlPlaneEndpoint: the real control
# plane starts from those files, and the kubeconfigs point where kubeadm's would.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.22
# The endpoint name resolves through the hosts file every test host shares.
printf '%s\t%s\n' "$(harness_host_addr cp1)" cp.kadm.test >>"$HARNESS_RUN_DIR/hosts.txt"
cfg=$(kadm_init_config cp1 "" "controlPlaneEndpoint: cp.kadm.test:6443
encryptionAlgorithm: ECDSA-P256")
kadm_init_control_plane cp1 "$cfg"
assert_control_plane_serves cp1

root=$(harness_host_root cp1)/fs/etc/kubernetes
for key in pki/ca.key pki/apiserver.key pki/etcd/server.key pki/sa.key; do
  grep -q 'BEGIN EC PRIVATE KEY' "$root/$key" || fail "$key is not an EC key"
done
openssl x509 -in "$root/pki/apiserver.crt" -noout -text | grep -q 'DNS:cp.kadm.test' || fail "apiserver cert lacks the endpoint name"
grep -q 'server: https://cp.kadm.test:6443' "$root/admin.conf" || fail "admin.conf does not use the endpoint"
grep -q "server: https://$(harness_host_addr cp1):6443" "$root/scheduler.conf" || fail "scheduler.conf does not use the local endpoint"
harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw /version >/dev/null || fail "admin.conf cannot reach the API through the endpoint name"
echo "PASS"
