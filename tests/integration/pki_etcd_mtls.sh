#!/usr/bin/env bash
# A real etcd serving with the etcd/server + etcd/peer certificates of kadm and client-cert-auth
# accepts the apiserver-etcd-client and healthcheck-client certificates and refuses a client
# certificate from another CA.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
[[ -x /usr/bin/etcd && -x /usr/bin/etcdctl ]] || exit 77
command -v python3 >/dev/null || exit 77
# Skipped until `kadm init phase ...` is wired (CLI11 prints the root help for an unknown command,
# so look for "init" among the listed subcommands).
if ! "$KADM" init --help >/dev/null 2>&1 || ! "$KADM" --help 2>&1 | grep -Eq '^ +init( |$)'; then
  echo "init phases not wired yet"
  exit 77
fi

work=$(mktemp -d)
etcd_pid=""
cleanup() {
  if [[ -n $etcd_pid ]]; then kill "$etcd_pid" 2>/dev/null || true; wait "$etcd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
d="$work/pki"
"$KADM" init phase certs all --cert-dir "$d" --apiserver-advertise-address 127.0.0.1 --node-name node1 >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
client_port=$(free_port)
peer_port=$(free_port)
while [[ $peer_port == "$client_port" ]]; do peer_port=$(free_port); done

ETCD_UNSUPPORTED_ARCH=${ETCD_UNSUPPORTED_ARCH:-} /usr/bin/etcd --name node1 --data-dir "$work/data" \
  --listen-client-urls "https://127.0.0.1:$client_port" --advertise-client-urls "https://127.0.0.1:$client_port" \
  --listen-peer-urls "https://127.0.0.1:$peer_port" --initial-advertise-peer-urls "https://127.0.0.1:$peer_port" \
  --initial-cluster "node1=https://127.0.0.1:$peer_port" \
  --cert-file "$d/etcd/server.crt" --key-file "$d/etcd/server.key" --trusted-ca-file "$d/etcd/ca.crt" \
  --client-cert-auth \
  --peer-cert-file "$d/etcd/peer.crt" --peer-key-file "$d/etcd/peer.key" --peer-trusted-ca-file "$d/etcd/ca.crt" \
  --peer-client-cert-auth >"$work/etcd.log" 2>&1 &
etcd_pid=$!

ctl() {
  ETCDCTL_API=3 /usr/bin/etcdctl --endpoints "https://127.0.0.1:$client_port" --cacert "$d/etcd/ca.crt" \
    --dial-timeout 3s --command-timeout 5s "$@"
}
for _ in $(seq 1 60); do
  if ctl --cert "$d/etcd/healthcheck-client.crt" --key "$d/etcd/healthcheck-client.key" endpoint health >/dev/null 2>&1; then
    break
  fi
  kill -0 "$etcd_pid" 2>/dev/null || { cat "$work/etcd.log" >&2; echo "FAIL: etcd exited" >&2; exit 1; }
  sleep 0.5
done

ctl --cert "$d/etcd/healthcheck-client.crt" --key "$d/etcd/healthcheck-client.key" endpoint health \
  || { echo "FAIL: healthcheck-client refused" >&2; exit 1; }
ctl --cert "$d/apiserver-etcd-client.crt" --key "$d/apiserver-etcd-client.key" put kadm-key kadm-value >/dev/null \
  || { echo "FAIL: apiserver-etcd-client refused" >&2; exit 1; }
[[ $(ctl --cert "$d/apiserver-etcd-client.crt" --key "$d/apiserver-etcd-client.key" get kadm-key --print-value-only) == kadm-value ]] \
  || { echo "FAIL: read back" >&2; exit 1; }
if ctl --cert "$d/front-proxy-client.crt" --key "$d/front-proxy-client.key" get kadm-key >/dev/null 2>&1; then
  echo "FAIL: etcd accepted a client certificate from the front-proxy CA" >&2
  exit 1
fi
echo PASS
