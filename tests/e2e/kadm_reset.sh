#!/usr/bin/env bash
# `kadm reset` on a real node that `kadm init` brought up: a refused prompt and --dry-run change
# nothing (every container keeps running); `kadm reset -f` stops the kubelet, stops and removes
# every pod sandbox and container through CRI, as kubeadm does (the runtime lists none after),
# leaves no kadm file, empty etcd and kubelet dirs, no control-plane process, names the runtime
# state it leaves, and keeps a file kadm did not create.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.31
cfg=$(kadm_init_config cp1)
kadm_init_control_plane cp1 "$cfg" >/dev/null
root=$(harness_host_root cp1)/fs
logs=$(harness_host_root cp1)/logs
echo "precious" >"$root/etc/kubernetes/keep-me"

# etcd's own files change while it runs, so only their names are compared.
listing() {
  (cd "$root" && find etc/kubernetes var/lib/kubelet -type f -print0 | sort -z | xargs -0 sha256sum
   find var/lib/etcd -mindepth 1 -maxdepth 3 | sort)
}
before=$(listing)

if echo n | harness_exec cp1 "$KADM" reset >"$logs/reset-no.log" 2>&1; then
  cat "$logs/reset-no.log" >&2; fail "reset went on without a yes"
fi
grep -q '\[y/N\]' "$logs/reset-no.log" || fail "no confirmation prompt: $(cat "$logs/reset-no.log")"
[[ $(listing) == "$before" ]] || fail "a refused reset changed files"
echo "refused prompt: nothing changed"

harness_exec cp1 "$KADM" reset --dry-run -f >"$logs/reset-dry.log" 2>&1 ||
  { cat "$logs/reset-dry.log" >&2; fail "kadm reset --dry-run failed"; }
cat "$logs/reset-dry.log"
for want in 'Would delete the contents of /etc/kubernetes/manifests' \
  'Would delete the contents of /var/lib/etcd' 'Would remove /etc/kubernetes/admin.conf' \
  'only etcd member'; do
  grep -q -- "$want" "$logs/reset-dry.log" || fail "dry-run output lacks: $want"
done
! grep -q 'keep-me' "$logs/reset-dry.log" || fail "dry-run would touch keep-me"
after=$(listing)
[[ $after == "$before" ]] || fail "dry-run changed files: $(diff <(echo "$before") <(echo "$after"))"
tasks() { harness_exec cp1 ctr --address /run/containerd/containerd.sock -n k8s.io tasks ls -q 2>/dev/null | sort; }
running=$(tasks)
(($(wc -l <<<"$running") >= 8)) || fail "expected 4 pods (8 tasks with sandboxes) before reset: $running"
echo "dry-run: nothing changed; $(wc -l <<<"$running") containers still run"

harness_exec cp1 "$KADM" reset -f >"$logs/reset.log" 2>&1 ||
  { cat "$logs/reset.log" >&2; fail "kadm reset -f failed"; }
cat "$logs/reset.log"

control_plane_pids() {
  local p comm
  for p in $(harness_host_pids cp1); do
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    [[ $comm =~ ^(etcd|kube-apiserver|kube-controller|kube-scheduler) ]] && echo "$p $comm"
  done
  return 0
}
no_control_plane() { [[ -z $(control_plane_pids) ]]; }
retry 30 no_control_plane || fail "control-plane processes still run: $(control_plane_pids)"
echo "no control-plane process left in cp1"
containers=$(harness_exec cp1 ctr --address /run/containerd/containerd.sock -n k8s.io containers ls -q)
[[ -z $containers ]] || fail "the runtime still has containers after reset: $containers"
harness_exec cp1 systemctl is-active kubelet >/dev/null && fail "the kubelet still runs after reset"
echo "the runtime lists no container; the kubelet is stopped"
grep -qi 'containerd' "$logs/reset.log" || fail "reset does not name the runtime state it leaves"

for f in admin.conf super-admin.conf kubelet.conf controller-manager.conf scheduler.conf; do
  [[ ! -e $root/etc/kubernetes/$f ]] || fail "$f survived"
done
for d in etc/kubernetes/manifests etc/kubernetes/pki var/lib/etcd var/lib/kubelet; do
  [[ -d $root/$d && -z $(ls -A "$root/$d") ]] || fail "$d is not an empty directory: $(ls -A "$root/$d" 2>&1)"
done
[[ $(cat "$root/etc/kubernetes/keep-me") == precious ]] || fail "keep-me was touched"
grep -q '/etc/cni/net.d' "$logs/reset.log" || fail "leftovers not listed"

# A second reset has nothing left to do and still succeeds.
harness_exec cp1 "$KADM" reset -f >"$logs/reset-again.log" 2>&1 ||
  { cat "$logs/reset-again.log" >&2; fail "second kadm reset failed"; }
grep -q 'assuming external etcd' "$logs/reset-again.log" || fail "second reset did not notice the etcd manifest is gone"
echo "PASS"
