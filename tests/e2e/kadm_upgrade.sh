#!/usr/bin/env bash
# kadm upgrade on real nodes, from the previous minor's newest patch to kadm's newest release:
# `kadm init --kubernetes-version v1.36.3` (v1.36.3 kubelets, images of both releases on the
# mirror) and two workers joined with kadm, flannel, the demo workload, and a probe loop on a host
# outside the cluster asking the workload's NodePort on both workers throughout. Then
# `upgrade plan`, `upgrade diff`, `upgrade apply v1.37.2` (refused first for a Corefile plugin the
# CoreDNS migration does not know, then run with that check ignored and --print-config; its
# health-check Job must run and be gone), and on each node `upgrade node` (the
# workers), the kubelet binary replaced by v1.37.2's as a package upgrade would, and the kubelet
# restarted, without draining. `kubectl version` and `kubectl get nodes` show v1.37.2 and the probe
# failures are reported (and bounded). Last, an upgrade made to fail (an extraArgs flag the API
# server rejects, given to apply with --config) rolls back, and the control plane still works;
# so does one whose etcd rejects a flag, with etcd's data intact.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
FROM=v1.36.3
TO=v1.37.2
export HARNESS_K8S_RELEASES="$FROM $TO" HARNESS_KUBELET_VERSION=$FROM KADM_E2E_K8S_VERSION=$FROM
export HARNESS_POD_NETWORK=flannel
source "$TESTS_DIR/e2e/lib/prelude.sh"
source "$TESTS_DIR/e2e/lib/workload.sh"
# (The harness's kubelets evict below 1 GiB free, not at the default 15%: tests/harness/real_node.sh.)
t0=$(date +%s%N)

harness_node_up cp1 10.213.0.81
harness_node_up w1 10.213.0.82
harness_node_up w2 10.213.0.83
harness_host_up outside 10.213.0.84
kc() { kadm_kubectl cp1 "$@"; }
no_health_job() {
  local jobs
  jobs=$(kc -n kube-system get jobs -o name) && [[ $jobs != *upgrade-health-check* ]]
}
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

# The upgrade starts once both NodePorts answer from outside: right after the rollout, a
# kube-proxy may not have programmed the new endpoints yet (refused), which is no upgrade's doing.
nodeports_answer() {
  local t
  for t in 82 83; do harness_exec outside curl -s -m 2 -o /dev/null "http://10.213.0.$t:$port/hostname" || return; done
}
retry 60 nodeports_answer || fail "the workload's NodePorts do not answer from outside"

# The probe loop: one request every 0.2 s from a host outside the cluster, alternating between
# the workers' NodePorts; each line "<ms> ok|FAIL <target> <answer or curl's exit>".
probe_log=$HARNESS_RUN_DIR/probe.log
harness_exec outside bash -c '
  i=0
  while [[ ! -e '"$HARNESS_RUN_DIR"'/probe.stop ]]; do
    t=$((i % 2 == 0 ? 82 : 83)); i=$((i + 1))
    out=$(curl -s -m 2 "http://10.213.0.$t:'"$port"'/hostname") && rc=0 || rc=$?
    if ((rc == 0)); then
      echo "$(date +%s%3N) ok 10.213.0.$t $out"
    else
      echo "$(date +%s%3N) FAIL 10.213.0.$t curl-exit-$rc"
    fi
    sleep 0.2
  done' >"$probe_log" 2>&1 &
probe_pid=$!
steps_log=$HARNESS_RUN_DIR/steps.log
step() { echo "$(date +%s%3N) step $*" >>"$steps_log"; }
step probe started
# stamped NAME FILE CMD...: runs CMD with its output in FILE, each line also in the steps log.
stamped() {
  local name=$1 file=$2
  shift 2
  "$@" 2>&1 | while IFS= read -r line; do
    printf '%s\n' "$line" >>"$file"
    echo "$(date +%s%3N) step $name: $line" >>"$steps_log"
  done
  return "${PIPESTATUS[0]}"
}
sleep 3
grep -q ' ok ' "$probe_log" || { cat "$probe_log" >&2; fail "the probe loop gets no answer before the upgrade"; }

# --- plan and diff ----------------------------------------------------------------------------
step upgrade plan
plan=$(harness_exec cp1 "$KADM" upgrade plan 2>"$logs/plan.err") || { cat "$logs/plan.err" "$plan" >&2; fail "upgrade plan failed"; }
echo "$plan"
grep -Eq "^kube-apiserver +cp1 +$FROM +$TO\$" <<<"$plan" || fail "plan does not show kube-apiserver $FROM -> $TO on cp1"
grep -Eq "^kubelet +w1 +$FROM +$TO\$" <<<"$plan" || fail "plan does not list w1's kubelet for a manual upgrade"
grep -Eq "^etcd +cp1 +3\.6\.8-0 +3\.7\.0-0\$" <<<"$plan" || fail "plan does not show etcd 3.6.8-0 -> 3.7.0-0"
grep -q "kadm upgrade apply $TO" <<<"$plan" || fail "plan does not give the apply command"
# plan runs apply's checks first, as kubeadm's does: the CoreDNS checks and the health-check Job.
grep -q '^\[upgrade\] Running cluster health checks$' <<<"$plan" || fail "plan ran no cluster health checks"
json=$(harness_exec cp1 "$KADM" upgrade plan -o json 2>/dev/null)
python3 -c 'import json,sys; p=json.load(sys.stdin); c=p["availableUpgrades"][0]["components"]
assert p["kind"] == "UpgradePlan", p
assert any(x["name"] == "CoreDNS" and x["newVersion"] == "v1.14.6" for x in c), c' <<<"$json" ||
  fail "plan -o json is not the expected UpgradePlan: $json"
if harness_exec cp1 "$KADM" upgrade plan v1.38.0 >"$logs/plan-skip.log" 2>&1; then fail "plan accepted a two-minor skip"; fi
grep -q "only 1 minor version at a time" "$logs/plan-skip.log" || { cat "$logs/plan-skip.log" >&2; fail "plan's refusal gives no reason"; }
step upgrade diff
diff_out=$(harness_exec cp1 "$KADM" upgrade diff "$TO")
grep -q "^+++ new manifest" <<<"$diff_out" && grep -Eq "^\+ +image: .*kube-apiserver:$TO" <<<"$diff_out" ||
  { echo "$diff_out" >&2; fail "upgrade diff does not show the new API server image"; }
echo "upgrade diff: $(grep -c '^@@' <<<"$diff_out") hunks"

# --- a Corefile the migration cannot vouch for -------------------------------------------------
# CoreDNS v1.13.1 -> v1.14.6 changes no plugin, so nothing needs migrating; a plugin the migration
# rules do not know (chaos, which CoreDNS has) makes apply's preflight refuse until it is ignored.
patch=$(kc -n kube-system get cm coredns -o json | python3 -c '
import json, sys
c = json.load(sys.stdin)["data"]["Corefile"]
assert "    errors\n" in c, c
print(json.dumps({"data": {"Corefile": c.replace("    errors\n", "    errors\n    chaos kadm-e2e\n", 1)}}))') ||
  fail "cannot read kadm's Corefile to add a plugin to it"
kc -n kube-system patch cm coredns --type merge -p "$patch" >/dev/null
if harness_exec cp1 "$KADM" upgrade plan >"$logs/plan-refused.log" 2>&1; then
  fail "plan accepted a Corefile with a plugin the migration does not know"
fi
grep -q '^\s*\[ERROR CoreDNSUnsupportedPlugins\]: CoreDNS cannot migrate the following plugins: \[plugin "chaos"' "$logs/plan-refused.log" ||
  { cat "$logs/plan-refused.log" >&2; fail "the refused plan does not name the chaos plugin"; }
if harness_exec cp1 "$KADM" upgrade apply "$TO" -y >"$logs/apply-refused.log" 2>&1; then
  fail "apply accepted a Corefile with a plugin the migration does not know"
fi
grep -q '^\s*\[ERROR CoreDNSUnsupportedPlugins\]: CoreDNS cannot migrate the following plugins: \[plugin "chaos"' "$logs/apply-refused.log" ||
  { cat "$logs/apply-refused.log" >&2; fail "the refused apply does not name the chaos plugin"; }
grep -q 'Upgrading your static Pod' "$logs/apply-refused.log" && fail "the refused apply went past its preflight"
# A dry run of the preflight says which Job it would create and creates none (the Jobs of the
# plans above are deleted in the foreground, so they may still be listed for a moment).
retry 30 no_health_job || fail "the health-check Jobs of the plans are left: $(kc -n kube-system get jobs -o name)"
harness_exec cp1 "$KADM" upgrade apply phase preflight "$TO" --dry-run \
  --ignore-preflight-errors=CoreDNSUnsupportedPlugins >"$logs/preflight-dry-run.log" 2>&1 ||
  { cat "$logs/preflight-dry-run.log" >&2; fail "the dry-run preflight failed"; }
grep -q '^\[upgrade/health\] Would create the Job with the prefix "upgrade-health-check" in namespace "kube-system" and wait until it completes$' \
  "$logs/preflight-dry-run.log" || { cat "$logs/preflight-dry-run.log" >&2; fail "the dry run does not say which Job it would create"; }
no_health_job || fail "the dry run created a Job: $(kc -n kube-system get jobs -o name)"
echo "apply refused for the chaos plugin; the dry-run preflight named the Job it would create"

# --- apply ------------------------------------------------------------------------------------
t=$(date +%s%N)
: >"$logs/apply.log"
if ! stamped apply "$logs/apply.log" harness_exec cp1 "$KADM" upgrade apply "$TO" -y --print-config \
  --ignore-preflight-errors=CoreDNSUnsupportedPlugins; then
  cat "$logs/apply.log" >&2
  harness_node_diagnose cp1 >&2
  fail "kadm upgrade apply $TO failed"
fi
apply_ms=$(ms_since "$t")
step apply done
grep -E '^\[upgrade/staticpods\] (Component|Moving)|^\[upgrade\] SUCCESS|^\[addons\]|Renewing|^\[upgrade/health\]' "$logs/apply.log"
echo "upgrade apply: $apply_ms ms"
# --print-config: the ClusterConfiguration at the target, each line after a TAB.
grep -qx '\[upgrade/config\] Configuration used:' "$logs/apply.log" &&
  grep -qx $'\tkind: ClusterConfiguration' "$logs/apply.log" &&
  grep -qx $'\tkubernetesVersion: '"$TO" "$logs/apply.log" ||
  { cat "$logs/apply.log" >&2; fail "--print-config did not print the ClusterConfiguration"; }
grep -q '\[WARNING CoreDNSUnsupportedPlugins\]' "$logs/apply.log" || fail "the ignored CoreDNS check left no warning"
echo "--print-config: $(grep -c $'^\t' "$logs/apply.log") TAB-indented lines of ClusterConfiguration"
# The health-check Job ran to completion (kadm saw its Complete condition; the job controller's
# events show the Pod it created) and is gone.
job=$(sed -n 's/^\[upgrade\/health\] The Job "\(upgrade-health-check-[a-z0-9]*\)" in namespace "kube-system" completed$/\1/p' "$logs/apply.log")
[[ -n $job ]] || { cat "$logs/apply.log" >&2; fail "apply does not report a completed health-check Job"; }
reasons=$(kc -n kube-system get events --field-selector "involvedObject.kind=Job,involvedObject.name=$job" -o 'jsonpath={.items[*].reason}')
[[ $reasons == *SuccessfulCreate* ]] || fail "the events of Job $job do not show it created a Pod: $reasons"
retry 30 no_health_job || fail "a health-check Job is left in kube-system: $(kc -n kube-system get jobs -o name)"
echo "health-check Job $job: $reasons, deleted"
# The Corefile needed no migration: kept as the user wrote it, no backup, no migration line.
kc -n kube-system get cm coredns -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
assert "    chaos kadm-e2e\n" in d["Corefile"], d
assert "Corefile-backup" not in d, d' || fail "the custom Corefile was not kept as it was"
grep -q 'Migrating CoreDNS Corefile' "$logs/apply.log" && fail "apply migrated a Corefile that needed nothing"
server=$(kc version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
[[ $server == "$TO" ]] || fail "kubectl version reports server $server after apply"
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  img=$(kc -n kube-system get pod "$c-cp1" -o 'jsonpath={.spec.containers[0].image}')
  echo "  $c: $img"
done
[[ $(kc -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') == *"kubernetesVersion: $TO"* ]] ||
  fail "kubeadm-config does not store kubernetesVersion $TO"
ls -d "$(harness_host_root cp1)"/fs/etc/kubernetes/tmp/kubeadm-backup-manifests-* >/dev/null || fail "no manifest backup"
kc -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null ||
  { kadm_diagnose_unscheduled cp1 >&2; fail "deployment/coredns did not roll out"; }
kc -n kube-system rollout status daemonset/kube-proxy --timeout=180s >/dev/null ||
  { kadm_diagnose_unscheduled cp1 >&2; fail "daemonset/kube-proxy did not roll out"; }
step addons rolled out

# --- the nodes: upgrade node, the new kubelet binary, a restart (no drain) -------------------------
for n in w1 w2 cp1; do
  t=$(date +%s%N)
  if [[ $n != cp1 ]]; then
    step "$n: upgrade node"
    harness_exec "$n" "$KADM" upgrade node >"$(harness_host_root "$n")/logs/upgrade-node.log" 2>&1 ||
      { cat "$(harness_host_root "$n")/logs/upgrade-node.log" >&2; fail "kadm upgrade node failed on $n"; }
  fi
  harness_node_kubelet_upgrade "$n" "$TO"
  step "$n: kubelet restart"
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
# ... and the checks below and the next apply must meet the API server that stays: once it
# restarted after them, and the apply got a bare 403 while its RBAC informers synced. So the API
# server's container must stay the same for 10 s first.
apiserver_settled=0 apiserver_last=""
for ((i = 0; i < 120 && apiserver_settled < 10; i++)); do
  cur=$(kc --request-timeout=5s -n kube-system get pod kube-apiserver-cp1 \
    -o 'jsonpath={.status.containerStatuses[0].containerID}' 2>/dev/null || true)
  if [[ -n $cur && $cur == "$apiserver_last" ]]; then
    apiserver_settled=$((apiserver_settled + 1))
  else
    apiserver_settled=0
  fi
  apiserver_last=$cur
  sleep 1
done
((apiserver_settled >= 10)) || fail "kube-apiserver on cp1 kept restarting after the kubelet upgrade"
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
if ((failed > 0)); then
  # Each failure beside the test's steps and the workload's events, so that a failure says
  # which step it followed and whether the replicas left the Service (readiness) or not.
  sort -n "$probe_log" "$steps_log" | grep -E ' (FAIL|step) ' | sed 's/^/  /'
  kc -n demo get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 | sed 's/^/  events: /' || true
fi
((total > 100)) || fail "the probe loop made only $total requests"
((failed * 50 <= total)) || fail "the workload failed $failed of $total requests"
awk '{ if ($2 == "FAIL") { n++; if (n >= 3) exit 1 } else n = 0 }' "$probe_log" ||
  fail "the workload stopped answering for 3 requests in a row"

# --- an upgrade made to fail rolls back -----------------------------------------------------
root=$(harness_host_root cp1)/fs/etc/kubernetes
cp "$root/manifests/kube-apiserver.yaml" "$HARNESS_RUN_DIR/apiserver-before.yaml"
# bad_config FILE COMPONENT_YAML: the cluster's configuration at $TO plus COMPONENT_YAML, which
# gives a component a flag it rejects; each component waits 60 s at most.
bad_config() {
  cat >"$1" <<YAML
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
$2
YAML
}
bad_config "$root/bad-upgrade.yaml" 'apiServer:
  extraArgs:
  - name: kadm-e2e-no-such-flag
    value: "1"'
t=$(date +%s%N)
# Its health-check Job runs just after every kubelet restarted: the Pod's exit 0 counts even while
# the Job controller has not marked the Job Complete yet (seen: exit 0, Pod Running at 15 s).
if harness_exec cp1 "$KADM" upgrade apply "$TO" -y --config /etc/kubernetes/bad-upgrade.yaml \
  >"$logs/apply-bad.log" 2>&1; then
  cat "$logs/apply-bad.log" >&2
  fail "an upgrade with a flag the API server rejects succeeded"
fi
echo "failed upgrade: exited non-zero after $(ms_since "$t") ms"
grep -E 'couldn.t upgrade control plane|tried to recover|rolled back|Rolling back' "$logs/apply-bad.log" ||
  { cat "$logs/apply-bad.log" >&2; fail "the failed upgrade does not say it rolled back"; }
# What the rollback found of the components the API server took down (restarts, leases).
grep -E 'after the rollback|leader-election lease' "$logs/apply-bad.log" || true
cmp -s "$root/manifests/kube-apiserver.yaml" "$HARNESS_RUN_DIR/apiserver-before.yaml" ||
  fail "the API server manifest was not restored"
grep -q kadm-e2e-no-such-flag "$root/manifests/kube-apiserver.yaml" && fail "the bad flag is still in the manifest"
assert_control_plane_serves cp1
[[ $(kc -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') != *kadm-e2e-no-such-flag* ]] ||
  fail "the failed upgrade stored its configuration"
kc get nodes >/dev/null

# --- an etcd that does not come back is recovered, its data kept --------------------------------
# etcd goes first in the upgrade order: with a flag it rejects it never starts, apply gives it
# its previous manifest back (and its backed-up data if that etcd does not answer), and the
# control plane serves again with everything written before.
kc -n default create configmap kadm-e2e-before-etcd --from-literal=written=before >/dev/null
cp "$root/manifests/etcd.yaml" "$HARNESS_RUN_DIR/etcd-before.yaml"
bad_config "$root/bad-etcd.yaml" 'etcd:
  local:
    extraArgs:
    - name: kadm-e2e-no-such-flag
      value: "1"'
t=$(date +%s%N)
# Its preflight runs the health-check Job right after the rollback above: a kube-scheduler that
# answered its health URL but had not led again since the API server came back once left that
# Job unscheduled for the check's whole minute. The rollback now waits for a renewal of each
# component's lease (restarting one that does not renew), so the check must pass here.
if harness_exec cp1 "$KADM" upgrade apply "$TO" -y --config /etc/kubernetes/bad-etcd.yaml \
  >"$logs/apply-bad-etcd.log" 2>&1; then
  cat "$logs/apply-bad-etcd.log" >&2
  fail "an upgrade with a flag etcd rejects succeeded"
fi
echo "failed etcd upgrade: exited non-zero after $(ms_since "$t") ms"
grep -q 'ERROR CreateJob' "$logs/apply-bad-etcd.log" &&
  { cat "$logs/apply-bad-etcd.log" >&2; fail "the health-check Job after the rollback did not pass"; }
grep -q 'etcd failed to upgrade' "$logs/apply-bad-etcd.log" &&
  grep -E 'the previous etcd is running again|etcd data was rolled back' "$logs/apply-bad-etcd.log" ||
  { cat "$logs/apply-bad-etcd.log" >&2; fail "the failed etcd upgrade does not say etcd was recovered"; }
cmp -s "$root/manifests/etcd.yaml" "$HARNESS_RUN_DIR/etcd-before.yaml" ||
  fail "the etcd manifest was not restored"
assert_control_plane_serves cp1
got=$(retry 30 kc -n default get configmap kadm-e2e-before-etcd -o 'jsonpath={.data.written}' || true)
[[ $got == before ]] || fail "what was written before the failed etcd upgrade is gone (got '$got')"
kc -n default delete configmap kadm-e2e-before-etcd >/dev/null

echo "PASS: upgrade $FROM -> $TO with the workload serving ($failed/$total probe failures), rollback of a failing upgrade and of an etcd that failed; $(ms_since "$t0") ms in all"
