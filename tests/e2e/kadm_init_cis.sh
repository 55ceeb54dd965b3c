#!/usr/bin/env bash
# The cis profile on real nodes: `kadm init` with a kadm.io/v1alpha1 KadmConfiguration document
# (profile: cis) on cp1, `kadm join --profile cis` on w1 and `kadm join --control-plane --profile
# cis` on cp2. `kadm cis check` finds no failing CIS 1.12 automatable scored check on any node, and
# the hardened cluster works: the Nodes Ready, a pod runs on the worker, and `kubectl logs` and
# `kubectl exec` reach it through a kubelet whose serving certificate the cluster CA signed (init
# approved cp1's request itself and the control-plane join cp2's; `kadm certs
# approve-kubelet-serving` approves w1's) and that the apiserver verifies
# (--kubelet-certificate-authority). A request naming an address that is not the node's stays
# pending. etcd runs as the etcd user from its own copies of its TLS files, also after
# `kadm certs renew etcd-server`.
# Side effects on the machine (nodes share its /etc and /var/log): the system user etcd is made
# if missing, and the apiserver's audit log is /var/log/kubernetes/audit/audit.log.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
source "$TESTS_DIR/e2e/lib/workload.sh"

harness_node_up cp1 10.213.0.51
harness_node_up w1 10.213.0.52
harness_node_up cp2 10.213.0.53

cfg=$(kadm_init_config cp1 "" "controlPlaneEndpoint: 10.213.0.51:6443
---
apiVersion: kadm.io/v1alpha1
kind: KadmConfiguration
profile: cis")
kadm_init_control_plane cp1 "$cfg" >/dev/null
log=$(harness_host_root cp1)/logs/kadm-init.log
grep -q 'Approved kubelet serving certificate request' "$log" || { cat "$log" >&2; fail "init did not approve cp1's serving certificate request"; }
kadm_wait_node_ready cp1 cp1 120
echo "cp1: initialised with profile cis, Ready"

kadm_cmd=$(kadm_init_worker_join_command cp1)
read -r -a kadm_args <<<"$kadm_cmd"
wlog=$(harness_host_root w1)/logs/join.log
harness_exec w1 "$KADM" join "${kadm_args[@]:2}" --profile cis "${KADM_PREFLIGHT_ARGS[@]}" >"$wlog" 2>&1 ||
  { cat "$wlog" >&2; fail "kadm join --profile cis failed on w1"; }
kadm_wait_node_ready cp1 w1 120
echo "w1: joined with --profile cis, Ready"

# cp2 joins as a control plane with the profile, and approves its own kubelet's serving request.
key=$(harness_exec cp1 "$KADM" init phase upload-certs --upload-certs --config "$cfg" 2>&1 |
  sed -n '/Using certificate key:/{n;p}')
[[ $key =~ ^[0-9a-f]{64}$ ]] || fail "init phase upload-certs printed no certificate key"
clog=$(harness_host_root cp2)/logs/join.log
harness_exec cp2 "$KADM" join "${kadm_args[@]:2}" --control-plane --certificate-key "$key" \
  --apiserver-advertise-address 10.213.0.53 --profile cis "${KADM_PREFLIGHT_ARGS[@]}" >"$clog" 2>&1 ||
  { cat "$clog" >&2; fail "kadm join --control-plane --profile cis failed on cp2"; }
grep -q 'Approved kubelet serving certificate request' "$clog" ||
  { cat "$clog" >&2; fail "the control-plane join did not approve cp2's serving certificate request"; }
kadm_wait_node_ready cp1 cp2 120
echo "cp2: joined as a control plane with --profile cis, Ready, its serving request approved by the join"

# w1's kubelet asks for its serving certificate; a control plane approves it after checking it.
harness_exec cp1 "$KADM" certs approve-kubelet-serving --node w1 --wait 90s ||
  fail "approve-kubelet-serving failed"
csrs() { kadm_kubectl cp1 get csr -o 'jsonpath={range .items[*]}{.spec.signerName} {.spec.username} {.status.conditions[0].type} {.status.certificate}{"\n"}{end}'; }
issued() { csrs | grep "^kubernetes.io/kubelet-serving system:node:$1 Approved ." >/dev/null; }
retry 60 issued cp1 || fail "no issued serving certificate for cp1: $(csrs)"
retry 60 issued w1 || fail "no issued serving certificate for w1: $(csrs)"
retry 60 issued cp2 || fail "no issued serving certificate for cp2: $(csrs)"
echo "kubelet serving certificates issued for cp1, w1 and cp2"

# The checker on every node: 0 failures (kube-proxy's configuration from its ConfigMap).
for n in cp1 w1 cp2; do
  kadm_kubectl cp1 -n kube-system get configmap kube-proxy -o yaml >"$(harness_host_root "$n")/fs/etc/kubernetes/kube-proxy-cm.yaml"
  out=$(harness_exec "$n" "$KADM" cis check --kube-proxy-config /etc/kubernetes/kube-proxy-cm.yaml 2>&1) ||
    { echo "$out" >&2; fail "kadm cis check failed on $n"; }
  echo "$out" | tail -1
  grep -q '^\[FAIL\]' <<<"$out" && fail "$n: a FAIL line: $out"
  summary=$(tail -1 <<<"$out")
  [[ $summary == *" 0 failed,"* ]] || fail "$n: $summary"
  if [[ $n == cp* ]]; then
    [[ $summary == "64 passed, 0 failed, 1 not applicable"* || $summary == "63 passed, 0 failed, 2 not applicable"* ]] ||
      fail "$n: unexpected summary: $summary"
  fi
  rm -f "$(harness_host_root "$n")/fs/etc/kubernetes/kube-proxy-cm.yaml"
done

for n in cp1 cp2; do
  root=$(harness_host_root "$n")/fs
  [[ $(stat -c %U:%G "$root/var/lib/etcd") == etcd:etcd ]] || fail "$n: etcd data dir owner: $(stat -c %U:%G "$root/var/lib/etcd")"
  [[ $(stat -c %a "$root/var/lib/etcd") == 700 ]] || fail "$n: etcd data dir mode: $(stat -c %a "$root/var/lib/etcd")"
done
# etcd runs as the etcd user and reads copies of its TLS files that belong to it; the PKI stays
# root's (the checker's 1.1.19 and 1.1.20 passed above).
etcd_uid=$(id -u etcd) etcd_gid=$(id -g etcd)
etcd_pid() {
  local p
  for p in $(harness_host_pids "$1"); do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == etcd ]] && { echo "$p"; return 0; }
  done
  return 1
}
for n in cp1 cp2; do
  root=$(harness_host_root "$n")/fs
  m=$root/etc/kubernetes/manifests/etcd.yaml
  grep -q "runAsUser: $etcd_uid\$" "$m" && grep -q "runAsGroup: $etcd_gid\$" "$m" ||
    fail "$n: the etcd manifest does not run etcd as the etcd user: $(grep -A4 securityContext "$m")"
  grep -q -- '--cert-file=/etc/kubernetes/etcd-tls/server.crt$' "$m" || fail "$n: etcd does not read its copies"
  [[ $(stat -c '%U:%G %a' "$root/etc/kubernetes/etcd-tls") == "etcd:etcd 700" ]] ||
    fail "$n: etcd-tls: $(stat -c '%U:%G %a' "$root/etc/kubernetes/etcd-tls")"
  for f in ca.crt peer.crt peer.key server.crt server.key; do
    [[ $(stat -c '%U:%G %a' "$root/etc/kubernetes/etcd-tls/$f") == "etcd:etcd 600" ]] ||
      fail "$n: etcd-tls/$f: $(stat -c '%U:%G %a' "$root/etc/kubernetes/etcd-tls/$f")"
    cmp -s "$root/etc/kubernetes/etcd-tls/$f" "$root/etc/kubernetes/pki/etcd/$f" || fail "$n: etcd-tls/$f is not the PKI's"
  done
  retry 60 etcd_pid "$n" >/dev/null || fail "$n: no etcd process"
  pid=$(etcd_pid "$n")
  [[ $(awk '/^Uid:/{print $2}' "/proc/$pid/status") == "$etcd_uid" ]] ||
    fail "$n: etcd (pid $pid) runs as $(awk '/^Uid:/{print $2}' "/proc/$pid/status"), not etcd ($etcd_uid)"
done
echo "etcd on cp1 and cp2 runs as the etcd user ($etcd_uid) and reads its own copies of its TLS files"

root=$(harness_host_root cp1)/fs
for n in cp1 w1 cp2; do
  [[ $(stat -c %a "$(harness_host_root "$n")/fs/var/lib/kubelet/config.yaml") == 600 ]] || fail "$n: config.yaml not 0600"
done
grep -q -- '--profiling=false' "$root/etc/kubernetes/manifests/kube-apiserver.yaml" || fail "apiserver without --profiling=false"
# The audit log records requests (metadata only).
audit=$(harness_exec cp1 sh -c 'tail -n 200 /var/log/kubernetes/audit/audit.log') || fail "no audit log"
grep -q '"level":"Metadata"' <<<"$audit" || fail "audit log has no Metadata events"
echo "etcd data dir etcd:etcd 0700, config.yaml 0600, audit log written"

# A pod on the hardened worker; logs and exec go apiserver -> kubelet over verified TLS.
workload_probe_pod cp1 cis w1 || { harness_node_diagnose w1 >&2; fail "probe pod not Ready on w1"; }
logs=$(kadm_kubectl cp1 -n cis logs probe --tail 20 2>&1) || fail "kubectl logs on w1 failed: $logs"
out=$(kadm_kubectl cp1 -n cis exec probe -- /agnhost dns-suffix 2>&1) || fail "kubectl exec on w1 failed: $out"
[[ -n $out ]] || fail "kubectl exec printed nothing"
echo "pod probe Running on w1: kubectl logs and exec work (exec printed: $out)"

# The kubelet's serving certificate is the cluster CA's, for the node's own names.
cert=$(harness_exec cp1 sh -c 'echo | openssl s_client -connect 10.213.0.52:10250 -CAfile /etc/kubernetes/pki/ca.crt 2>/dev/null') ||
  fail "cannot reach w1's kubelet"
grep -q 'Verify return code: 0 (ok)' <<<"$cert" || fail "w1's kubelet certificate does not verify against the cluster CA"
echo "w1's kubelet serves a certificate that verifies against the cluster CA"
cert=$(harness_exec cp1 sh -c 'echo | openssl s_client -connect 10.213.0.53:10250 -CAfile /etc/kubernetes/pki/ca.crt 2>/dev/null') ||
  fail "cannot reach cp2's kubelet"
grep -q 'Verify return code: 0 (ok)' <<<"$cert" || fail "cp2's kubelet certificate does not verify against the cluster CA"
echo "cp2's kubelet serves a certificate that verifies against the cluster CA"

# A serving request from w1 (its own kubelet credentials) that names cp1's IP stays pending.
tmp=$(mktemp -d)
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
  -subj "/O=system:nodes/CN=system:node:w1" -addext "subjectAltName=DNS:w1,IP:10.213.0.51" \
  -out "$tmp/r.csr" 2>/dev/null
req=$(base64 -w0 <"$tmp/r.csr")
rm -rf "$tmp"
harness_exec w1 kubectl --kubeconfig /etc/kubernetes/kubelet.conf create -f - >/dev/null <<YAML ||
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: w1-claims-cp1
spec:
  request: $req
  signerName: kubernetes.io/kubelet-serving
  usages: [digital signature, server auth]
YAML
  fail "w1 could not create its CSR"
out=$(harness_exec cp1 "$KADM" certs approve-kubelet-serving)
grep -q 'left pending w1-claims-cp1: IP "10.213.0.51" is not an address of Node w1' <<<"$out" ||
  fail "a request for another node's IP was not refused: $out"
state=$(kadm_kubectl cp1 get csr w1-claims-cp1 -o 'jsonpath={.status.conditions}')
[[ -z $state ]] || fail "w1-claims-cp1 was decided: $state"
echo "a serving request for cp1's IP from w1 stays pending"

# A renewed etcd serving certificate reaches the copies: kadm restarts etcd and checks over TLS
# that etcd serves the new serial, which it can only do if the copy it reads was refreshed.
before=$(openssl x509 -noout -serial -in "$root/etc/kubernetes/pki/etcd/server.crt")
rlog=$(harness_host_root cp1)/logs/renew-etcd.log
harness_exec cp1 "$KADM" certs renew etcd-server >"$rlog" 2>&1 || { cat "$rlog" >&2; fail "certs renew etcd-server failed"; }
after=$(openssl x509 -noout -serial -in "$root/etc/kubernetes/pki/etcd/server.crt")
[[ $before != "$after" ]] || fail "etcd-server was not renewed"
cmp -s "$root/etc/kubernetes/etcd-tls/server.crt" "$root/etc/kubernetes/pki/etcd/server.crt" ||
  fail "the renewed etcd-server certificate did not reach etcd's copy"
[[ $(stat -c '%U:%G %a' "$root/etc/kubernetes/etcd-tls/server.key") == "etcd:etcd 600" ]] || fail "renewed copy of server.key: wrong owner or mode"
[[ $(stat -c '%U:%G %a' "$root/etc/kubernetes/pki/etcd/server.key") == "root:root 600" ]] || fail "renewed PKI server.key: wrong owner or mode"
grep -q 'Restarted etcd' "$rlog" || { cat "$rlog" >&2; fail "etcd was not restarted after the renewal"; }
echo "certs renew etcd-server: the copy is refreshed and etcd serves the new certificate ($after)"
echo "PASS"
