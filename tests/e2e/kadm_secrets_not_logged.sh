#!/usr/bin/env bash
# Secrets never in logs (issue 14): `kadm init --upload-certs`, `kadm token create
# --print-join-command`, a worker join and a control-plane join, all at kadm's highest verbosity
# (--v=10: trace), with every output stream captured (stdout, stderr, the NDJSON events of
# --output json). kadm writes no log file of its own; these streams are all it says. Searched
# for: the secret half of every bootstrap token in the cluster (the printed one, the one token
# create made, and the short-lived token of upload-certs that is never printed), the
# certificate key, and every base64 body line of every private key on the three nodes (the
# *.key files under /etc/kubernetes/pki, sa.key included, the keys embedded in kubeconfigs and
# the kubelet's client key).
# Allowed, because the printed join command is the product of init and token create, exactly:
# in init's human output, the two `kadm join <endpoint> --token <token> \` lines, the
# `--control-plane --certificate-key <key>` line and the key printed after "[upload-certs] Using
# certificate key:"; in init's NDJSON, the one "result" event; token create's join command line.
# Also: a control-plane join leaves /var/lib/etcd and /var/lib/kubelet 0700 (CIS 1.1.11).
# Every other line of every stream, and every stream of both joins, must contain none of them.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.81
harness_node_up cp2 10.213.0.82
harness_node_up w1 10.213.0.83
out=$(harness_host_root cp1)/logs/streams
mkdir -p "$out"
cfg=$(kadm_init_config cp1 "" "controlPlaneEndpoint: $(harness_host_addr cp1):6443")

harness_exec cp1 "$KADM" init --v=10 --config "$cfg" --upload-certs --output json "${KADM_PREFLIGHT_ARGS[@]}" \
  >"$out/init.stdout" 2>"$out/init.stderr" || { cat "$out/init.stderr" >&2; fail "kadm init failed"; }
grep -q '^\[effects\]' "$out/init.stderr" || fail "--v=10 shows no debug lines: is it the highest verbosity?"
result() { python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1][sys.argv[2]])' "$out/init.stdout" "$1"; }
token=$(result token)
cp_cmd=$(result controlPlaneJoinCommand)
key=$(grep -oE -- '--certificate-key [0-9a-f]{64}' <<<"$cp_cmd" | cut -d' ' -f2)
[[ $token =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ && -n $key ]] || fail "no token or certificate key in init's result"

harness_exec cp1 "$KADM" token create --v=10 --print-join-command --kubeconfig /etc/kubernetes/admin.conf \
  >"$out/token-create.stdout" 2>"$out/token-create.stderr" || { cat "$out/token-create.stderr" >&2; fail "token create failed"; }
# At --v=10 the debug lines share stdout with the one line that is token create's product.
[[ $(grep -c '^kadm join ' "$out/token-create.stdout") == 1 ]] || fail "token create printed no single join command"
read -r -a w_args <<<"$(grep '^kadm join ' "$out/token-create.stdout")"
[[ ${w_args[0]} == kadm && ${w_args[1]} == join ]] || fail "token create printed no join command"

harness_exec w1 "$KADM" "${w_args[@]:1}" --v=10 --output json "${KADM_PREFLIGHT_ARGS[@]}" \
  >"$out/join-worker.stdout" 2>"$out/join-worker.stderr" || { cat "$out/join-worker.stderr" >&2; fail "worker join failed"; }
read -r -a cp_args <<<"$cp_cmd"
# CIS 1.1.11 at control-plane join: the data dirs start 0755 and must end 0700.
chmod 0755 "$(harness_host_root cp2)/fs/var/lib/etcd" "$(harness_host_root cp2)/fs/var/lib/kubelet"
harness_exec cp2 "$KADM" "${cp_args[@]:1}" --v=10 --apiserver-advertise-address "$(harness_host_addr cp2)" \
  "${KADM_PREFLIGHT_ARGS[@]}" >"$out/join-cp.stdout" 2>"$out/join-cp.stderr" ||
  { cat "$out/join-cp.stderr" >&2; fail "control-plane join failed"; }
for d in var/lib/etcd var/lib/kubelet; do
  [[ $(stat -c %a "$(harness_host_root cp2)/fs/$d") == 700 ]] || fail "cp2: /$d is not 0700 after control-plane join"
done
echo "cp2: /var/lib/etcd and /var/lib/kubelet 0700 after control-plane join (were 0755)"
echo "streams: $(cd "$out" && wc -l -- * | tail -1 | awk '{print $1}') lines in $(ls "$out" | wc -l) files"

# The secrets: every bootstrap token of the cluster, the certificate key, private key bytes.
secrets=$out/../secrets.txt
: >"$secrets"
kadm_kubectl cp1 -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token \
  -o 'jsonpath={range .items[*]}{.data.token-secret}{"\n"}{end}' | while read -r s; do base64 -d <<<"$s"; echo; done >>"$secrets"
(($(wc -l <"$secrets") >= 3)) || fail "expected 3 bootstrap tokens (init, upload-certs, token create): $(wc -l <"$secrets")"
grep -qx "${token#*.}" "$secrets" || fail "init's token is not among the cluster's tokens"
echo "$key" >>"$secrets"
pem_body() { grep -v -- '-----' | grep -E '^[A-Za-z0-9+/=]{16,}$'; }
nkeys=0
for n in cp1 cp2 w1; do
  fsroot=$(harness_host_root "$n")/fs
  while IFS= read -r -d '' f; do pem_body <"$f" >>"$secrets"; nkeys=$((nkeys + 1)); done \
    < <(find "$fsroot/etc/kubernetes/pki" -name '*.key' -type f -print0)
  for f in "$fsroot"/etc/kubernetes/*.conf; do
    "$(harness_bin_dir)/kubectl" config view --kubeconfig "$f" --raw -o 'jsonpath={.users[0].user.client-key-data}' |
      base64 -d | pem_body >>"$secrets" || true
  done
  for f in "$fsroot"/var/lib/kubelet/pki/kubelet-client-2*.pem; do
    if [[ -f $f ]]; then sed -n '/PRIVATE KEY/,/PRIVATE KEY/p' "$f" | pem_body >>"$secrets"; fi
  done
done
grep -qF "$(pem_body <"$(harness_host_root cp1)/fs/etc/kubernetes/pki/sa.key" | head -1)" "$secrets" || fail "sa.key is not among the searched keys"
# An empty pattern would match every line: none may be left.
sed -i '/^$/d' "$secrets"
echo "searching for $(wc -l <"$secrets") secret strings ($nkeys key files on 3 nodes, tokens, the certificate key)"

# The allowed lines (see the top), removed with a count of each kind; then nothing may match.
python3 - "$out" "$token" "$key" <<'PY'
import os, re, sys
out, token, key = sys.argv[1:4]
def lines(name):
    return open(os.path.join(out, name), encoding="utf-8", errors="replace").read().splitlines()
def keep(name, allowed):
    """Writes NAME.searched without the allowed lines; returns how many of each were removed."""
    counts, kept, prev = {}, [], ""
    for line in lines(name):
        kind = allowed(line, prev)
        prev = line
        if kind:
            counts[kind] = counts.get(kind, 0) + 1
        else:
            kept.append(line)
    open(os.path.join(out, name + ".searched"), "w").write("\n".join(kept) + "\n")
    return counts
join_line = re.compile(r"^\s*kadm join \S+ --token " + re.escape(token) + r" \\$")
key_line = re.compile(r"^\s*--control-plane --certificate-key " + re.escape(key) + r"\s*$")
def init_human(line, prev):
    if join_line.match(line): return "join command"
    if key_line.match(line): return "control-plane flags"
    if line == key and prev == "[upload-certs] Using certificate key:": return "printed key"
    return None
def init_json(line, prev):
    return "result" if line.startswith('{"event":"result"') else None
def token_create(line, prev):
    return "join command" if re.match(r"^kadm join \S+ --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}\s*$", line) else None
expect = {
    "init.stderr": (init_human, {"join command": 2, "control-plane flags": 1, "printed key": 1}),
    "init.stdout": (init_json, {"result": 1}),
    "token-create.stdout": (token_create, {"join command": 1}),
}
for name in sorted(os.listdir(out)):
    if name.endswith(".searched"):
        continue
    allowed, want = expect.get(name, (lambda line, prev: None, {}))
    got = keep(name, allowed)
    if got != want:
        sys.exit(f"FAIL: {name}: allowed lines {got}, expected exactly {want}")
print("allowed lines: exactly the printed join commands and certificate key")
PY

# The search can find them: the raw streams do hold the printed token and key.
grep -qF "${token#*.}" "$out/init.stderr" && grep -qF "$key" "$out/init.stderr" || fail "the search would not see the printed token"
leaks=$(cd "$out" && grep -nF -f "$secrets" -- *.searched || true)
[[ -z $leaks ]] || fail "secrets in the output: $(cut -c1-200 <<<"$leaks")"
echo "no token secret, certificate key or private key bytes in $(ls "$out"/*.searched | wc -l) streams"
echo "PASS"
