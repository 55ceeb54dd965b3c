#!/usr/bin/env bash
# Real `kubeadm join --dry-run` discovers a kadm-made cluster with the token and CA hash that
# `kadm init` printed: token-based discovery (cluster-info JWS signed with kadm's token, CA
# pinned by kadm's hash) must pass before kubeadm reaches its TLS bootstrap / kubelet-start
# step. No kubelet or CRI runs here, so preflight errors are ignored. kubeadm v1.37.2's dry run
# exits 0 (it only pretends the kubelet steps); a failure would be accepted only after discovery,
# in kubelet-start, which wants a kubelet to talk to.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.41
harness_node_up w1 10.213.0.42
kadm_join_ready_control_plane cp1

cmd=$(kadm_init_worker_join_command cp1)
read -r -a args <<<"$cmd"
[[ ${args[0]} == kadm && ${args[1]} == join ]] || fail "unexpected join command from kadm init: $cmd"
echo "kadm printed: $(sed -E "s/--token [^ ]+/--token <redacted>/" <<<"$cmd")"

# The controller-manager's bootstrap signer adds the token's JWS to cluster-info a few seconds
# after init. kubeadm's dry run, finding no JWS on its first look, swaps in a made-up token and
# then waits for that one forever: so wait for the signature, as a real worker's retries would.
token_id=$(sed -E 's/.*--token ([a-z0-9]{6})\..*/\1/' <<<"$cmd")
signed() { [[ -n $(kadm_kubectl cp1 -n kube-public get cm cluster-info -o "jsonpath={.data.jws-kubeconfig-$token_id}") ]]; }
retry 60 signed || fail "cluster-info never got a JWS for token $token_id"

log=$(harness_host_root w1)/logs/kubeadm-join.log
set +e
harness_exec w1 timeout 120 kubeadm join "${args[@]:2}" --dry-run "${KUBEADM_VM_PREFLIGHT_ARGS[@]}" \
  --cri-socket unix:///var/run/containerd/containerd.sock -v=5 >"$log" 2>&1
rc=$?
set -e
echo "kubeadm join --dry-run exit code: $rc"
grep -E '\[discovery\]|^\[(preflight|kubelet-start)\]|joined the cluster|error' "$log" | sed 's/^/  | /' | head -40

# Discovery: cluster-info fetched, its JWS verified with kadm's token, the CA pinned by kadm's hash.
grep -q 'Cluster info signature and contents are valid and TLS certificate validates against pinned roots' "$log" ||
  { cat "$log" >&2; fail "kubeadm did not accept kadm's cluster-info (discovery failed)"; }
! grep -qi 'none of the public keys\|failed to verify JWS\|there is no JWS signed token' "$log" ||
  { cat "$log" >&2; fail "kubeadm rejected kadm's discovery data"; }
# Past discovery: kubeadm reads the cluster's kubeadm-config / kubelet-config and reaches kubelet-start.
grep -q '\[kubelet-start\]' "$log" || { cat "$log" >&2; fail "kubeadm never reached kubelet-start"; }
if ((rc != 0)); then
  last=$(grep -E '^\[[a-z-]+\]' "$log" | tail -1)
  [[ $last == "[kubelet-start]"* ]] || { cat "$log" >&2; fail "kubeadm failed before kubelet-start: $last"; }
  echo "kubeadm failed after discovery, in kubelet-start (no kubelet here): $last"
else
  grep -q 'This node has joined the cluster' "$log" || { cat "$log" >&2; fail "kubeadm exited 0 without its success text"; }
fi
# A dry run writes nothing on the worker.
[[ ! -e $(harness_host_root w1)/fs/etc/kubernetes/kubelet.conf ]] || fail "dry run wrote kubelet.conf"
echo PASS
