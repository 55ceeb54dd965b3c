#!/usr/bin/env bash
# kadm preflight --fix on a fixture root: files are fixed (with backups), live-state commands are
# only shown, a second run changes nothing, and --dry-run changes nothing at all.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"

root=$(mktemp -d /tmp/kadm-preflight-XXXXXX)
trap 'rm -rf "$root"' EXIT

mkfix() {
  mkdir -p "$root"/etc/selinux "$root"/sys/fs/selinux "$root"/proc/sys/net/ipv4
  printf 'UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n' >"$root/etc/fstab"
  printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$root/etc/selinux/config"
  printf '1' >"$root/sys/fs/selinux/enforce"
  printf 'Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n' >"$root/proc/swaps"
  printf '0\n' >"$root/proc/sys/net/ipv4/ip_forward"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

mkfix
# Dry run: shows diffs and commands, changes nothing.
out=$("$KADM" preflight --root "$root" --fix --dry-run --ignore-preflight-errors=all 2>&1) || true
grep -q 'run: swapoff -a' <<<"$out" || fail "dry run does not show swapoff: $out"
grep -q 'run: setenforce 0' <<<"$out" || fail "dry run does not show setenforce"
grep -q 'run: modprobe br_netfilter' <<<"$out" || fail "dry run does not show modprobe"
grep -q 'run: sysctl -w net.ipv4.ip_forward=1' <<<"$out" || fail "dry run does not show sysctl -w"
grep -q '^+SELINUX=permissive' <<<"$out" || fail "dry run does not show the selinux diff"
grep -q '^/swapfile none swap' "$root/etc/fstab" || fail "dry run changed /etc/fstab"
[ ! -e "$root/etc/sysctl.d/k8s.conf" ] || fail "dry run wrote sysctl.d"
ls "$root"/etc/*.kadm-backup-* >/dev/null 2>&1 && fail "dry run wrote a backup"

# Real run against the tree: files change, commands are not run on this machine.
out=$("$KADM" preflight --root "$root" --fix --ignore-preflight-errors=all 2>&1) ||
  fail "fix run failed: $out"
grep -q 'Not running "swapoff -a"' <<<"$out" || fail "live command not reported as skipped"
grep -q '^# disabled by kadm.*/swapfile none swap' "$root/etc/fstab" || fail "fstab not fixed"
grep -q '^/swapfile none swap' "$root"/etc/fstab.kadm-backup-* || fail "no fstab backup"
grep -qx 'SELINUX=permissive' "$root/etc/selinux/config" || fail "selinux config not fixed"
grep -qx 'br_netfilter' "$root/etc/modules-load.d/k8s.conf" || fail "modules-load.d not written"
for key in net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv4.ip_forward; do
  grep -qx "$key = 1" "$root/etc/sysctl.d/k8s.conf" || fail "$key not persisted"
done
grep -q 'WARNING SwapFstab' <<<"$out" && fail "SwapFstab still warns after the fix: $out"

# Second run: the files are settled; only live state (not ours to change here) remains.
before=$(cd "$root" && find etc -type f | sort | xargs md5sum)
out=$("$KADM" preflight --root "$root" --fix --ignore-preflight-errors=all 2>&1) || fail "second run failed"
after=$(cd "$root" && find etc -type f | sort | xargs md5sum)
[ "$before" = "$after" ] || fail "second fix run changed files"
grep -q '^[-+]' <<<"$out" && fail "second run printed a diff: $out"

# Machine-readable report.
"$KADM" preflight --root "$root" -o json --ignore-preflight-errors=all 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(c["check"]=="Swap" for c in d["checks"]); assert all({"check","severity","message","fix"} <= set(c) for c in d["checks"])' ||
  fail "json report malformed"

# Without ignores the run fails with the preflight exit code and kubeadm's lines.
set +e
out=$("$KADM" preflight --root "$root" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "expected exit 2, got $rc"
grep -q '\[ERROR SELinux\]' <<<"$out" || fail "SELinux enforcing not an error"
grep -q 'error: preflight checks failed' <<<"$out" || fail "missing final error line"
echo PASS
