#!/usr/bin/env bash
# `kadm init` runs every phase on the harness — control plane, then the API phases — and ends
# with the join command. The objects it created work with the real components: cluster-info is
# signed for kadm's token as the bootstrap signer signs, anonymous users read only cluster-info,
# the token authenticates, real kubeadm reads the uploaded ClusterConfiguration. A second init
# converges.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.31
addr=$(harness_host_addr cp1)
logs=$(harness_host_root cp1)/logs
rand() { # N random characters of [a-z0-9] (no pipe that could die of SIGPIPE)
  local s=""
  while ((${#s} < $1)); do s+=$(head -c 64 /dev/urandom | tr -dc 'a-z0-9'); done
  echo "${s:0:$1}"
}
tid=$(rand 6) tsecret=$(rand 16)
token=$tid.$tsecret
cfg=$(kadm_init_config cp1 "bootstrapTokens:
- token: $token")
kc() { harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
# The controller manager's service accounts: the subjects of the API server's system:controller:*
# bindings (and the namespace's default).
controller_accounts() {
  { kc get clusterrolebindings -o 'jsonpath={range .items[*]}{.metadata.name} {.subjects[0].namespace} {.subjects[0].name}{"\n"}{end}'
    kc -n kube-system get rolebindings -o 'jsonpath={range .items[*]}{.metadata.name} {.subjects[0].namespace} {.subjects[0].name}{"\n"}{end}'
    echo "system:controller:default kube-system default"
  } | awk '$1 ~ /^system:controller:/ && $2 == "kube-system" { print "ServiceAccount/" $3 }' | sort -u
}

harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" --upload-certs \
  >"$logs/init.log" 2>&1 || { cat "$logs/init.log" >&2; fail "kadm init failed"; }
out=$(cat "$logs/init.log")
echo "$out"

for line in '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config"' \
  '[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system' \
  '[upload-certs] Using certificate key:' \
  '[mark-control-plane] Marking the node cp1 as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]' \
  "[bootstrap-token] Using token id: $tid (the token is in the join command below)" \
  '[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster' \
  '[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace' \
  '[kubelet-finalize]' \
  '[addons] Applied essential addon: CoreDNS' '[addons] Applied essential addon: kube-proxy' \
  'Your Kubernetes control-plane has initialized successfully!'; do
  grep -qF -- "$line" <<<"$out" || fail "init output lacks: $line"
done
# They exist when init returns: kadm creates them ahead of the controller manager, whose start
# then reads each one instead of creating it through its 20 requests/s client (about 5 s).
# (Not the namespace's default, which its service account controller makes, nor those of the
# controllers it runs only with a cloud provider or when asked to: a cluster kubeadm starts has
# none of these.)
not_yet='ServiceAccount/(default|cloud-provider|route-controller|service-controller|selinux-warning-controller)'
missing=$(kc -n kube-system get sa -o name | sed 's|^serviceaccount/|ServiceAccount/|' | sort |
  comm -13 - <(controller_accounts | grep -Evx "$not_yet"))
for a in cloud-provider route-controller service-controller selinux-warning-controller; do
  kc -n kube-system get sa "$a" >/dev/null 2>&1 && fail "init created the unused service account $a"
done
[[ -z $missing ]] || fail "init returned before the controller manager's service accounts exist: $missing"
echo "controller manager's service accounts: $(controller_accounts | grep -Evxc "$not_yet"), all there when init returns"
hash=$(harness_exec cp1 sh -c 'openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex' | sed 's/.*= //')
expected="kadm join $addr:6443 --token $token \\"$'\t'"--discovery-token-ca-cert-hash sha256:$hash "
[[ $(tail -n 2 <<<"$out" | tr -d '\n') == "$expected" ]] ||
  fail "init does not end with the worker join command"

# cluster-info is signed for our token when init returns: kadm writes the signature the bootstrap
# signer (real controller-manager) would, so the first join does not wait for the signer.
jws=""
signed() { jws=$(kc -n kube-public get cm cluster-info -o "jsonpath={.data.jws-kubeconfig-$tid}" 2>/dev/null) && [[ -n $jws ]]; }
signed || fail "cluster-info is not signed for token $tid when init returns"
kc -n kube-public get cm cluster-info -o 'jsonpath={.data.kubeconfig}' >"$logs/cluster-info.kubeconfig"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
jws_for() { # SECRET: the detached JWS (spec §5.2) of the stored kubeconfig
  local h p
  h=$(printf '{"alg":"HS256","kid":"%s"}' "$tid" | b64url)
  p=$(b64url <"$logs/cluster-info.kubeconfig")
  printf '%s..%s' "$h" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac "$1" -binary | b64url)"
}
[[ $(jws_for "$tsecret") == "$jws" ]] || fail "jws-kubeconfig-$tid does not verify with the token secret"
wrong=${tsecret%?}x; [[ $wrong == "$tsecret" ]] && wrong=${tsecret%?}y # never the secret itself
[[ $(jws_for "$wrong") != "$jws" ]] || fail "the signature verifies with a wrong secret"
grep -q '^  name: ""$' "$logs/cluster-info.kubeconfig" && grep -q '^users: null$' "$logs/cluster-info.kubeconfig" ||
  fail "cluster-info kubeconfig is not in kubeadm's form: $(cat "$logs/cluster-info.kubeconfig")"
echo "cluster-info: signed for $tid, signature verified"

# Anonymous: cluster-info yes, kube-system secrets no.
code() { harness_exec cp1 curl -sk -o /dev/null -w '%{http_code}' "https://$addr:6443$1"; }
[[ $(code /api/v1/namespaces/kube-public/configmaps/cluster-info) == 200 ]] || fail "anonymous cannot read cluster-info"
[[ $(code /api/v1/namespaces/kube-system/secrets) == 403 ]] || fail "anonymous is not refused kube-system secrets"

# The bootstrap token authenticates as the node bootstrapper.
who=$(harness_exec cp1 kubectl --server "https://$addr:6443" --certificate-authority /etc/kubernetes/pki/ca.crt \
  --token "$token" auth whoami -o 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}')
[[ $who == "system:bootstrap:$tid "*system:bootstrappers:kubeadm:default-node-token* ]] || fail "token whoami: $who"

# Real kubeadm reads the uploaded ClusterConfiguration.
kc -n kube-system get cm kubeadm-config -o 'jsonpath={.data.ClusterConfiguration}' >"$(harness_host_root cp1)/fs/etc/kubernetes/uploaded.yaml"
harness_exec cp1 kubeadm config validate --config /etc/kubernetes/uploaded.yaml >"$logs/validate.log" 2>&1 ||
  { cat "$logs/validate.log" >&2; fail "kubeadm rejects the uploaded ClusterConfiguration"; }

# Addons accepted by the API server; node marked.
kc -n kube-system get deployment coredns >/dev/null || fail "no CoreDNS Deployment"
kc -n kube-system get daemonset kube-proxy >/dev/null || fail "no kube-proxy DaemonSet"
[[ $(kc -n kube-system get svc kube-dns -o 'jsonpath={.spec.clusterIP}') == 10.96.0.10 ]] || fail "kube-dns clusterIP"
[[ $(kc get node cp1 -o 'jsonpath={.spec.taints[*].key}') == *node-role.kubernetes.io/control-plane* ]] || fail "no control-plane taint"
kc get node cp1 -o 'jsonpath={.metadata.labels}' | grep -q 'node.kubernetes.io/exclude-from-external-load-balancers' || fail "no exclude-from-LB label"
kc -n kube-system get secret kubeadm-certs -o 'jsonpath={.metadata.ownerReferences[0].name}' | grep -q '^bootstrap-token-' || fail "kubeadm-certs has no token owner"

# The API server reaches kubelets (logs, exec) as a user with only the kubelet API, as kubeadm
# v1.37 grants it: no group in its certificate, one ClusterRoleBinding.
harness_exec cp1 openssl x509 -in /etc/kubernetes/pki/apiserver-kubelet-client.crt -noout -subject |
  grep -qx 'subject=CN = kube-apiserver-kubelet-client' || fail "apiserver-kubelet-client has a group"
[[ $(kc auth can-i get nodes/proxy --as kube-apiserver-kubelet-client) == yes ]] || fail "the API server's kubelet client cannot reach the kubelet API"
[[ $(kc auth can-i get secrets -A --as kube-apiserver-kubelet-client) == no ]] || fail "the API server's kubelet client can read secrets"

# Converges: the configured token stays one Secret; the same objects, no failure. (Each
# --upload-certs run adds one 2h TTL token for kubeadm-certs, as kubeadm does; init tokens are
# only added when the configuration leaves the token empty.)
count_init_tokens() { kc -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o name | grep -c "bootstrap-token-$tid"; }
# The controller manager keeps adding its own objects meanwhile; only kadm's are compared: those
# kadm's requests (field manager "kadm") wrote, and the service accounts that are neither the
# controller manager's (the subjects of the API server's system:controller:* bindings) nor the
# namespace's default (service accounts carry no managed fields).
kadm_objects() {
  kc -n kube-system get cm,role,rolebinding,svc,deploy,ds --show-managed-fields \
    -o 'jsonpath={range .items[*]}{.kind}/{.metadata.name} {.metadata.managedFields[*].manager}{"\n"}{end}' |
    awk '{ for (i = 2; i <= NF; i++) if ($i == "kadm") { print $1; next } }'
  kc -n kube-system get sa -o 'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\n"}{end}' |
    sort | comm -23 - <(controller_accounts)
}
objects() {
  kc get clusterrolebindings,clusterroles -o name | grep -E 'kubeadm:|system:coredns' | sort
  kadm_objects | sort
}
before=$(objects)
grep -qx ServiceAccount/coredns <<<"$before" && grep -qx ConfigMap/kubeadm-config <<<"$before" &&
  grep -qx DaemonSet/kube-proxy <<<"$before" || fail "kadm's own objects are missing from the compared set: $before"
# Its ports and files are in use by the running control plane, as preflight rightly says.
harness_exec cp1 "$KADM" init --config "$cfg" --skip-phases=preflight --upload-certs >"$logs/rerun.log" 2>&1 ||
  { cat "$logs/rerun.log" >&2; fail "second kadm init failed"; }
[[ $(count_init_tokens) == 1 ]] || fail "the configured token is not exactly one Secret after a re-run"
[[ $(objects) == "$before" ]] || { fail "re-run changed the object set: $(diff <(echo "$before") <(objects))"; }
grep -qF "kadm join $addr:6443 --token $token" "$logs/rerun.log" || fail "re-run prints no join command"
echo "PASS"
