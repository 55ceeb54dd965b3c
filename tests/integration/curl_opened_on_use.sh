#!/usr/bin/env bash
# libcurl is opened when kadm first speaks HTTP, not at process start (src/http/curl_library.cpp):
# a run without HTTP never maps it, and a missing or broken libcurl is an error that names it and
# the package to install, for the commands that need it only.
set -euo pipefail
[[ -x ${KADM:-} ]] || { echo "KADM must point at the kadm binary" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if readelf -d "$KADM" | grep -q 'NEEDED.*libcurl'; then fail "kadm still links libcurl at start"; fi
LD_DEBUG=libs "$KADM" version >/dev/null 2>"$work/libs"
grep -q 'libcurl' "$work/libs" && fail "'kadm version' loaded libcurl"
LD_DEBUG=libs "$KADM" init phase certs ca --cert-dir "$work/pki" >/dev/null 2>"$work/libs"
grep -q 'libcurl' "$work/libs" && fail "'init phase certs ca' loaded libcurl"

# A command that talks to an API server does load it, and does talk: nothing listens on the
# port, so the error is curl's refused connection (the request was made).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}
  name: c
contexts:
- context: {cluster: c, user: u}
  name: x
current-context: x
users:
- name: u
  user: {token: abcdef.0123456789abcdef}
YAML
LD_DEBUG=libs timeout 3 "$KADM" token list --kubeconfig "$work/kubeconfig" >/dev/null 2>"$work/libs" || true
grep -q 'calling init: .*libcurl.so.4' "$work/libs" || fail "'token list' did not open libcurl"

# An unusable libcurl: the runs that need no HTTP still work; the others fail at once, naming it.
mkdir "$work/broken" && : >"$work/broken/libcurl.so.4"
LD_LIBRARY_PATH=$work/broken "$KADM" version >/dev/null || fail "version needs libcurl"
set +e
LD_LIBRARY_PATH=$work/broken timeout 60 "$KADM" token list --kubeconfig "$work/kubeconfig" \
  >"$work/out" 2>&1
rc=$?
set -e
((rc != 0 && rc != 124)) || fail "token list without a usable libcurl exited $rc"
grep -q 'cannot load libcurl.so.4.*install Debian.s libcurl4 package' "$work/out" ||
  fail "the error does not name libcurl and its package: $(cat "$work/out")"
echo "curl_opened_on_use: ok"
