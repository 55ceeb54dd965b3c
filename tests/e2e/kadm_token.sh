#!/usr/bin/env bash
# `kadm token create|list|delete` against a live kadm control plane, side by side with real
# kubeadm: each lists, and deletes, the other's tokens with identical output; the join line's
# CA hash is openssl's; bad input and an unreachable API server fail fast with a reason.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
unset KUBECONFIG KADM_KUBECONFIG

harness_node_up cp1 10.213.0.41
cfg=$(kadm_init_config cp1)
kadm_init_control_plane cp1 "$cfg" >/dev/null
root=$(harness_host_root cp1)/fs
# kadm init bound admin.conf's group to cluster-admin; the token commands below use admin.conf.
kadm_kubectl cp1 get clusterrolebinding kubeadm:cluster-admins >/dev/null ||
  fail "kadm init did not create ClusterRoleBinding kubeadm:cluster-admins"

KC=/etc/kubernetes/admin.conf
out=$(harness_host_root cp1)/logs/token # removed with the run's hosts (holds token secrets)
mkdir -p "$out"
kx() { harness_exec cp1 "$KADM" token "$@" --kubeconfig "$KC"; }
ku() { harness_exec cp1 kubeadm token "$@" --kubeconfig "$KC"; }
listed() { grep -q "^$2 " <<<"$1"; }

# --- create: kadm's token seen by kubeadm, kubeadm's by kadm ----------------------------------
T1=abcdef.0123456789abcdef
T2=123456.aabbccddeeffgghh
[[ $(kx create $T1 --ttl 2h --description "made by kadm" --groups system:bootstrappers:e2e) == "$T1" ]] ||
  fail "kadm token create did not print the token"
ku create $T2 --ttl 0 --usages authentication >/dev/null
kx create --usages signing --ttl 30m >"$out/generated"
T3=$(cat "$out/generated")
[[ $T3 =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || fail "generated token malformed"

kl=$(kx list); ul=$(ku list)
for t in $T1 $T2 $T3; do
  listed "$kl" "$t" || fail "kadm token list misses $t: $kl"
  listed "$ul" "$t" || fail "kubeadm token list misses $t: $ul"
done
[[ $kl == "$ul" ]] || fail "token list text differs from kubeadm's:
$(diff <(echo "$ul") <(echo "$kl"))"
grep -q "^$T2 *<forever> *<never> *authentication " <<<"$kl" || fail "TTL 0 token not <forever>: $kl"
echo "token list text: identical to kubeadm's ($(wc -l <<<"$kl") lines)"

same_objects() {  # FORMAT: kadm's and kubeadm's -o FORMAT hold the same objects
  "$HARNESS_PYTHON" - "$1" "$2" "$3" <<'PY'
import json, sys, yaml
fmt, a, b = sys.argv[1:]
def objs(text):
    if fmt == "yaml":
        return [d for d in yaml.safe_load_all(text) if d]
    dec, i, out = json.JSONDecoder(), 0, []
    text = text.strip()
    while i < len(text):
        o, i = dec.raw_decode(text, i)
        out.append(o)
        while i < len(text) and text[i].isspace(): i += 1
    return out
ka, ku = objs(a), objs(b)
assert ka == ku, f"kadm {ka}\nkubeadm {ku}"
assert all(o["kind"] == "BootstrapToken" and o["apiVersion"] == "output.kubeadm.k8s.io/v1alpha3" for o in ka)
print(len(ka))
PY
}
for f in json yaml; do
  ka=$(kx list -o $f 2>&1) || fail "kadm token list -o $f: $ka"
  kb=$(ku list -o $f 2>&1) || fail "kubeadm token list -o $f: $kb"
  n=$(same_objects $f "$ka" "$kb") || fail "token list -o $f differs from kubeadm's"
  [[ $ka == "$kb" ]] || fail "token list -o $f: same objects, other bytes than kubeadm's:
$(diff <(echo "$kb") <(echo "$ka"))"
  echo "token list -o $f: byte-identical to kubeadm's ($n objects)"
done

# --- delete across tools -------------------------------------------------------------------------
ku delete ${T1%%.*} >/dev/null
[[ $(kx delete $T2) == "bootstrap token \"${T2%%.*}\" deleted" ]] || fail "kadm delete output"
kx delete ${T3%%.*} >/dev/null
kl=$(kx list); ul=$(ku list)
for t in $T1 $T2 $T3; do
  ! listed "$kl" "$t" && ! listed "$ul" "$t" || fail "$t still listed after delete"
done
echo "delete: kubeadm deletes kadm's token and kadm deletes kubeadm's"

# --- join command ------------------------------------------------------------------------------
want="sha256:$(openssl x509 -pubkey -noout -in "$root/etc/kubernetes/pki/ca.crt" |
  openssl pkey -pubin -outform der | openssl dgst -sha256 | sed 's/^.* //')"
line=$(kx create --print-join-command)
tok=$(awk '{print $5}' <<<"$line")
[[ $line == "kadm join 10.213.0.41:6443 --token $tok --discovery-token-ca-cert-hash $want " ]] ||
  fail "join line wrong: '$line' (want hash $want)"
kline=$(ku create --print-join-command)
ktok=$(awk '{print $5}' <<<"$kline")
[[ ${kline/#kubeadm/kadm} == "${line//$tok/$ktok}" ]] || fail "join line shape differs: '$kline' vs '$line'"
key=$(printf '%064d' 7)
mapfile -t lines < <(kx create --print-join-command --certificate-key "$key")
((${#lines[@]} == 2)) || fail "want worker and control-plane lines: ${lines[*]}"
[[ ${lines[1]} == "${lines[0]}--control-plane --certificate-key $key" ]] || fail "control-plane line: ${lines[1]}"
echo "join: hash $want matches openssl; line shape equals kubeadm's"

# --- errors: one-line reason, non-zero exit, nothing created ------------------------------------
before=$(kx list | wc -l)
expect_fail() {  # WHAT PATTERN CMD...
  local what=$1 pat=$2; shift 2
  if "$@" >"$out/o" 2>"$out/e"; then fail "$what succeeded"; fi
  head -1 "$out/e" | grep -q "^error: .*$pat" || fail "$what: unclear reason: $(cat "$out/e")"
  echo "$what: $(head -1 "$out/e")"
}
expect_fail "bad token" "token" kx create abcdef.NOTVALIDNOTVALID
grep -q NOTVALID "$out/e" && fail "the rejected token's secret was echoed"
expect_fail "bad usage" "usage string: bogus" kx create --usages signing,bogus
expect_fail "bad group" "system:masters" kx create --groups system:masters
expect_fail "bad ttl" "ttl" kx create --ttl soon
expect_fail "cert key alone" "without --print-join-command" kx create --certificate-key "$key"
expect_fail "bad delete arg" "didn't match pattern" kx delete nope
expect_fail "bad output" "output format" kx list -o wide
[[ $(kx list | wc -l) == "$before" ]] || fail "a rejected create changed the token list"
if harness_exec cp1 "$KADM" token >/dev/null 2>&1; then fail "'kadm token' alone succeeded"; fi

# Secrets stay out of logs even at the highest verbosity.
tok=$(harness_exec cp1 "$KADM" token create --kubeconfig "$KC" --v=10 2>"$out/verbose")
grep -q "${tok#*.}" "$out/verbose" && fail "token secret logged"
# A malformed token Secret is reported and skipped; the others still list.
harness_exec cp1 kubectl --kubeconfig "$KC" -n kube-system create secret generic bootstrap-token-zzzzzz \
  --type=bootstrap.kubernetes.io/token --from-literal=token-id=zzzzzz --from-literal=token-secret=BAD >/dev/null
kx list >"$out/o" 2>"$out/e" || fail "list failed on a malformed Secret"
grep -q "bootstrap-token-zzzzzz" "$out/e" && grep -q "^${tok} " "$out/o" || fail "malformed Secret not reported/skipped"
grep -q "BAD" "$out/e" && fail "malformed Secret's value echoed"
echo "malformed Secret: $(head -1 "$out/e")"

# --- unreachable API server: a clear error within the timeout -----------------------------------
sed 's#server: .*#server: https://127.0.0.1:1#' "$root/etc/kubernetes/admin.conf" >"$root/etc/kubernetes/closed.conf"
start=$(date +%s%N)
expect_fail "closed port" "did not answer" harness_exec cp1 "$KADM" token list --kubeconfig /etc/kubernetes/closed.conf --timeout 3s
(($(ms_since "$start") < 15000)) || fail "unreachable server took $(ms_since "$start") ms"
# $KUBECONFIG is honoured when --kubeconfig is absent.
expect_fail "KUBECONFIG" "closed.conf" harness_exec cp1 env KUBECONFIG=/etc/kubernetes/closed.conf "$KADM" token list --timeout 2s
echo "PASS"
