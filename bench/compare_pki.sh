#!/usr/bin/env bash
# Benchmark (run on demand, never part of the tests): kadm vs real kubeadm, side by side in one
# run with the same configuration — `init phase certs all` + `init phase kubeconfig all` for
# RSA-2048 and ECDSA-P256, and `version`. Reports min/median wall time of several runs, the
# kubeadm/kadm ratio and the peak RSS of each tool. The machine's CPU count and load average are
# printed before and after: other work on the machine moves the absolute numbers (the ratios
# less so, since both tools run in the same conditions, alternately).
#
#   bench/compare_pki.sh [RUNS=7]
#   NINJA_JOBS=4 bench/compare_pki.sh     parallel jobs for the release build (default 2)
#   KADM=/path/to/kadm bench/compare_pki.sh   that binary instead of building build-release
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=$(scripts/k8s-binaries.sh)
kubeadm=$bin/kubeadm
if [[ -n ${KADM:-} ]]; then
  kadm=$KADM # a given binary (say, an older build to compare with), used as it is
else
  # An optimised build of its own: the test build is unoptimised for compile speed.
  kadm=$PWD/build-release/cmd/kadm
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build-release -j"${NINJA_JOBS:-2}" kadm >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

config() { # ALGORITHM DIR
  cat <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.10
nodeRegistration:
  name: node1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $2/pki
encryptionAlgorithm: $1
YAML
}

# measure TOOL ALGORITHM -> prints "ms rss_kb" for one fresh run of certs + kubeconfig
measure() {
  local tool=$1 alg=$2 dir t0 ms
  dir=$(mktemp -d -p "$work")
  config "$alg" "$dir" >"$dir/c.yaml"
  # Each run starts with nothing dirty: kubeadm does not sync what it writes, and on ext4 the
  # next fsync (kadm syncs its files) would otherwise wait for the previous run's writeback.
  sync
  t0=$(date +%s%N)
  /usr/bin/time -o "$dir/rss1" -f '%M' "$tool" init phase certs all --config "$dir/c.yaml" >"$dir/log" 2>&1 ||
    { cat "$dir/log" >&2; return 1; }
  /usr/bin/time -o "$dir/rss2" -f '%M' "$tool" init phase kubeconfig all --config "$dir/c.yaml" \
    --kubeconfig-dir "$dir" >>"$dir/log" 2>&1 || { cat "$dir/log" >&2; return 1; }
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "$ms $(sort -n "$dir/rss1" "$dir/rss2" | tail -1)"
}

stats() { # values... -> "min median"
  sort -n | awk '{a[NR]=$1} END {printf "%d %d\n", a[1], a[int((NR+1)/2)]}'
}

machine() { echo "# $(date -u +%Y-%m-%dT%H:%MZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"; }
machine
printf '%-26s %-8s %9s %9s %9s %9s %8s\n' benchmark tool min_ms med_ms peak_kb ratio_med ""
for alg in RSA-2048 ECDSA-P256; do
  declare -A med=() tt=() rss=([kadm]=0 [kubeadm]=0)
  # Alternately, so a change in the machine's load hits both tools alike.
  for ((i = 0; i < runs; i++)); do
    for tool in kadm kubeadm; do
      path=$kadm; [[ $tool == kubeadm ]] && path=$kubeadm
      read -r ms kb < <(measure "$path" "$alg")
      tt[$tool]+="$ms "; if ((kb > rss[$tool])); then rss[$tool]=$kb; fi
    done
  done
  for tool in kadm kubeadm; do
    # shellcheck disable=SC2086 # the list is space-separated numbers
    read -r mn md < <(printf '%s\n' ${tt[$tool]} | stats)
    med[$tool]=$md
    printf '%-26s %-8s %9d %9d %9d\n' "certs+kubeconfig $alg" "$tool" "$mn" "$md" "${rss[$tool]}"
  done
  awk -v a="${med[kubeadm]}" -v b="${med[kadm]}" 'BEGIN {printf "%-26s kubeadm/kadm median ratio: %.2f\n", "", a / (b ? b : 1)}'
done

for tool in kadm kubeadm; do
  path=$kadm; [[ $tool == kubeadm ]] && path=$kubeadm
  times=() rss=0
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -o "$work/rss" -f '%M' "$path" version -o short >/dev/null
    kb=$(cat "$work/rss")
    times+=($((($(date +%s%N) - t0) / 1000000))); if ((kb > rss)); then rss=$kb; fi
  done
  read -r mn md < <(printf '%s\n' "${times[@]}" | stats)
  printf '%-26s %-8s %9d %9d %9d\n' "version" "$tool" "$mn" "$md" "$rss"
done
machine
