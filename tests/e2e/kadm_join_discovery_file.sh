#!/usr/bin/env bash
# File discovery on a kadm control plane: (a) a worker joins with the cluster-info kubeconfig as
# --discovery-file plus --tls-bootstrap-token; (b) another downloads it from an https:// URL
# whose server is trusted only through that host's own system roots (a throwaway CA added to a
# CA bundle bind-mounted inside the host, never the machine's); (c) a discovery file with the
# right server but a wrong CA and (d) one without credentials and without --tls-bootstrap-token
# are refused with a clear message, exit != 0 and nothing written.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
command -v openssl >/dev/null || exit 77
test_start=$SECONDS

system_bundle=/etc/ssl/certs/ca-certificates.crt
[[ -f $system_bundle ]] || { echo "no $system_bundle on this machine" >&2; exit 77; }
bundle_sum=$(sha256sum "$system_bundle")

harness_node_up cp1 10.213.0.71
harness_node_up w1 10.213.0.72
harness_node_up w2 10.213.0.73
harness_node_up w3 10.213.0.74
kadm_join_ready_control_plane cp1

token=$(kadm_init_worker_join_command cp1 | sed -n 's/.*--token \([a-z0-9]*\.[a-z0-9]*\).*/\1/p')
[[ -n $token ]] || fail "no token in the join command kadm init printed"
# Files shared by the hosts (their mount namespaces see the same /tmp).
dir=$HARNESS_RUN_DIR/discovery
mkdir -p "$dir"
kadm_kubectl cp1 -n kube-public get cm cluster-info -o 'jsonpath={.data.kubeconfig}' >"$dir/cluster-info.yaml"
grep -q 'server: https://10.213.0.71:6443' "$dir/cluster-info.yaml" || fail "unexpected cluster-info: $(cat "$dir/cluster-info.yaml")"

# assert_joined NAME LOG: kubelet.conf is the node's own identity, the CA is the cluster's.
assert_joined() {
  local w=$1 log=$2 root who
  grep -q 'This node has joined the cluster' "$log" || { cat "$log" >&2; fail "no success text on $w"; }
  root=$(harness_host_root "$w")/fs
  cmp -s "$root/etc/kubernetes/pki/ca.crt" "$(harness_host_root cp1)/fs/etc/kubernetes/pki/ca.crt" || fail "$w: ca.crt is not the cluster CA"
  who=$(harness_exec "$w" kubectl --kubeconfig /etc/kubernetes/kubelet.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
  [[ $who == "system:node:$w "*system:nodes* ]] || fail "$w: kubelet.conf authenticates as '$who'"
  echo "$w: kubelet.conf is $who"
}

# expect_refused NAME PATTERN JOIN-ARGS...: the join fails, says PATTERN, writes nothing.
expect_refused() {
  local w=$1 pattern=$2 log before rc=0
  shift 2
  log=$(harness_host_root "$w")/logs/refused.log
  before=$(host_files "$w")
  harness_exec "$w" "$KADM" join "$@" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || rc=$?
  ((rc != 0)) || { cat "$log" >&2; fail "$w: join $* was accepted"; }
  grep -qE -- "$pattern" "$log" || { cat "$log" >&2; fail "$w: refusal does not say /$pattern/"; }
  [[ $(host_files "$w") == "$before" ]] || fail "$w: refused join wrote files: $(diff <(echo "$before") <(host_files "$w"))"
  echo "$w refused (exit $rc): $(grep -E -- "$pattern" "$log" | head -1)"
}

# (a) the cluster-info kubeconfig as a local file, the token for the TLS bootstrap.
log=$(harness_host_root w1)/logs/join.log
start=$(date +%s%N)
harness_exec w1 "$KADM" join --discovery-file "$dir/cluster-info.yaml" --tls-bootstrap-token "$token" \
  "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || { cat "$log" >&2; fail "join with a discovery file failed on w1"; }
echo "w1 (--discovery-file path): joined in $(ms_since "$start") ms"
assert_joined w1 "$log"

# (b) the same file over https from a server in cp1, certified by a throwaway CA.
pki=$dir/https
mkdir -p "$pki/www"
cp "$dir/cluster-info.yaml" "$pki/www/cluster-info.yaml"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=throwaway-ca \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=discovery-server \
  -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 1 \
  -extfile <(printf 'subjectAltName=IP:10.213.0.71\nextendedKeyUsage=serverAuth\n') -out "$pki/server.crt" 2>/dev/null
harness_exec_bg cp1 "$(harness_host_root cp1)/logs/https.log" python3 -c '
import http.server, ssl, sys
handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=sys.argv[1])
srv = http.server.HTTPServer(("10.213.0.71", 8443), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()' "$pki/www" "$pki/server.crt" "$pki/server.key" >/dev/null
url=https://10.213.0.71:8443/cluster-info.yaml
retry 20 harness_exec w2 curl -sf --cacert "$pki/ca.crt" -o /dev/null "$url" ||
  fail "the https discovery server does not answer: $(cat "$(harness_host_root cp1)/logs/https.log")"

# Before w2 trusts the throwaway CA, the download is refused.
expect_refused w2 "not trusted by this host's system roots" --discovery-file "$url" --tls-bootstrap-token "$token"
cat "$system_bundle" "$pki/ca.crt" >"$pki/bundle.crt"
harness_exec w2 mount --bind "$pki/bundle.crt" "$system_bundle"
[[ $(sha256sum "$system_bundle") == "$bundle_sum" ]] || fail "the machine's CA bundle changed"
log=$(harness_host_root w2)/logs/join.log
start=$(date +%s%N)
harness_exec w2 "$KADM" join --discovery-file "$url" --tls-bootstrap-token "$token" \
  "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || { cat "$log" >&2; fail "join with an https discovery file failed on w2"; }
echo "w2 (--discovery-file https://): joined in $(ms_since "$start") ms"
grep -q 'Downloading the discovery file' "$log" || { cat "$log" >&2; fail "w2 did not download the file"; }
assert_joined w2 "$log"

# (c) the right server, a wrong CA (the throwaway one): the TLS check refuses it.
sed "s|certificate-authority-data: .*|certificate-authority-data: $(base64 -w0 "$pki/ca.crt")|" \
  "$dir/cluster-info.yaml" >"$dir/wrong-ca.yaml"
grep -q "$(base64 -w0 "$pki/ca.crt")" "$dir/wrong-ca.yaml" || fail "could not make the wrong-CA file"
expect_refused w3 "not trusted by the CA of the discovery file" --discovery-file "$dir/wrong-ca.yaml" --tls-bootstrap-token "$token"

# (d) no credentials in the file and no --tls-bootstrap-token.
expect_refused w3 "--tls-bootstrap-token" --discovery-file "$dir/cluster-info.yaml"

[[ $(sha256sum "$system_bundle") == "$bundle_sum" ]] || fail "the machine's CA bundle changed"
echo "kadm_join_discovery_file: $((SECONDS - test_start)) s"
echo "PASS"
