#!/usr/bin/env bash
# Benchmark (on demand, never a test): a join storm. One real control plane (`kadm init` on a
# harness node, real kubelet) and, for each N given, N concurrent
# `kadm join --tls-bootstrap=direct` processes, each in a mount namespace of its own (tmpfs
# /etc/kubernetes and /var/lib/kubelet) with a distinct node name, all on one extra harness host.
# Direct mode needs no kubelet: kadm sends the node's CSR itself and writes kubelet.conf once the
# controller-manager has approved and signed it. Preflight is skipped (the storm host is no node:
# it runs no container runtime); discovery, the TLS bootstrap and every file write run as usual.
#
# Reports per N: successes, p50/p99/max of each join's wall time, the storm's wall time, the CPU
# seconds spent by the joiners, kube-apiserver, etcd and kube-controller-manager, the 429s the
# API server sent, and when the controller-manager signed the first and the last CSR.
#
#   sudo bench/join_storm.sh [N...]          (default: 100 300 500)
#   KADM_STORM_JOIN_ARGS="--v=5"                   extra `kadm join` arguments
#   KADM_STORM_KCM_ARGS="kube-api-qps: \"100\"..."  extra controllerManager extraArgs (YAML list
#                                                  items, see below) for an experiment
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(100 300 500)
export KADM=${KADM:-$PWD/build-release/cmd/kadm}
if [[ -z ${KADM_NO_BUILD:-} ]]; then
  # An optimised build of its own: the test build is unoptimised for compile speed.
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build-release kadm >/dev/null
fi
source tests/harness/lib.sh
source tests/e2e/lib/kadm_cluster.sh
harness_can_run || exit 1
harness_trap_cleanup
ulimit -n 65536 2>/dev/null || true

harness_node_up cp1 10.213.0.90
cluster_extra=""
if [[ -n ${KADM_STORM_KCM_ARGS:-} ]]; then
  cluster_extra="controllerManager:
  extraArgs:
$KADM_STORM_KCM_ARGS"
fi
kadm_init_control_plane cp1 "$(kadm_init_config cp1 "" "$cluster_extra")" >/dev/null
read -r -a join_args <<<"$(kadm_init_worker_join_command cp1)"
[[ ${join_args[0]} == kadm && ${join_args[1]} == join ]] || fail "no join command from kadm init"
harness_host_up storm 10.213.0.91
storm_root=$(harness_host_root storm)

# One joiner: its own mount namespace with empty /etc/kubernetes and /var/lib/kubelet; prints
# "rc start_ns end_ns user_s sys_s" to its result file.
# Scripts and results live in the storm host's /var/lib/etcd, which no joiner mounts over.
work=/var/lib/etcd/storm
mkdir -p "$storm_root/fs$work"
cat >"$storm_root/fs$work/joiner.sh" <<'SH'
#!/bin/bash
# joiner.sh OUT NODE KADM ARGS...
out=$1 node=$2; shift 2
mount -t tmpfs -o mode=0755 storm /etc/kubernetes
mount -t tmpfs -o mode=0755 storm /var/lib/kubelet
start=$(date +%s%N)
/usr/bin/time -o "$out.time" -f '%U %S' "$@" --node-name "$node" >"$out.log" 2>&1
rc=$?
echo "$rc $start $(date +%s%N) $(cat "$out.time")" >"$out.res"
SH
# The launcher forks all N joiners at once inside the storm host and waits for them.
cat >"$storm_root/fs$work/launch.sh" <<'SH'
#!/bin/bash
# launch.sh DIR N PREFIX KADM ARGS...
dir=$1 n=$2 prefix=$3; shift 3
for ((i = 1; i <= n; i++)); do
  unshare --mount --propagation private bash "$(dirname "$0")/joiner.sh" "$dir/$i" "$prefix-$i" "$@" &
done
wait
SH

# CPU seconds (user+sys) of the first process of host cp1 whose command is $1.
cpu_of() {
  local p comm
  for p in $(harness_host_pids cp1); do
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    if [[ $comm == "$1" ]]; then
      awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f\n", ($14 + $15) / hz}' "/proc/$p/stat"
      return
    fi
  done
  echo 0
}
count_429() {
  kadm_kubectl cp1 get --raw /metrics 2>/dev/null |
    awk '/^apiserver_request_total\{/ && /code="429"/ {s += $NF} END {printf "%d\n", s}'
}
# For the CSRs created since $1 (ns): when the first and the last was approved (seconds after
# $1), how many, and the median and largest lag between a CSR's creation and its approval
# (1 s resolution: the API's timestamps), and the approvals per second in between. With kubeadm's
# controller-manager settings its approver cannot keep above 10/s (20 requests/s after a burst of
# 30, two per CSR); a growing lag means it is behind.
csr_times() {
  kadm_kubectl cp1 get csr -o json | python3 -c '
import json, sys, datetime
t0 = int(sys.argv[1]) / 1e9
def ts(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
at, lag = [], []
for c in json.load(sys.stdin)["items"]:
    created = ts(c["metadata"]["creationTimestamp"])
    if created < int(t0): continue
    for cond in c.get("status", {}).get("conditions") or []:
        if cond["type"] == "Approved":
            at.append(ts(cond["lastUpdateTime"]) - t0)
            lag.append(ts(cond["lastUpdateTime"]) - created)
lag.sort()
rate = len(at) / max(1, max(at) - min(at)) if at else 0
print("%.0f/%.0f,%d %.1f/s lag %.0f/%.0f" % (min(at), max(at), len(at), rate, lag[len(lag) // 2], lag[-1]) if at else "-/-,0")' "$1"
}

printf '%-5s %9s %8s %8s %8s %8s %10s %8s %8s %8s %7s %s\n' N succeeded p50_s p99_s max_s wall_s \
  client_cpu apisrv_s etcd_s kcm_s n429 "approved(first/last s, n, rate) lag(p50/max s)"
for n in "${sizes[@]}"; do
  out=$work/n$n
  mkdir -p "$storm_root/fs$out"
  a0=$(cpu_of kube-apiserver) e0=$(cpu_of etcd) k0=$(cpu_of kube-controller) r0=$(count_429)
  t0=$(date +%s%N)
  harness_exec storm bash "$work/launch.sh" "$out" "$n" "s$n" "$KADM" join \
    "${join_args[@]:2}" --tls-bootstrap=direct --skip-phases=preflight \
    --cri-socket unix:///var/run/containerd/containerd.sock ${KADM_STORM_JOIN_ARGS:-}
  t1=$(date +%s%N)
  a1=$(cpu_of kube-apiserver) e1=$(cpu_of etcd) k1=$(cpu_of kube-controller) r1=$(count_429)
  approved=$(csr_times "$t0")
  res=("$storm_root/fs$out"/*.res)
  ok=$(cat "${res[@]}" | awk '$1 == 0' | wc -l)
  cpu=$(cat "${res[@]}" | awk '{s += $4 + $5} END {printf "%.1f", s}')
  # pct P: the P-th percentile (nearest rank) of the joins' wall times in seconds.
  cat "${res[@]}" | awk '{printf "%.1f\n", ($3 - $2) / 1e9}' | sort -n >"$storm_root/fs$out/durations"
  pct() { awk -v p="$1" '{a[NR] = $1} END {r = int(NR * p / 100 + 0.999); if (r < 1) r = 1; print a[r]}' "$storm_root/fs$out/durations"; }
  d() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.1f", x - y}'; }
  printf '%-5d %5d/%-3d %8s %8s %8s %8.1f %10s %8s %8s %8s %7d %s\n' "$n" "$ok" "$n" "$(pct 50)" \
    "$(pct 99)" "$(pct 100)" "$(awk -v ns=$((t1 - t0)) 'BEGIN {print ns / 1e9}')" "$cpu" \
    "$(d "$a1" "$a0")" "$(d "$e1" "$e0")" "$(d "$k1" "$k0")" $((r1 - r0)) "$approved"
  failed=$(grep -L '^0 ' "${res[@]}" | head -3 || true)
  for f in $failed; do echo "--- failed: ${f%.res}.log"; tail -5 "${f%.res}.log"; done
  # How each joiner waited for its certificate (with --v=5: the watch's end, or polls).
  if [[ -n ${KADM_STORM_JOIN_ARGS:-} ]]; then
    echo "CSR waits: $(cat "$storm_root/fs$out"/*.log | grep -c 'WATCH .*certificatesigningrequests.* ended: done') ended by the watch," \
      "$(cat "$storm_root/fs$out"/*.log | grep -c 'GET .*certificatesigningrequests/node-csr-') reads of a CSR"
  fi
done
