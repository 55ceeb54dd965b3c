#!/usr/bin/env bash
# The seed guide's release: kadm's v1.20.9 etcd manifest starts Debian's etcd 3.4 (the release
# line v1.20 shipped with), which then serves the kadm-made etcd certificates with mTLS.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
[[ -x /usr/bin/etcd ]] || { echo "Debian's etcd-server is not installed" >&2; exit 77; }

harness_bin_dir >/dev/null
harness_host_up cp1 10.213.0.23
cfg=$(KADM_E2E_K8S_VERSION=v1.20.9 kadm_init_config cp1)
for phase in "certs all" "etcd local"; do
  # shellcheck disable=SC2086
  harness_exec cp1 "$KADM" init phase $phase --config "$cfg" || fail "kadm init phase $phase failed"
done
manifest=$(harness_host_root cp1)/fs/etc/kubernetes/manifests/etcd.yaml
grep -q 'image: .*etcd:3.4.13-0' "$manifest" || fail "v1.20 etcd manifest does not use etcd 3.4.13-0"
grep -q 'experimental-initial-corrupt-check\|InitialCorruptCheck' "$manifest" && fail "v1.20 manifest has etcd 3.5+ flags"

HARNESS_ETCD_BINARY=/usr/bin/etcd harness_start_static_pods cp1
healthy() {
  harness_exec cp1 env ETCDCTL_API=3 /usr/bin/etcdctl --endpoints https://127.0.0.1:2379 \
    --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt \
    --key /etc/kubernetes/pki/etcd/healthcheck-client.key endpoint health >/dev/null 2>&1
}
retry 60 healthy || { tail -20 "$(harness_host_root cp1)/logs/etcd.log" >&2; fail "etcd 3.4 did not become healthy from the v1.20 manifest"; }
# A client certificate from another CA is refused.
if harness_exec cp1 env ETCDCTL_API=3 /usr/bin/etcdctl --endpoints https://127.0.0.1:2379 \
  --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/front-proxy-client.crt \
  --key /etc/kubernetes/pki/front-proxy-client.key --command-timeout=3s endpoint health >/dev/null 2>&1; then
  fail "etcd accepted a client certificate from the front-proxy CA"
fi
echo "PASS"
