#!/usr/bin/env bash
# `kadm certs renew all` takes effect on a real node: after renewing, kadm restarts etcd,
# kube-apiserver, kube-controller-manager and kube-scheduler one at a time (manifest moved out and
# back, as kubeadm's docs and upgrade do), and each runs a new container of the same manifest.
# Over TLS (openssl s_client), the API server and etcd serve the renewed certificates: new
# serials, equal to the files'. kubectl works with the renewed admin.conf, check-expiration shows
# the new dates, the previous manifests are backed up where kubeadm keeps them, and
# `--restart=false` keeps kubeadm's behaviour (the "You must restart" hint, nothing restarted).
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.91
addr=$(harness_host_addr cp1)
logs=$(harness_host_root cp1)/logs
cfg=$(kadm_init_config cp1)
kadm_init_control_plane cp1 "$cfg" >/dev/null
assert_control_plane_serves cp1

pki=/etc/kubernetes/pki
etcd_client="-cert $pki/apiserver-etcd-client.crt -key $pki/apiserver-etcd-client.key"
# served_serial HOST:PORT [s_client args]: the serial of the certificate served there.
served_serial() {
  harness_exec cp1 sh -c "openssl s_client -connect $1 ${2:-} </dev/null 2>/dev/null | openssl x509 -noout -serial" |
    sed 's/^serial=//'
}
file_serial() { harness_exec cp1 openssl x509 -in "$1" -noout -serial | sed 's/^serial=//'; }
admin_serial() {
  harness_exec cp1 sh -c "grep client-certificate-data /etc/kubernetes/admin.conf | awk '{print \$2}' | base64 -d | openssl x509 -noout -serial" |
    sed 's/^serial=//'
}
# pod_state COMPONENT: "<config.hash> <containerID> <Ready>" of its mirror pod.
pod_state() {
  kadm_kubectl cp1 -n kube-system get pod "$1-cp1" \
    -o 'jsonpath={.metadata.annotations.kubernetes\.io/config\.hash} {.status.containerStatuses[0].containerID} {.status.conditions[?(@.type=="Ready")].status}'
}
components=(etcd kube-apiserver kube-controller-manager kube-scheduler)
all_ready() {
  local c
  for c in "${components[@]}"; do [[ $(pod_state "$c") == *" True" ]] || return 1; done
}
retry 90 all_ready || fail "static pods not all Ready before the renewal"

api_before=$(served_serial "$addr:6443")
etcd_before=$(served_serial 127.0.0.1:2379 "$etcd_client")
[[ -n $api_before && $api_before == "$(file_serial $pki/apiserver.crt)" ]] ||
  fail "the API server does not serve apiserver.crt before the renewal ($api_before)"
[[ -n $etcd_before && $etcd_before == "$(file_serial $pki/etcd/server.crt)" ]] ||
  fail "etcd does not serve etcd/server.crt before the renewal ($etcd_before)"
admin_before=$(admin_serial)
declare -A before
for c in "${components[@]}"; do before[$c]=$(pod_state "$c"); done
harness_exec cp1 "$KADM" certs check-expiration -o json >"$logs/expiration-before.json"
echo "before: apiserver serial $api_before, etcd serial $etcd_before, admin.conf serial $admin_before"
sleep 2 # the renewed certificates' dates must differ from init's at second resolution

start=$(date +%s%N)
harness_exec cp1 "$KADM" certs renew all >"$logs/renew.log" 2>&1 ||
  { cat "$logs/renew.log" >&2; harness_node_diagnose cp1 >&2; fail "kadm certs renew all failed"; }
took=$(ms_since "$start")
cat "$logs/renew.log"
echo "kadm certs renew all (with the restarts): $took ms"

out=$(cat "$logs/renew.log")
for c in "${components[@]}"; do
  grep -qF "[renew] Restarting the $c static pod and backing up its manifest to \"/etc/kubernetes/tmp/kubeadm-backup-manifests-" <<<"$out" ||
    fail "renew did not restart $c"
done
grep -qF "Restarted etcd, kube-apiserver, kube-controller-manager, kube-scheduler" <<<"$out" ||
  fail "renew does not report what it restarted"
! grep -qF "You must restart" <<<"$out" || fail "renew still tells the user to restart"

# The served certificates are the renewed ones.
api_after=$(served_serial "$addr:6443")
etcd_after=$(served_serial 127.0.0.1:2379 "$etcd_client")
[[ $api_after != "$api_before" && $api_after == "$(file_serial $pki/apiserver.crt)" ]] ||
  fail "the API server serves serial $api_after (before $api_before, file $(file_serial $pki/apiserver.crt))"
[[ $etcd_after != "$etcd_before" && $etcd_after == "$(file_serial $pki/etcd/server.crt)" ]] ||
  fail "etcd serves serial $etcd_after (before $etcd_before, file $(file_serial $pki/etcd/server.crt))"
grep -qF "kube-apiserver serves the renewed certificate at $addr:6443: serial" <<<"$out" ||
  fail "renew does not report the API server's served serial"
echo "served: apiserver $api_before -> $api_after, etcd $etcd_before -> $etcd_after"

# Each static pod: the same manifest (hash), a new container, Ready.
retry 60 all_ready || fail "static pods not all Ready after the renewal"
for c in "${components[@]}"; do
  read -r hash_b cid_b _ <<<"${before[$c]}"
  read -r hash_a cid_a ready <<<"$(pod_state "$c")"
  [[ $hash_a == "$hash_b" ]] || fail "$c: config.hash changed ($hash_b -> $hash_a) for the same manifest"
  [[ -n $cid_a && $cid_a != "$cid_b" ]] || fail "$c: still container $cid_b (not restarted)"
  [[ $ready == True ]] || fail "$c not Ready"
  echo "$c: container ${cid_b:13:12} -> ${cid_a:13:12}, hash $hash_a, Ready"
done

# The previous manifests are kept where kubeadm keeps them, private.
backup=$(harness_exec cp1 sh -c 'ls -d /etc/kubernetes/tmp/kubeadm-backup-manifests-*' | tail -n 1)
[[ $(harness_exec cp1 stat -c %a "$backup") == 700 && $(harness_exec cp1 stat -c %a /etc/kubernetes/tmp) == 700 ]] ||
  fail "backup dirs are not 0700"
for c in "${components[@]}"; do
  harness_exec cp1 cmp -s "$backup/$c.yaml" "/etc/kubernetes/manifests/$c.yaml" ||
    fail "$backup/$c.yaml is not the manifest"
  [[ $(harness_exec cp1 stat -c %a "/etc/kubernetes/manifests/$c.yaml") == 600 ]] || fail "$c.yaml is not 0600"
done

# kubectl with the renewed admin.conf.
admin_after=$(admin_serial)
[[ $admin_after != "$admin_before" ]] || fail "admin.conf was not renewed"
harness_exec cp1 kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes >/dev/null ||
  fail "kubectl fails with the renewed admin.conf"
echo "admin.conf: serial $admin_before -> $admin_after, kubectl works"

# check-expiration shows the new dates: every renewed certificate expires later than before.
harness_exec cp1 "$KADM" certs check-expiration -o json >"$logs/expiration-after.json"
python3 - "$logs/expiration-before.json" "$logs/expiration-after.json" <<'PY' || fail "check-expiration does not show the new dates"
import json, sys
before = {c["name"]: c["expirationDate"] for c in json.load(open(sys.argv[1]))["certificates"]}
after = {c["name"]: c["expirationDate"] for c in json.load(open(sys.argv[2]))["certificates"]}
stale = [n for n in before if n != "kubelet-client-current.pem" and not after.get(n, "") > before[n]]
if stale:
    print("not renewed:", stale, before, after, file=sys.stderr)
    sys.exit(1)
print("check-expiration: later dates for", ", ".join(sorted(n for n in before if n != "kubelet-client-current.pem")))
PY

# --restart=false: kubeadm's behaviour, the hint and no restart.
sched=$(pod_state kube-scheduler)
harness_exec cp1 "$KADM" certs renew scheduler.conf --restart=false >"$logs/renew-norestart.log" 2>&1 ||
  { cat "$logs/renew-norestart.log" >&2; fail "renew --restart=false failed"; }
grep -qF "You must restart the kube-scheduler" "$logs/renew-norestart.log" ||
  fail "--restart=false prints no hint: $(cat "$logs/renew-norestart.log")"
sleep 3
[[ $(pod_state kube-scheduler) == "$sched" ]] || fail "--restart=false restarted the scheduler"
echo "--restart=false: hint printed, nothing restarted"

# No kubelet: said at once, not waited for.
harness_exec cp1 systemctl stop kubelet
start=$(date +%s%N)
if harness_exec cp1 "$KADM" certs renew scheduler.conf >"$logs/renew-nokubelet.log" 2>&1; then
  fail "renew succeeded without a kubelet"
fi
(($(ms_since "$start") < 30000)) || fail "renew without a kubelet took $(ms_since "$start") ms"
grep -qF "no kubelet answers at http://127.0.0.1:10248/healthz" "$logs/renew-nokubelet.log" ||
  fail "renew without a kubelet does not say so: $(cat "$logs/renew-nokubelet.log")"
harness_exec cp1 test -f /etc/kubernetes/manifests/kube-scheduler.yaml || fail "the scheduler manifest is gone"
echo "without a kubelet: refused at once ($(tail -n 1 "$logs/renew-nokubelet.log"))"
echo "PASS"
