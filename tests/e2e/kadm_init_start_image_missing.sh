#!/usr/bin/env bash
# Issue 13: init's checks run first; then pause, etcd and kube-apiserver are pulled while the
# certificates, kubeconfig files and kubelet settings are written and the kubelet starts, and the
# first static pod manifest waits for them. An image among them that the registry lacks (here
# etcd's tag, etcd.local.imageTag) must still leave the host as a failed preflight leaves it.
# On a real node:
#   - kadm init fails in etcd/local with preflight's exit code (2), printing the ImagePull error
#     that names the image, after kubelet-start and before any manifest;
#   - nothing it wrote is left under /etc/kubernetes (the same listing as before the run) or in
#     /var/lib/kubelet (config.yaml, kubeadm-flags.env, instance-config.yaml, nor the client
#     certificate the kubelet stored, which a kubelet started again would use), the kubelet is
#     stopped and no container was started;
#   - the same init without the bad tag, preflight and all, then succeeds and the Node is Ready.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.38
root=$(harness_host_root cp1)/fs
logs=$(harness_host_root cp1)/logs
repo=$(harness_image_repository)
missing=v0.0.0-not-in-the-mirror
bad=$(kadm_init_config cp1 "" "etcd:
  local:
    imageTag: $missing")
cp "$root$bad" "$root/etc/kubernetes/bad-etcd.yaml"
good=$(kadm_init_config cp1)
etc_before=$(cd "$root" && find etc/kubernetes -mindepth 1 | sort)

rc=0
harness_exec cp1 "$KADM" init --config /etc/kubernetes/bad-etcd.yaml "${KADM_PREFLIGHT_ARGS[@]}" \
  --output json >"$logs/init1.json" 2>"$logs/init1.err" || rc=$?
cat "$logs/init1.err"
((rc == 2)) || fail "kadm init exited $rc, not 2 (preflight's code), with an etcd image the registry lacks"
grep -qF "[ERROR ImagePull]: failed to pull image $repo/etcd:$missing" "$logs/init1.err" ||
  fail "no ImagePull error naming $repo/etcd:$missing"
grep -qF "error execution phase etcd/local" "$logs/init1.err" || fail "the failure does not name etcd/local"
grep -qF "took back what this run wrote" "$logs/init1.err" || fail "the error does not say the run was taken back"
python3 - "$logs/init1.json" "$missing" <<'PY' || fail "unexpected events: $(cat "$logs/init1.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
done = [e["phase"] for e in ev if e.get("event") == "phase-finished"]
assert done[0] == "preflight" and "kubelet-start" in done, done
assert not any(p.startswith(("etcd", "control-plane")) for p in done), done
err = ev[-1]
assert err.get("event") == "error" and err["phase"] == "etcd/local", err
assert err["exitCode"] == 2 and sys.argv[2] in err["message"], err
PY
etc_after=$(cd "$root" && find etc/kubernetes -mindepth 1 | sort)
[[ $etc_after == "$etc_before" ]] ||
  fail "left under /etc/kubernetes: $(diff <(echo "$etc_before") <(echo "$etc_after") | grep '^>' | tr '\n' ' ')"
for f in config.yaml kubeadm-flags.env instance-config.yaml pki/kubelet-client-current.pem; do
  [[ ! -e $root/var/lib/kubelet/$f ]] || fail "/var/lib/kubelet/$f was left"
done
! harness_exec cp1 systemctl is-active kubelet >/dev/null || fail "the kubelet still runs"
containers=$(harness_exec cp1 crictl --runtime-endpoint unix:///run/containerd/containerd.sock ps -a -q | wc -l)
((containers == 0)) || fail "$containers containers were started"
echo "kadm init failed in etcd/local (exit 2) naming $repo/etcd:$missing; nothing it wrote is left, the kubelet is stopped"

harness_exec cp1 "$KADM" init --config "$good" "${KADM_PREFLIGHT_ARGS[@]}" >"$logs/init2.log" 2>&1 ||
  { cat "$logs/init2.log" >&2; fail "init without the bad tag (preflight included) failed"; }
grep -q 'initialized successfully' "$logs/init2.log" || fail "the second init printed no success text"
assert_control_plane_serves cp1
kadm_wait_node_ready cp1 cp1 120
echo "rerun without the bad tag, preflight included: initialized, Node Ready"
echo "PASS"
