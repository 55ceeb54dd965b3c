#!/usr/bin/env bash
# kadm config images pull talks CRI to --cri-socket: clear errors for a missing socket, a path that
# is not a socket, a socket nobody serves, a server that does not speak gRPC, and a non-unix
# endpoint. (The pull itself against a real containerd: cri_containerd.sh.)
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
command -v python3 >/dev/null || exit 77
tmp=$(mktemp -d /tmp/kadm-pull.XXXXXX)
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pull() { "$KADM" config images pull --kubernetes-version v1.20.9 --image-repository 127.0.0.1:1/k8s --cri-socket "$1" 2>&1; }
expect() {  # endpoint, text the error must contain
  local out
  if out=$(pull "$1"); then fail "pull through $1 succeeded: $out"; fi
  grep -qF -- "$2" <<<"$out" || fail "pull through $1: want \"$2\" in: $out"
}

expect "unix://$tmp/none.sock" "could not connect to the container runtime at unix://$tmp/none.sock: no socket at $tmp/none.sock"
: >"$tmp/file"
expect "$tmp/file" "$tmp/file is not a socket"
expect "tcp://127.0.0.1:1" "only unix:// sockets are supported"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$tmp/dead.sock"
expect "unix://$tmp/dead.sock" "could not connect to the container runtime at unix://$tmp/dead.sock"

# A server that answers HTTP/1.1 garbage instead of gRPC: an error naming the call, no crash.
python3 - "$tmp/http1.sock" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(65536)
    c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello")
    c.close()
PY
server=$!
for _ in $(seq 50); do [[ -S $tmp/http1.sock ]] && break; sleep 0.1; done
out=$(pull "unix://$tmp/http1.sock") && fail "pull through a non-gRPC server succeeded: $out"
grep -q "Version" <<<"$out" || fail "non-gRPC server: $out"
echo PASS
