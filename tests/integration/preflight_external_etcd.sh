#!/usr/bin/env bash
# ExternalEtcdVersion against real etcd servers with TLS client auth on loopback: the v3.7 etcd of
# the Kubernetes v1.37 build passes for a v1.37 cluster; Debian's etcd 3.4 is refused for v1.37
# (naming the endpoint and the minimum) and accepted for kubernetesVersion v1.20.9.
# Every other check is ignored by name (taken from the machine-readable report), so the verdict
# on this host depends on ExternalEtcdVersion alone.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
command -v python3 >/dev/null || exit 77
new_etcd=${KADM_ETCD_NEW:-$HOME/.cache/kadm/k8s-v1.37.2/bin/etcd}
old_etcd=/usr/bin/etcd
[[ -x $old_etcd ]] || { echo "no Debian etcd at $old_etcd"; exit 77; }
[[ -x $new_etcd ]] || { echo "no etcd 3.7 at $new_etcd (scripts/k8s-binaries.sh builds it)"; exit 77; }
[[ $(id -u) == 0 ]] || { echo "needs root (kadm init phase preflight)"; exit 77; }

work=$(mktemp -d /tmp/kadm-ext-etcd-XXXXXX)
etcd_pid=""
stop_etcd() {
  if [[ -n $etcd_pid ]]; then
    kill "$etcd_pid" 2>/dev/null || true
    wait "$etcd_pid" 2>/dev/null || true
    etcd_pid=""
  fi
}
cleanup() { stop_etcd; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

d="$work/pki"
"$KADM" init phase certs all --cert-dir "$d" --apiserver-advertise-address 127.0.0.1 \
  --node-name node1 >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_etcd BINARY: a one-member etcd with client certificate auth; sets $endpoint.
start_etcd() {
  local bin=$1 client peer
  client=$(free_port)
  peer=$(free_port)
  while [[ $peer == "$client" ]]; do peer=$(free_port); done
  rm -rf "$work/data"
  ETCD_UNSUPPORTED_ARCH=${ETCD_UNSUPPORTED_ARCH:-} "$bin" --name node1 --data-dir "$work/data" \
    --listen-client-urls "https://127.0.0.1:$client" --advertise-client-urls "https://127.0.0.1:$client" \
    --listen-peer-urls "https://127.0.0.1:$peer" --initial-advertise-peer-urls "https://127.0.0.1:$peer" \
    --initial-cluster "node1=https://127.0.0.1:$peer" \
    --cert-file "$d/etcd/server.crt" --key-file "$d/etcd/server.key" --trusted-ca-file "$d/etcd/ca.crt" \
    --client-cert-auth \
    --peer-cert-file "$d/etcd/peer.crt" --peer-key-file "$d/etcd/peer.key" \
    --peer-trusted-ca-file "$d/etcd/ca.crt" --peer-client-cert-auth >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  endpoint="https://127.0.0.1:$client"
  for _ in $(seq 1 60); do
    if python3 - "$client" "$d" <<'PY' 2>/dev/null; then return 0; fi
import ssl, sys, urllib.request
port, d = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=f"{d}/etcd/ca.crt")
ctx.load_cert_chain(f"{d}/apiserver-etcd-client.crt", f"{d}/apiserver-etcd-client.key")
urllib.request.urlopen(f"https://127.0.0.1:{port}/version", context=ctx, timeout=2).read()
PY
    kill -0 "$etcd_pid" 2>/dev/null || { cat "$work/etcd.log" >&2; fail "etcd $bin exited"; }
    sleep 0.5
  done
  cat "$work/etcd.log" >&2
  fail "etcd $bin did not answer"
}

# write_config VERSION: an InitConfiguration with this external etcd; prints its path.
write_config() {
  local cfg="$work/kadm-$1.yaml"
  cat >"$cfg" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
nodeRegistration:
  name: node1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $1
certificatesDir: $d
etcd:
  external:
    endpoints:
    - $endpoint
    caFile: $d/etcd/ca.crt
    certFile: $d/apiserver-etcd-client.crt
    keyFile: $d/apiserver-etcd-client.key
EOF
  echo "$cfg"
}

# preflight VERSION: runs `kadm init phase preflight` ignoring every check but ExternalEtcdVersion;
# sets $out and $rc.
preflight() {
  local cfg others
  cfg=$(write_config "$1")
  others=$("$KADM" preflight --config "$cfg" -o json --ignore-preflight-errors=all 2>/dev/null |
    python3 -c 'import json,sys; print(",".join(sorted({c["check"] for c in json.load(sys.stdin)["checks"]} - {"ExternalEtcdVersion"})))')
  [[ -n $others ]] || fail "no check names in the json report"
  set +e
  out=$("$KADM" init phase preflight --config "$cfg" --ignore-preflight-errors="$others" 2>&1)
  rc=$?
  set -e
}

start=$(date +%s%N)
start_etcd "$new_etcd"
preflight v1.37.2
[[ $rc == 0 ]] || fail "etcd 3.7 refused for v1.37 (rc $rc): $out"
! grep -q 'ExternalEtcdVersion' <<<"$out" || fail "ExternalEtcdVersion reported for etcd 3.7: $out"
echo "etcd $("$new_etcd" --version | sed -n 's/etcd Version: //p') at $endpoint: accepted for v1.37.2"
stop_etcd

start_etcd "$old_etcd"
old_version=$("$old_etcd" --version | sed -n 's/etcd Version: //p')
preflight v1.37.2
[[ $rc != 0 ]] || fail "etcd $old_version accepted for v1.37: $out"
grep -q "\[ERROR ExternalEtcdVersion\]: external etcd $endpoint runs version $old_version" <<<"$out" ||
  fail "no ExternalEtcdVersion error naming $endpoint: $out"
grep -q '>= 3.5' <<<"$out" || fail "the error does not name the minimum: $out"
grep "ERROR ExternalEtcdVersion" <<<"$out"
preflight v1.20.9
[[ $rc == 0 ]] || fail "etcd $old_version refused for v1.20.9 (rc $rc): $out"
! grep -q 'ExternalEtcdVersion' <<<"$out" || fail "ExternalEtcdVersion reported for v1.20.9: $out"
echo "etcd $old_version: refused for v1.37.2, accepted for v1.20.9"

echo "done in $(( ($(date +%s%N) - start) / 1000000 )) ms"
stop_etcd
echo PASS
