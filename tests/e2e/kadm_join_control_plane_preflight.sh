#!/usr/bin/env bash
# Control-plane join preflight checks this host against the CLUSTER's configuration: cp1 runs
# `kadm init --upload-certs` with a non-default etcd dataDir; on cpx something listens on 2379
# and that dataDir is not empty, so `kadm join --control-plane` discovers the cluster, reads
# kubeadm-config, prints kubeadm's secondary-checks line and is refused with
# [ERROR Port-2379] and [ERROR DirAvailable--var-lib-etcd-kadm-data], writing nothing.
# Every other check is ignored by name. Without --certificate-key and without the shared CA files
# the join is refused before any check, naming the missing files. A worker's `kadm join phase preflight` never contacts the
# cluster (it succeeds against an endpoint where nothing listens).
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.81
harness_node_up cpx 10.213.0.82
cp=$(harness_host_addr cp1)
data_dir=/var/lib/etcd/kadm-data

cfg=$(kadm_init_config cp1 "" \
  "controlPlaneEndpoint: $cp:6443
etcd:
  local:
    dataDir: $data_dir")
log=$(harness_host_root cp1)/logs/kadm-init.log
start=$(date +%s%N)
harness_exec cp1 "$KADM" init --config "$cfg" --upload-certs "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 ||
  { cat "$log" >&2; fail "kadm init --upload-certs failed"; }
echo "kadm init: done after $(ms_since "$start") ms"

cp_cmd=$(sed -n '/join any number of control-plane nodes/,/Please note/p' "$log" |
  grep -v 'control-plane nodes\|Please note' | tr -d '\\\t' | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//')
read -r -a cp_args <<<"$cp_cmd"
[[ ${cp_args[0]:-} == kadm && ${cp_args[1]:-} == join && " $cp_cmd " == *" --control-plane "* ]] ||
  fail "no control-plane join command printed: $cp_cmd"
join_args=("${cp_args[@]:2}" --apiserver-advertise-address "$(harness_host_addr cpx)")

# cpx: an etcd port in use and the cluster's etcd data dir not empty.
harness_exec_bg cpx "$(harness_host_root cpx)/logs/listener.log" \
  python3 -c 'import socket,time; s=socket.socket(); s.bind(("0.0.0.0",2379)); s.listen(); time.sleep(600)' >/dev/null
mkdir -p "$(harness_host_root cpx)/fs$data_dir/member"
echo leftover >"$(harness_host_root cpx)/fs$data_dir/member/wal"
listening() { harness_exec cpx python3 -c 'import socket; socket.create_connection(("127.0.0.1",2379),1)' 2>/dev/null; }
retry 10 listening || fail "nothing listens on 2379 in cpx"

# Ignore every check by name except those about etcd's ports and data dirs (`all` here only
# lists the check names: the listing must not stop at the busy port).
names=$(harness_exec cpx "$KADM" preflight --join --control-plane "$cp:6443" --token abcdef.0123456789abcdef \
  --discovery-token-unsafe-skip-ca-verification -o json --ignore-preflight-errors=all 2>/dev/null |
  python3 -c 'import json,sys; print(",".join(sorted({c["check"] for c in json.load(sys.stdin)["checks"]})))')
others=$(tr ',' '\n' <<<"$names" | grep -v '^Port-2379$\|^Port-2380$\|^DirAvailable--var-lib-etcd' | paste -sd, -)
[[ $others == *Port-10250* && $others == *Port-6443* ]] || fail "unexpected check names: $names"

before=$(host_files cpx)
jlog=$(harness_host_root cpx)/logs/join.log
start=$(date +%s%N)
set +e
harness_exec cpx "$KADM" join "${join_args[@]}" --ignore-preflight-errors="$others" >"$jlog" 2>&1
rc=$?
set -e
echo "refused control-plane join: exit $rc after $(ms_since "$start") ms"
grep '^\[preflight\]\|ERROR' "$jlog" || true
[[ $rc != 0 ]] || { cat "$jlog" >&2; fail "join --control-plane accepted a host with etcd's port in use"; }
grep -q 'Reading configuration from the "kubeadm-config" ConfigMap' "$jlog" ||
  { cat "$jlog" >&2; fail "kubeadm-config not read before the control-plane checks"; }
grep -q '^\[preflight\] Running pre-flight checks before initializing the new control plane instance$' "$jlog" ||
  { cat "$jlog" >&2; fail "kubeadm's secondary-checks line missing"; }
grep -q '\[ERROR Port-2379\]: Port 2379 is in use' "$jlog" || { cat "$jlog" >&2; fail "no Port-2379 error"; }
grep -q "\[ERROR DirAvailable--var-lib-etcd-kadm-data\]: $data_dir is not empty" "$jlog" ||
  { cat "$jlog" >&2; fail "the cluster's etcd dataDir was not checked"; }
! grep -q 'DirAvailable--var-lib-etcd\]' "$jlog" || fail "the default data dir was checked instead of the cluster's"
! grep -q '^\[download-certs\]\|^\[certs\]' "$jlog" || fail "join went on past preflight"
[[ $(host_files cpx) == "$before" ]] || fail "refused join wrote files: $(diff <(echo "$before") <(host_files cpx))"
echo "control-plane join: refused in preflight against the cluster's etcd settings, nothing written"

# Without --certificate-key the shared CA and keys must already be here: refused, nothing written.
no_key=()
for ((i = 0; i < ${#join_args[@]}; i++)); do
  if [[ ${join_args[i]} == --certificate-key ]]; then i=$((i + 1)); else no_key+=("${join_args[i]}"); fi
done
klog=$(harness_host_root cpx)/logs/join-no-key.log
if harness_exec cpx "$KADM" join "${no_key[@]}" "${KADM_PREFLIGHT_ARGS[@]}" >"$klog" 2>&1; then
  cat "$klog" >&2; fail "join --control-plane without shared certificates was accepted"
fi
grep -q 'certificates shared by all control planes are not on this host (/etc/kubernetes/pki/ca.crt' "$klog" ||
  { cat "$klog" >&2; fail "missing shared certificates not named"; }
[[ $(host_files cpx) == "$before" ]] || fail "join without shared certificates wrote files"
echo "control-plane join without --certificate-key or shared certificates: refused, nothing written"

# A worker's preflight stays offline: nothing listens at this endpoint, yet preflight passes.
start=$(date +%s%N)
wlog=$(harness_host_root cpx)/logs/worker-preflight.log
harness_exec cpx "$KADM" join phase preflight 10.213.0.89:6443 --token abcdef.0123456789abcdef \
  --discovery-token-unsafe-skip-ca-verification "${KADM_PREFLIGHT_ARGS[@]}" >"$wlog" 2>&1 ||
  { cat "$wlog" >&2; fail "worker preflight failed"; }
! grep -q 'kubeadm-config\|discover' "$wlog" || { cat "$wlog" >&2; fail "worker preflight contacted the cluster"; }
echo "worker join phase preflight: offline, $(ms_since "$start") ms"
echo PASS
