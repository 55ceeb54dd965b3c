#!/usr/bin/env bash
# HA control plane: cp1 runs `kadm init --upload-certs` behind a DNS controlPlaneEndpoint; cp2 and
# cp3 join with the printed `--control-plane --certificate-key` command (shared CAs downloaded
# from kubeadm-certs, etcd learner added then promoted). Then etcd has 3 voting members, every
# apiserver is ready, the etcd members are containers run by each node's kubelet, and with the
# whole cp1 host gone the API still answers through cp2 and cp3.
# A wrong certificate key is refused and writes nothing.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.51
harness_node_up cp2 10.213.0.52
harness_node_up cp3 10.213.0.53
harness_node_up cpx 10.213.0.54
printf '%s\t%s\n' "$(harness_host_addr cp1)" cp.kadm.test >>"$HARNESS_RUN_DIR/hosts.txt"

cfg=$(kadm_init_config cp1 "" "controlPlaneEndpoint: cp.kadm.test:6443")
log=$(harness_host_root cp1)/logs/kadm-init.log
harness_exec cp1 "$KADM" init --config "$cfg" --upload-certs "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 ||
  { cat "$log" >&2; fail "kadm init --upload-certs failed"; }

cp_cmd=$(sed -n '/join any number of control-plane nodes/,/Please note/p' "$log" |
  grep -v 'control-plane nodes\|Please note' | tr -d '\\\t' | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//')
read -r -a cp_args <<<"$cp_cmd"
[[ ${cp_args[0]:-} == kadm && ${cp_args[1]:-} == join ]] || fail "no control-plane join command printed: $cp_cmd"
[[ " $cp_cmd " == *" --control-plane "* && " $cp_cmd " == *" --certificate-key "* ]] || fail "printed command lacks --control-plane/--certificate-key"
key=""
for ((i = 0; i < ${#cp_args[@]}; i++)); do [[ ${cp_args[i]} == --certificate-key ]] && key=${cp_args[i + 1]}; done
[[ $key =~ ^[0-9a-f]{64}$ ]] || fail "no certificate key in the printed command"

# A wrong key: refused with the right message, nothing written.
wrong=$(printf '%s' "$key" | tr '0-9a-f' '1-9a-f0')
args=()
for a in "${cp_args[@]:2}"; do [[ $a == "$key" ]] && args+=("$wrong") || args+=("$a"); done
before=$(host_files cpx)
xlog=$(harness_host_root cpx)/logs/join.log
if harness_exec cpx "$KADM" join "${args[@]}" --apiserver-advertise-address "$(harness_host_addr cpx)" \
  "${KADM_PREFLIGHT_ARGS[@]}" >"$xlog" 2>&1; then
  cat "$xlog" >&2; fail "join with a wrong certificate key was accepted"
fi
grep -q 'the certificate key does not decrypt kubeadm-certs' "$xlog" || { cat "$xlog" >&2; fail "wrong-key message missing"; }
grep 'does not decrypt' "$xlog"
! grep -q "$wrong" "$xlog" || fail "the certificate key appears in the output"
[[ $(host_files cpx) == "$before" ]] || fail "wrong-key join wrote files: $(diff <(echo "$before") <(host_files cpx))"
echo "wrong certificate key: refused, nothing written"

for n in cp2 cp3; do
  jlog=$(harness_host_root "$n")/logs/join.log
  start=$(date +%s%N)
  harness_exec "$n" "$KADM" join "${cp_args[@]:2}" --apiserver-advertise-address "$(harness_host_addr "$n")" \
    "${KADM_PREFLIGHT_ARGS[@]}" >"$jlog" 2>&1 || { cat "$jlog" >&2; fail "control-plane join of $n failed"; }
  grep -q 'a new control plane instance was created' "$jlog" || { cat "$jlog" >&2; fail "no success text on $n"; }
  grep -q 'promoted to a voting member' "$jlog" || { cat "$jlog" >&2; fail "$n: etcd learner not promoted"; }
  if [[ $n == cp2 ]]; then grep '^\[\|^This node' "$jlog"; fi
  echo "kadm join --control-plane on $n: done after $(ms_since "$start") ms"
  root=$(harness_host_root "$n")/fs/etc/kubernetes
  for f in ca sa front-proxy-ca etcd/ca; do
    ext=crt; [[ $f == sa ]] && ext=pub
    cmp -s "$root/pki/$f.$ext" "$(harness_host_root cp1)/fs/etc/kubernetes/pki/$f.$ext" || fail "$n: $f.$ext differs from cp1's"
    [[ $(stat -c %a "$root/pki/$f.key") == 600 ]] || fail "$n: $f.key not 0600"
  done
  [[ ! -e $root/super-admin.conf ]] || fail "$n: super-admin.conf written on a joining node"
  labels=$(kadm_kubectl cp1 get node "$n" -o 'jsonpath={.metadata.labels}')
  [[ $labels == *node-role.kubernetes.io/control-plane* ]] || fail "$n not labelled control-plane: $labels"
done

ec() {
  harness_exec "$1" etcdctl --endpoints "https://$(harness_host_addr "$1"):2379" \
    --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt \
    --key /etc/kubernetes/pki/etcd/healthcheck-client.key "${@:2}"
}
members=$(ec cp2 member list -w simple)
echo "$members"
(($(grep -c ', started, ' <<<"$members") == 3)) || fail "etcd does not have 3 started members"
! grep -q ', true$' <<<"$members" || fail "a member is still a learner"
ec cp2 endpoint health --cluster || fail "etcd cluster not healthy"

for n in cp1 cp2 cp3; do
  harness_exec "$n" kubectl --kubeconfig /etc/kubernetes/admin.conf --server "https://$(harness_host_addr "$n"):6443" \
    get --raw /readyz >/dev/null || fail "apiserver of $n not ready"
done
echo "readyz: cp1 cp2 cp3"
etcd_pods() { kadm_kubectl cp1 -n kube-system get pods -l component=etcd \
  -o 'jsonpath={range .items[*]}{.spec.nodeName}={.status.phase} {end}'; }
three_etcd() { [[ $(etcd_pods) == *cp1=Running*cp2=Running*cp3=Running* ]]; }
retry 60 three_etcd || fail "etcd pods are not Running on cp1, cp2 and cp3: $(etcd_pods)"
echo "etcd members run as containers: $(etcd_pods)"

harness_host_down cp1 || fail "cp1 did not stop cleanly"
for n in cp2 cp3; do
  retry 30 harness_exec "$n" kubectl --kubeconfig /etc/kubernetes/admin.conf --server "https://$(harness_host_addr "$n"):6443" \
    get nodes >/dev/null || fail "API not served through $n without cp1"
done
ec cp2 endpoint health --endpoints "https://$(harness_host_addr cp2):2379,https://$(harness_host_addr cp3):2379" ||
  fail "etcd lost quorum without cp1"
echo "without cp1: API answers through cp2 and cp3, etcd keeps quorum"
echo "PASS"
