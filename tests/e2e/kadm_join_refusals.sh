#!/usr/bin/env bash
# `kadm join` refuses, quickly and with a message that says why, a wrong CA hash, a deleted
# token, an expired token and a cluster-info rewritten by a machine in the middle; a refused join
# exits non-zero and writes nothing on the worker.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.41
harness_node_up w1 10.213.0.42
kadm_join_ready_control_plane cp1
cp=10.213.0.41
kadm_cmd() { harness_exec cp1 kubeadm --kubeconfig /etc/kubernetes/super-admin.conf "$@"; }
ca_hash=sha256:$(openssl x509 -pubkey -in "$(harness_host_root cp1)/fs/etc/kubernetes/pki/ca.crt" |
  openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | awk '{print $NF}')
signature_present() { # TOKEN_ID
  kadm_kubectl cp1 -n kube-public get cm cluster-info -o json | grep -q "\"jws-kubeconfig-$1\""
}

# expect_refusal NAME MESSAGE MAX_SECONDS JOIN-ARGS...: join fails with MESSAGE, writes nothing.
# MAX_SECONDS is not a speed goal: it is far above a refusal's cost and far below the 5-minute
# discovery timeout, so it tells "refused as final" from "retried until it gave up".
expect_refusal() {
  local name=$1 message=$2 max=$3 before log start ms
  shift 3
  before=$(host_files w1)
  log=$(harness_host_root w1)/logs/refusal-$name.log
  start=$(date +%s%N)
  if harness_exec w1 "$KADM" join "$@" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1; then
    cat "$log" >&2; fail "$name: join succeeded"
  fi
  ms=$(ms_since "$start")
  grep -qF -- "$message" "$log" || { cat "$log" >&2; fail "$name: message '$message' missing"; }
  [[ $(host_files w1) == "$before" ]] || fail "$name: files written: $(diff <(echo "$before") <(host_files w1))"
  ((ms < max * 1000)) || fail "$name: took $ms ms (limit ${max}s)"
  echo "$name: refused after $ms ms: $(grep -F -- "$message" "$log" | head -1)"
}

token=$(kadm_cmd token create --ttl 1h)
wrong=sha256:$(printf '0%.0s' {1..64})
expect_refusal wrong-ca-hash "none of the public keys" 60 "$cp:6443" --token "$token" --discovery-token-ca-cert-hash "$wrong"
expect_refusal wrong-ca-hash-shows-found "${ca_hash}" 60 "$cp:6443" --token "$token" --discovery-token-ca-cert-hash "$wrong"

deleted=$(kadm_cmd token create --ttl 1h)
retry 30 signature_present "${deleted%%.*}" || fail "new token never signed"
kadm_cmd token delete "$deleted" >/dev/null
retry 30 eval "! signature_present ${deleted%%.*}" || fail "signature of the deleted token stayed"
expect_refusal deleted-token "token id \"${deleted%%.*}\" is invalid for this cluster or it has expired" 60 \
  "$cp:6443" --token "$deleted" --discovery-token-ca-cert-hash "$ca_hash" --discovery-signature-grace 3s

# Signed first, then expired: the refusal is about expiry, not a token the cluster never signed.
expired=$(kadm_cmd token create --ttl 20s)
retry 20 signature_present "${expired%%.*}" || fail "the short-lived token was never signed"
retry 60 eval "! signature_present ${expired%%.*}" || fail "signature of the expired token stayed"
expect_refusal expired-token "token id \"${expired%%.*}\" is invalid for this cluster or it has expired" 60 \
  "$cp:6443" --token "$expired" --discovery-token-ca-cert-hash "$ca_hash" --discovery-signature-grace 3s

# A TLS proxy in front of the API server that points cluster-info at another server; it cannot
# re-sign, so the JWS check must catch it.
mitm=$(harness_host_root cp1)/mitm
mkdir -p "$mitm"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=mitm \
  -keyout "$mitm/key.pem" -out "$mitm/cert.pem" 2>/dev/null
cat >"$mitm/proxy.py" <<'PY'
import http.server, json, ssl, sys, urllib.request
upstream, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
insecure = ssl.create_default_context(); insecure.check_hostname = False; insecure.verify_mode = ssl.CERT_NONE
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            body = urllib.request.urlopen(upstream + self.path, context=insecure).read()
            status = 200
        except urllib.error.HTTPError as e:
            body, status = e.read(), e.code
        try:
            obj = json.loads(body)
            kc = obj.get("data", {}).get("kubeconfig")
            if kc:
                obj["data"]["kubeconfig"] = kc.replace("https://", "https://evil.")
                body = json.dumps(obj).encode()
        except ValueError:
            pass
        self.send_response(status); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
srv = http.server.ThreadingHTTPServer(("0.0.0.0", 7443), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
harness_exec_bg cp1 "$mitm/proxy.log" python3 "$mitm/proxy.py" "https://$cp:6443" "$mitm/cert.pem" "$mitm/key.pem" >/dev/null
retry 20 harness_exec w1 curl -sk "https://$cp:7443/version" -o /dev/null || fail "mitm proxy did not start: $(cat "$mitm/proxy.log")"
expect_refusal mitm-rewritten-cluster-info "failed to verify the JWS signature" 60 \
  "$cp:7443" --token "$token" --discovery-token-ca-cert-hash "$ca_hash"

# Unreachable endpoint: bounded by timeouts.discovery, not hanging forever.
cat >"$mitm/join-timeout.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 10.213.0.49:6443
    token: $token
    caCertHashes: [$ca_hash]
timeouts:
  discovery: 4s
YAML
expect_refusal unreachable "could not discover the cluster at https://10.213.0.49:6443 within 4s" 30 \
  --config "$mitm/join-timeout.yaml"
echo "PASS"
