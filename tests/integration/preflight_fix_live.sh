#!/usr/bin/env bash
# kadm preflight --fix changing live state for real, confined to a network namespace of its own:
# net.ipv4.ip_forward (and the bridge sysctls) are per network namespace, so `sysctl -w` runs for
# real there while the machine keeps its values. /etc/sysctl.d, /etc/modules-load.d and
# /etc/fstab are scratch copies bound in a private mount namespace. A second --fix changes
# nothing. Fixes whose live part would reach the whole machine (swapoff, setenforce, modprobe)
# must have nothing to do here, or the test does not apply (exit 77).
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] && command -v unshare >/dev/null || { echo "needs root and unshare"; exit 77; }
(($(wc -l </proc/swaps) <= 1)) || { echo "swap is on: --fix would run swapoff on this machine"; exit 77; }
[[ $(cat /sys/fs/selinux/enforce 2>/dev/null || echo 0) == 0 ]] || { echo "SELinux enforcing: --fix would run setenforce"; exit 77; }
[[ -d /proc/sys/net/bridge ]] || { echo "br_netfilter not loaded: --fix would run modprobe"; exit 77; }

work=$(mktemp -d /tmp/kadm-fix-live-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sysctl.d" "$work/modules-load.d"
cp /etc/fstab "$work/fstab" 2>/dev/null || : >"$work/fstab"
host_forward=$(cat /proc/sys/net/ipv4/ip_forward)

cat >"$work/inside.sh" <<'SH'
set -eu
w=$1 kadm=$2
mount --bind "$w/sysctl.d" /etc/sysctl.d
mount --bind "$w/modules-load.d" /etc/modules-load.d
mount --bind "$w/fstab" /etc/fstab
args="--join 10.9.9.9:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification --fix --ignore-preflight-errors=all"
cat /proc/sys/net/ipv4/ip_forward >"$w/before"
"$kadm" preflight $args >"$w/first.log" 2>&1
cat /proc/sys/net/ipv4/ip_forward >"$w/after"
"$kadm" preflight $args >"$w/second.log" 2>&1
SH
unshare -n -m --propagation private sh "$work/inside.sh" "$work" "$KADM" ||
  { cat "$work"/*.log >&2; fail "kadm preflight --fix failed"; }

[[ $(cat "$work/before") == 0 ]] || fail "a new network namespace should start with ip_forward 0"
grep -q 'run: sysctl -w net.ipv4.ip_forward=1' "$work/first.log" || fail "no live sysctl: $(cat "$work/first.log")"
[[ $(cat "$work/after") == 1 ]] || fail "ip_forward is still $(cat "$work/after") after --fix"
grep -qx 'net.ipv4.ip_forward = 1' "$work/sysctl.d/k8s.conf" || fail "not persisted in sysctl.d"
grep -qx 'br_netfilter' "$work/modules-load.d/k8s.conf" || fail "br_netfilter not persisted"
grep -q 'Nothing to change' "$work/second.log" || fail "second --fix changed something: $(cat "$work/second.log")"
[[ $(cat /proc/sys/net/ipv4/ip_forward) == "$host_forward" ]] || fail "the machine's ip_forward changed"
echo "ip_forward 0 -> 1 inside the namespace, $host_forward outside; second run: nothing to change"
echo PASS
