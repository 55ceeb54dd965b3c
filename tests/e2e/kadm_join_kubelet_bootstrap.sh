#!/usr/bin/env bash
# kubeadm's TLS bootstrap done by a REAL kubelet: `kadm join --tls-bootstrap=kubelet` writes
# bootstrap-kubelet.conf, the kubelet config and flags, "restarts the kubelet service" and waits
# until the kubelet's own kubelet.conf names a certificate it obtained through a CSR that the
# real kube-controller-manager auto-approved and signed. Then the failing case: without the
# auto-approval binding and with a short timeouts.tlsBootstrap the join stops in bounded time
# and says where the bootstrap stopped and what to check.
#
# Every host is a real node (tests/harness/README.md): its kubelet unit runs the real kubelet
# with the arguments kubeadm's systemd drop-in gives it, next to the node's own containerd. The
# bootstrapped kubelet then registers its Node and reports it Ready by itself.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.71
harness_node_up w1 10.213.0.72
harness_node_up w2 10.213.0.73
harness_node_up w3 10.213.0.74
kadm_join_ready_control_plane cp1
join_cmd=$(kadm_init_worker_join_command cp1)
read -r -a join_args <<<"$join_cmd"
[[ ${join_args[0]} == kadm && ${join_args[1]} == join ]] || fail "unexpected join command: $join_cmd"
token=$(sed -n 's/.*--token \([a-z0-9.]*\).*/\1/p' <<<"$join_cmd")
ca_hash=$(sed -n 's/.*--discovery-token-ca-cert-hash \([a-z0-9:]*\).*/\1/p' <<<"$join_cmd")
[[ -n $token && -n $ca_hash ]] || fail "no token or CA hash in: ${join_cmd//$token/<token>}"
bootstrap_user=system:bootstrap:${token%%.*}
# Timings below compare the TLS bootstrap, not discovery's wait for the new token's signature.
signed() { kadm_kubectl cp1 -n kube-public get configmap cluster-info -o json | grep -q "\"jws-kubeconfig-${token%%.*}\""; }
retry 60 signed || fail "cluster-info was never signed for the new token"

# w1: the kubelet does the TLS bootstrap.
log=$(harness_host_root w1)/logs/join.log
# Each output line stamped with the time it appeared (the kubelet's own log is stamped too).
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%T.%3N)" "$line"; done; }
start=$(date +%s%N)
set +e
harness_exec w1 "$KADM" join "${join_args[@]:2}" --tls-bootstrap=kubelet \
  "${KADM_PREFLIGHT_ARGS[@]}" 2>&1 | stamp >"$log"
rc=${PIPESTATUS[0]}
set -e
kubelet_ms=$(ms_since "$start")
# "HH:MM:SS.mmm" of the first line matching $1, in ms of the day.
at_ms() { awk -v re="$1" '$0 ~ re { split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]; exit }' "$log"; }
((rc == 0)) || { cat "$log" >&2; harness_node_diagnose w1 >&2; fail "kadm join --tls-bootstrap=kubelet failed on w1 ($rc)"; }
cat "$log"
bootstrap_ms=$(($(at_ms 'The kubelet wrote') - $(at_ms 'Starting the kubelet')))
grep -q 'This node has joined the cluster' "$log" || fail "no success text on w1"
grep -q 'Waiting for the kubelet to perform the TLS Bootstrap' "$log" || fail "w1 did not wait for the kubelet"

echo "--- what the kubelet logged (bootstrap part):"
harness_node_log w1 kubelet | grep -E 'Client rotation|bootstrap|certificate|csr|CSR' | sed -n 1,30p
args=$(harness_exec w1 sh -c 'tr "\0" " " </proc/$(cat '"$(harness_host_root w1)"'/services/kubelet.pid)/cmdline')
[[ $args == *'--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml'* ]] ||
  fail "the kubelet was not started with kubeadm's drop-in arguments: $args"
kadm_wait_node_ready cp1 w1 120
echo "w1: Node Ready, registered by its kubelet"

# The CSR: sent by the kubelet as the bootstrap token's user, for system:node:w1, approved by
# the controller-manager's csrapprover (reason AutoApproved) and signed.
csrs=$(kadm_kubectl cp1 get csr -o jsonpath='{range .items[*]}{.metadata.name}|{.spec.username}|{.spec.signerName}|{.status.conditions[?(@.type=="Approved")].reason}|{.status.certificate}|{.spec.request}{"\n"}{end}')
found=0
while IFS='|' read -r name user signer reason cert request; do
  [[ $user == "$bootstrap_user" ]] || continue
  subject=$(base64 -d <<<"$request" | openssl req -noout -subject -nameopt compat)
  echo "CSR $name: user=$user signer=$signer approved=$reason issued=$([[ -n $cert ]] && echo yes || echo no) $subject"
  [[ $subject == *"CN=system:node:w1"* ]] || continue
  [[ $signer == kubernetes.io/kube-apiserver-client-kubelet && $reason == AutoApproved && -n $cert ]] ||
    fail "CSR $name of w1 was not auto-approved and signed: signer=$signer reason=$reason"
  found=1
done <<<"$csrs"
((found)) || fail "no CSR for system:node:w1 from $bootstrap_user"

root=$(harness_host_root w1)/fs
[[ ! -e $root/etc/kubernetes/bootstrap-kubelet.conf ]] || fail "bootstrap-kubelet.conf left behind on w1"
[[ $(stat -c %a "$root/etc/kubernetes/kubelet.conf") == 600 ]] || fail "w1: kubelet.conf not 0600"
[[ -L $root/var/lib/kubelet/pki/kubelet-client-current.pem ]] || fail "w1: no kubelet-client-current.pem symlink"
for f in $(cd "$root/var/lib/kubelet/pki" && ls); do
  mode=$(harness_exec w1 stat -Lc %a "/var/lib/kubelet/pki/$f")  # the symlink is absolute in w1
  echo "w1: /var/lib/kubelet/pki/$f $mode"
  if [[ $f == *.key || $f == kubelet-client* ]]; then [[ $mode == 600 ]] || fail "w1: $f holds a key and is $mode"; fi
done
grep -q 'client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem' "$root/etc/kubernetes/kubelet.conf" ||
  fail "w1: kubelet.conf does not use the kubelet's rotatable certificate"
who=$(harness_exec w1 kubectl --kubeconfig /etc/kubernetes/kubelet.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
[[ $who == "system:node:w1 "*system:nodes* ]] || fail "w1: kubelet.conf authenticates as '$who'"
echo "w1: kubelet.conf (written by the kubelet) is $who"
grep -q '^rotateCertificates: true' "$root/var/lib/kubelet/config.yaml" || fail "w1: client certificate rotation is off"

# w2: the default direct mode on the same cluster, for the timing comparison.
log=$(harness_host_root w2)/logs/join.log
start=$(date +%s%N)
harness_exec w2 "$KADM" join "${join_args[@]:2}" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 ||
  { cat "$log" >&2; fail "kadm join (direct) failed on w2"; }
direct_ms=$(ms_since "$start")
echo "timing: kadm join --tls-bootstrap=kubelet ${kubelet_ms} ms, --tls-bootstrap=direct ${direct_ms} ms (start to exit, same cluster)"
echo "timing: kubelet mode, from 'Starting the kubelet' to its kubelet.conf accepted: ${bootstrap_ms} ms"

# w3: no auto-approval, short timeouts.tlsBootstrap: the join fails in bounded time and names
# the pending CSR, the binding, and the kubelet's log.
kadm_kubectl cp1 delete clusterrolebinding kubeadm:node-autoapprove-bootstrap >/dev/null
tls_timeout=15
cat >"$(harness_host_root w3)/fs/etc/kubernetes/join.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 10.213.0.71:6443
    token: $token
    caCertHashes: [$ca_hash]
nodeRegistration:
  name: w3
timeouts:
  tlsBootstrap: ${tls_timeout}s
YAML
log=$(harness_host_root w3)/logs/join.log
start=$(date +%s%N)
rc=0
harness_exec w3 "$KADM" join --config /etc/kubernetes/join.yaml --tls-bootstrap=kubelet \
  "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || rc=$?
failed_ms=$(ms_since "$start")
cat "$log"
((rc != 0)) || fail "w3 joined although no one approves its CSR"
((failed_ms < (tls_timeout + 60) * 1000)) || fail "w3's join took ${failed_ms} ms with tlsBootstrap ${tls_timeout}s"
for want in "${tls_timeout}s" 'is waiting for approval' 'kubeadm:node-autoapprove-bootstrap' \
  'kubectl certificate approve csr-' 'journalctl -xeu kubelet'; do
  grep -qF -- "$want" "$log" || fail "w3's error does not say '$want'"
done
[[ ! -e $(harness_host_root w3)/fs/etc/kubernetes/bootstrap-kubelet.conf ]] || fail "bootstrap-kubelet.conf left behind on w3"
pending=$(kadm_kubectl cp1 get csr -o jsonpath="{range .items[?(@.spec.username==\"$bootstrap_user\")]}{.metadata.name}={.status.conditions[*].type} {end}")
echo "CSRs of $bootstrap_user after w3: $pending"
echo "timing: failing join (tlsBootstrap ${tls_timeout}s) exited $rc after ${failed_ms} ms"

echo "PASS"
