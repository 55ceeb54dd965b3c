#!/usr/bin/env bash
# Two workers join a kadm control plane with the join command real kubeadm prints: discovery
# with CA pinning, kadm's direct TLS bootstrap (CSR approved and signed by the real
# controller-manager); each kubelet.conf is its node's identity; a third host that asks for a
# Ready node's name is refused and writes nothing.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.31
harness_node_up w1 10.213.0.32
harness_node_up w2 10.213.0.33
harness_node_up w3 10.213.0.34
kadm_join_ready_control_plane cp1

# w1 joins with the command `kadm init` printed; w2 with the one real kubeadm prints for a new
# token on the same cluster (kubeadm's line must work with kadm as it is).
kadm_cmd=$(kadm_init_worker_join_command cp1)
read -r -a kadm_args <<<"$kadm_cmd"
[[ ${kadm_args[0]} == kadm && ${kadm_args[1]} == join ]] || fail "unexpected join command from kadm init: $kadm_cmd"
join_cmd=$(harness_exec cp1 kubeadm token create --print-join-command --kubeconfig /etc/kubernetes/admin.conf)
echo "join command printed by kubeadm: ${join_cmd//--token [a-z0-9.]*/--token <redacted>}"
read -r -a join_args <<<"$join_cmd"
[[ ${join_args[0]} == kubeadm && ${join_args[1]} == join ]] || fail "unexpected join command: $join_cmd"

for w in w1 w2; do
  args=("${join_args[@]:2}")
  [[ $w == w1 ]] && args=("${kadm_args[@]:2}")
  log=$(harness_host_root "$w")/logs/join.log
  start=$(date +%s%N)
  harness_exec "$w" "$KADM" join "${args[@]}" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 ||
    { cat "$log" >&2; fail "kadm join failed on $w"; }
  echo "kadm join on $w: kubelet.conf written after $(ms_since "$start") ms"
  grep -q 'This node has joined the cluster' "$log" || { cat "$log" >&2; fail "no success text on $w"; }
  root=$(harness_host_root "$w")/fs
  [[ -L $root/var/lib/kubelet/pki/kubelet-client-current.pem ]] || fail "$w: no kubelet-client-current.pem symlink"
  [[ $(harness_exec "$w" stat -Lc %a /var/lib/kubelet/pki/kubelet-client-current.pem) == 600 ]] || fail "$w: client pem not 0600"
  [[ $(stat -c %a "$root/etc/kubernetes/kubelet.conf") == 600 ]] || fail "$w: kubelet.conf not 0600"
  for f in etc/kubernetes/pki/ca.crt var/lib/kubelet/config.yaml var/lib/kubelet/kubeadm-flags.env; do
    [[ -s $root/$f ]] || fail "$w: $f missing"
  done
  cmp -s "$root/etc/kubernetes/pki/ca.crt" "$(harness_host_root cp1)/fs/etc/kubernetes/pki/ca.crt" || fail "$w: ca.crt is not the cluster CA"
  [[ ! -e $root/etc/kubernetes/bootstrap-kubelet.conf ]] || fail "$w: bootstrap-kubelet.conf left behind"
  who=$(harness_exec "$w" kubectl --kubeconfig /etc/kubernetes/kubelet.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}')
  [[ $who == "system:node:$w "*system:nodes* ]] || fail "$w: kubelet.conf authenticates as '$who'"
  echo "$w: kubelet.conf is $who"
  kadm_wait_node_ready cp1 "$w" 120
done
nodes=$(kadm_kubectl cp1 get nodes -o 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}')
[[ $nodes == *"w1=True"* && $nodes == *"w2=True"* ]] || fail "nodes not Ready: $nodes"
echo "nodes: $nodes"

# A third host using w1's name is refused while w1 is Ready, and writes nothing.
before=$(host_files w3)
log=$(harness_host_root w3)/logs/join.log
if harness_exec w3 "$KADM" join "${join_args[@]:2}" --node-name w1 "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1; then
  cat "$log" >&2; fail "join as an existing Ready node was accepted"
fi
grep -q 'Node named "w1" is already Ready' "$log" && grep -q -- '--node-name' "$log" || { cat "$log" >&2; fail "refusal message missing"; }
[[ $(host_files w3) == "$before" ]] || fail "refused join wrote files: $(diff <(echo "$before") <(host_files w3))"
echo "w3 as w1: refused, nothing written"

# The same host under its own name joins.
harness_exec w3 "$KADM" join "${join_args[@]:2}" "${KADM_PREFLIGHT_ARGS[@]}" >"$log" 2>&1 || { cat "$log" >&2; fail "w3 join failed"; }
echo "PASS"
