#!/usr/bin/env bash
# kadm upgrade on real nodes, from the previous minor's newest patch to kadm's newest release:
# `kadm init --kubernetes-version v1.36.3` (v1.36.3 kubelets, images of both releases on the
# mirror) and two workers joined with kadm, flannel, the demo workload, and a probe loop on a host
# outside the cluster asking the workload's NodePort on both workers throughout. Then
# `upgrade plan`, `upgrade diff`, `upgrade apply v1.37.2`, and on each node `upgrade node` (the
# workers), the kubelet binary replaced by v1.37.2's as a package upgrade would, and the kubelet
# restarted, without draining. `kubectl version` and `kubectl get nodes` show v1.37.2 and the probe
# failures are reported (and bounded). Last, an upgrade made to fail (an extraArgs flag the API
# server rejects, given to apply with --config) rolls back, and the control plane still works.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
FROM=v1.36.3
TO=v1.37.2
export HARNESS_K8S_RELEASES="$FROM $TO" HARNESS_KUBELET_VERSION=$FROM KADM_E2E_K8S_VERSION=$FROM
export HARNESS_POD_NETWORK=flannel
source "$TESTS_DIR/e2e/lib/prelude.sh"
source "$TESTS_DIR/e2e/lib/workload.sh"
# This VM's one disk is shared with builds and caches and often has less than the kubelet's
# default 15% free, so its default eviction threshold would evict the workload mid-test: the
# kubelets evict below 1 GiB instead.
KADM_NODE_COMPONENT_CONFIGS=${KADM_NODE_COMPONENT_CONFIGS/failCgroupV1: false/failCgroupV1: false
evictionHard:
  nodefs.available: 1Gi
  imagefs.available: 1Gi
  memory.available: 100Mi}
t0=$(date +%s%N)

harness_node_up cp1 10.213.0.81
harness_node_up w1 10.213.0.82
harness_node_up w2 10.213.0.83
harness_host_up outside 10.213.0.84
kc() { kadm_kubectl cp1 "$@"; }
logs=$(harness_host_root cp1)/logs

# --- a v1.36.3 cluster serving the workload -------------------------------------------------
kadm_join_ready_control_plane cp1
join=$(kadm_init_worker_join_command cp1)
read -r -a jargs <<<"$join"
for w in w1 w2; do
  harness_exec "$w" "$KADM" "${jargs[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}" >"$(harness_host_root "$w")/logs/join.log" 2>&1 ||
    { cat "$(harness_host_root "$w")/logs/join.log" >&2; fail "kadm join failed on $w"; }
done
have_node() { kc get node "$1" >/dev/null 2>&1; }
for n in w1 w2; do retry 60 have_node "$n" || fail "the kubelet of $n did not register its Node"; done
harness_pod_network_up cp1 10.244.0.0/16
for n in cp1 w1 w2; do kadm_wait_node_ready cp1 "$n" 120; done
kubelets=$(kc get nodes -o 'jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{" "}{end}')
[[ $kubelets == "$FROM $FROM $FROM " ]] || fail "the kubelets are not $FROM: $kubelets"
workload_apply cp1 demo
port=$(kc -n demo get svc web-nodeport -o 'jsonpath={.spec.ports[0].nodePort}')
echo "cluster $FROM with the workload on NodePort $port after $(ms_since "$t0") ms"

# The probe loop: one request every 0.2 s from a host outside the cluster, alternating between
# the workers' NodePorts; each line "<ms> ok|FAIL <target> <answer or curl's exit>".
probe_log=$HARNESS_RUN_DIR/probe.log
harness_exec outside bash -c '
  i=0
  while [[ ! -e '"$HARNESS_RUN_DIR"'/probe.stop ]]; do
    t=$((i % 2 == 0 ? 82 : 83)); i=$((i + 1))
    if out=$(curl -s -m 2 "http://10.213.0.$t:'"$port"'/hostname"); then
      echo "$(date +%s%3N) ok 10.213.0.$t $out"
    else
      echo "$(date +%s%3N) FAIL 10.213.0.$t curl-exit-$?"
    fi
    sleep 0.2
  done' >"$probe_log" 2>&1 &
probe_pid=$!
sleep 3
grep -q ' ok ' "$probe_log" || { cat "$probe_log" >&2; fail "the probe loop gets no answer before the upgrade"; }

# --- plan and diff ----------------------------------------------------------------------------
plan=$(harness_exec cp1 "$KADM" upgrade plan 2>"$logs/plan.err") || { cat "$logs/plan.err" "$plan" >&2; fail "upgrade plan failed"; }
echo "$plan"
grep -Eq "^kube-apiserver +cp1 +$FROM +$TO\$" <<<"$plan" || fail "plan does not show kube-apiserver $FROM -> $TO on cp1"
grep -Eq "^kubelet +w1 +$FROM +$TO\$" <<<"$plan" || fail "plan does not list w1's kubelet for a manual upgrade"
grep -Eq "^etcd +cp1 +3\.6\.8-0 +3\.7\.0-0\$" <<<"$plan" || fail "plan does not show etcd 3.6.8-0 -> 3.7.0-0"
grep -q "kadm upgrade apply $TO" <<<"$plan" || fail "plan does not give the apply command"
json=$(harness_exec cp1 "$KADM" upgrade plan -o json 2>/dev/null)
python3 -c 'import json,sys; p=json.load(sys.stdin); c=p["availableUpgrades"][0]["components"]
assert p["kind"] == "UpgradePlan", p
assert any(x["name"] == "CoreDNS" and x["newVersion"] == "v1.14.6" for x in c), c' <<<"$json" ||
  fail "plan -o json is not the expected UpgradePlan: $json"
if harness_exec cp1 "$KADM" upgrade plan v1.38.0 >"$logs/plan-skip.log" 2>&1; then fail "plan accepted a two-minor skip"; fi
grep -q "only 1 minor version at a time" "$logs/plan-skip.log" || { cat "$logs/plan-skip.log" >&2; fail "plan's refusal gives no reason"; }
diff_out=$(harness_exec cp1 "$KADM" upgrade diff "$TO")
grep -q "^+++ new manifest" <<<"$diff_out" && grep -Eq "^\+ +image: .*kube-apiserver:$TO" <<<"$diff_out" ||
  { echo "$diff_out" >&2; fail "upgrade diff does not show the new API server image"; }
echo "upgrade diff: $(grep -c '^@@' <<<"$diff_out") hunks"

# --- apply ------------------------------------------------------------------------------------
t=$(date +%s%N)
if ! harness_exec cp1 "$KADM" upgrade apply "$TO" -y >"$logs/apply.log" 2>&1; then
  cat "$logs/apply.log" >&2
  harness_node_diagnose cp1 >&2
  fail "kadm upgrade apply $TO failed"
fi
apply_ms=$(ms_since "$t")
grep -E '^\[upgrade/staticpods\] (Component|Moving)|^\[upgrade\] SUCCESS|^\[addons\]|Renewing' "$logs/apply.log"
echo "upgrade apply: $apply_ms ms"
server=$(kc version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
[[ $server == "$TO" ]] || fail "kubectl version reports server $server after apply"
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  img=$(kc -n kube-system get pod "$c-cp1" -o 'jsonpath={.spec.containers[0].image}')
  echo "  $c: $img"
done
[[ $(kc -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') == *"kubernetesVersion: $TO"* ]] ||
  fail "kubeadm-config does not store kubernetesVersion $TO"
ls -d "$(harness_host_root cp1)"/fs/etc/kubernetes/tmp/kubeadm-backup-manifests-* >/dev/null || fail "no manifest backup"
kc -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null
kc -n kube-system rollout status daemonset/kube-proxy --timeout=180s >/dev/null

# --- the nodes: upgrade node, the new kubelet binary, a restart (no drain) -------------------------
for n in w1 w2 cp1; do
  t=$(date +%s%N)
  if [[ $n != cp1 ]]; then
    harness_exec "$n" "$KADM" upgrade node >"$(harness_host_root "$n")/logs/upgrade-node.log" 2>&1 ||
      { cat "$(harness_host_root "$n")/logs/upgrade-node.log" >&2; fail "kadm upgrade node failed on $n"; }
  fi
  harness_node_kubelet_upgrade "$n" "$TO"
  harness_exec "$n" systemctl restart kubelet
  at_target() { [[ $(kc get node "$n" -o 'jsonpath={.status.nodeInfo.kubeletVersion}') == "$TO" ]]; }
  retry 120 at_target || fail "$n's kubelet does not report $TO"
  kadm_wait_node_ready cp1 "$n" 120
  echo "node $n: kubelet $TO and Ready after $(ms_since "$t") ms"
done
# cp1's new kubelet recreates the static pods, so the API server may restart in the next seconds:
# each read is asked until it answers; what it answers is asserted as before.
retry 60 kc get nodes -o wide || fail "kubectl get nodes never answered after the kubelet upgrades"
versions=""
all_at_target() {
  versions=$(kc get nodes -o 'jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{" "}{end}' 2>/dev/null) || return 1
}
retry 60 all_at_target || fail "kubectl get nodes never answered"
[[ $versions == "$TO $TO $TO " ]] || fail "kubectl get nodes: kubelets at $versions"
retry 60 kc version || fail "kubectl version never answered after the kubelet upgrades"
# admin.conf (renewed by apply) still authenticates as the admin group, and the new API server
# passes every readyz check.
assert_control_plane_serves cp1
sleep 3
touch "$HARNESS_RUN_DIR/probe.stop"
wait "$probe_pid" || true

# The workload kept serving: each request has a 2 s timeout and the loop never pauses, so a gap
# shows as failed requests. Nothing on the workers' data path is restarted except kube-proxy
# (its rules stay in the kernel while it restarts) and the kubelet (pods keep running), so the
# bound is small: at most 2% of the requests, and never 3 failures in a row (a 1 s outage).
total=$(grep -c . "$probe_log" || true)
failed=$(grep -c ' FAIL ' "$probe_log" || true)
echo "probe: $failed failed of $total requests during the upgrade"
grep ' FAIL ' "$probe_log" | sed 's/^/  /' || true
((total > 100)) || fail "the probe loop made only $total requests"
((failed * 50 <= total)) || fail "the workload failed $failed of $total requests"
awk '{ if ($2 == "FAIL") { n++; if (n >= 3) exit 1 } else n = 0 }' "$probe_log" ||
  fail "the workload stopped answering for 3 requests in a row"

# --- an upgrade made to fail rolls back -----------------------------------------------------
root=$(harness_host_root cp1)/fs/etc/kubernetes
cp "$root/manifests/kube-apiserver.yaml" "$HARNESS_RUN_DIR/apiserver-before.yaml"
cat >"$root/bad-upgrade.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
timeouts:
  upgradeManifests: 60s
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $TO
imageRepository: $(harness_image_repository)
networking:
  podSubnet: 10.244.0.0/16
apiServer:
  extraArgs:
  - name: kadm-e2e-no-such-flag
    value: "1"
YAML
t=$(date +%s%N)
if harness_exec cp1 "$KADM" upgrade apply "$TO" -y --config /etc/kubernetes/bad-upgrade.yaml >"$logs/apply-bad.log" 2>&1; then
  cat "$logs/apply-bad.log" >&2
  fail "an upgrade with a flag the API server rejects succeeded"
fi
echo "failed upgrade: exited non-zero after $(ms_since "$t") ms"
grep -E 'couldn.t upgrade control plane|tried to recover|rolled back|Rolling back' "$logs/apply-bad.log" ||
  { cat "$logs/apply-bad.log" >&2; fail "the failed upgrade does not say it rolled back"; }
cmp -s "$root/manifests/kube-apiserver.yaml" "$HARNESS_RUN_DIR/apiserver-before.yaml" ||
  fail "the API server manifest was not restored"
grep -q kadm-e2e-no-such-flag "$root/manifests/kube-apiserver.yaml" && fail "the bad flag is still in the manifest"
assert_control_plane_serves cp1
[[ $(kc -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') != *kadm-e2e-no-such-flag* ]] ||
  fail "the failed upgrade stored its configuration"
kc get nodes >/dev/null
echo "PASS: upgrade $FROM -> $TO with the workload serving ($failed/$total probe failures), rollback of a failing upgrade; $(ms_since "$t0") ms in all"
