#!/usr/bin/env bash
# Benchmark (on demand, never a test): `kadm token create` vs `kubeadm token create` against the
# same live control plane (brought up by kadm on the test harness), side by side in one run.
# Reports min/median wall time of several runs, the kubeadm/kadm ratio and peak RSS.
#
#   sudo bench/compare_token.sh [RUNS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
export KADM=${KADM:-$PWD/build-release/cmd/kadm}
# An optimised build of its own: the test build is unoptimised for compile speed.
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build-release kadm >/dev/null
source tests/harness/lib.sh
source tests/e2e/lib/kadm_cluster.sh
harness_can_run || exit 1
harness_trap_cleanup
harness_node_up cp1 10.213.0.90
kadm_init_control_plane cp1 "$(kadm_init_config cp1)" >/dev/null
root=$(harness_host_root cp1)

stats() { sort -n | awk '{a[NR]=$1} END {printf "%d %d\n", a[1], a[int((NR+1)/2)]}'; }
printf '%-22s %-8s %9s %9s %9s\n' benchmark tool min_ms med_ms peak_kb
declare -A med=()
for tool in kadm kubeadm; do
  cmd=("$KADM"); [[ $tool == kubeadm ]] && cmd=(kubeadm)
  times=() rss=0
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    harness_exec cp1 /usr/bin/time -o /etc/kubernetes/rss -f '%M' "${cmd[@]}" token create \
      --kubeconfig /etc/kubernetes/admin.conf >/dev/null
    times+=($((($(date +%s%N) - t0) / 1000000)))
    kb=$(cat "$root/fs/etc/kubernetes/rss")
    if ((kb > rss)); then rss=$kb; fi
  done
  read -r mn md < <(printf '%s\n' "${times[@]}" | stats)
  med[$tool]=$md
  printf '%-22s %-8s %9d %9d %9d\n' "token create" "$tool" "$mn" "$md" "$rss"
done
awk -v a="${med[kubeadm]}" -v b="${med[kadm]}" 'BEGIN {printf "kubeadm/kadm median ratio: %.2f\n", a / (b ? b : 1)}'
