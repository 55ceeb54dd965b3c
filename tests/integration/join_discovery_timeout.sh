#!/usr/bin/env bash
# `timeouts.discovery` bounds the whole of discovery: against an endpoint that accepts TCP but
# never answers TLS, `kadm join` gives up after about the timeout (3 s), not after the timeout
# plus a last full-length attempt. Token discovery and file discovery; only an upper bound is
# asserted. Dry run, preflight skipped: nothing on this machine is touched.
set -uo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 77; }
work=$(mktemp -d)
listener_pid=
cleanup() {
  [[ -n $listener_pid ]] && kill "$listener_pid" 2>/dev/null && wait "$listener_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The silent endpoint: listen, never accept (the kernel completes connections into the backlog).
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$work/port" &
listener_pid=$!
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
port=$(cat "$work/port")
[[ -n $port ]] || { echo "FAIL: the silent listener did not start" >&2; exit 1; }

timeouts='timeouts:
  discovery: 3s'
cat >"$work/token.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 127.0.0.1:$port
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
nodeRegistration:
  name: silent-test
$timeouts
YAML
cat >"$work/cluster-info.yaml" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: ""
  cluster:
    server: https://127.0.0.1:$port
YAML
cat >"$work/file.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  file:
    kubeConfigPath: $work/cluster-info.yaml
  tlsBootstrapToken: abcdef.0123456789abcdef
nodeRegistration:
  name: silent-test
$timeouts
YAML

for kind in token file; do
  start=$(date +%s%N)
  out=$("$KADM" join --config "$work/$kind.yaml" --dry-run --skip-phases preflight 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  ((rc != 0)) || fail "$kind discovery against a silent endpoint succeeded: $out"
  grep -qE 'within 3s' <<<"$out" || fail "$kind: no timeout message: $out"
  # 3 s plus generous slack for process start and a loaded machine; an attempt of its own
  # (5 s) on top of the timeout would exceed it.
  ((ms < 4800)) || fail "$kind discovery took $ms ms for a 3s timeout"
  ((ms >= 2500)) || fail "$kind discovery gave up early ($ms ms): $out"
  echo "$kind discovery against a silent endpoint: exit $rc after $ms ms"
done
((failures == 0)) || exit 1
echo PASS
