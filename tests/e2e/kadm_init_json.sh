#!/usr/bin/env bash
# `kadm init --output json` on the harness: stdout carries only JSON lines (a started/finished
# pair per phase, then a result whose join command pins the real CA), human text goes to stderr.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.61
addr=$(harness_host_addr cp1)
logs=$(harness_host_root cp1)/logs
cfg=$(kadm_init_config cp1)

harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" --output json \
  >"$logs/init.json" 2>"$logs/init.err" || { cat "$logs/init.err" "$logs/init.json" >&2; fail "kadm init failed"; }

python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$logs/init.json" ||
  fail "stdout has a line that is not JSON: $(cat "$logs/init.json")"
grep -q '^\[certs\]' "$logs/init.err" || fail "human phase text is not on stderr"
grep -q 'initialized successfully' "$logs/init.err" || fail "the join instructions are not on stderr"

hash=$(harness_exec cp1 sh -c 'openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex' | sed 's/.*= //')
python3 - "$logs/init.json" "$hash" "$addr" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
want_hash, addr = "sha256:" + sys.argv[2], sys.argv[3]
def die(msg):
    sys.exit("FAIL: " + msg)
started = [e["phase"] for e in events if e["event"] == "phase-started"]
finished = [e["phase"] for e in events if e["event"] == "phase-finished"]
if started != finished:
    die(f"started/finished phases differ: {started} vs {finished}")
for p in ["preflight", "certs/ca", "kubeconfig/admin", "etcd/local", "control-plane/apiserver",
          "wait-control-plane", "mark-control-plane", "bootstrap-token", "show-join-command"]:
    if p not in started:
        die(f"no events for phase {p}: {started}")
for e in events:
    if e["event"] == "phase-started" and not e["time"].endswith("Z"):
        die(f"time is not RFC 3339 UTC: {e}")
    if e["event"] == "phase-finished" and not isinstance(e["durationMs"], int):
        die(f"durationMs is not an integer: {e}")
last = events[-1]
if last["event"] != "result":
    die(f"last event is not the result: {last}")
if last["caCertHashes"] != [want_hash]:
    die(f"caCertHashes {last['caCertHashes']} != openssl's {want_hash}")
want = f"kadm join {addr}:6443 --token {last['token']} --discovery-token-ca-cert-hash {want_hash}"
if last["joinCommand"] != want:
    die(f"joinCommand {last['joinCommand']!r} != {want!r}")
if last["controlPlaneEndpoint"] != f"{addr}:6443" or last["kubeconfig"] != "/etc/kubernetes/admin.conf":
    die(f"result endpoint/kubeconfig wrong: {last}")
if not last["kubernetesVersion"].startswith("v1."):
    die(f"kubernetesVersion: {last}")
print(f"{len(started)} phases, result ok")
PY
echo "kadm init --output json: ok"
