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
#   - etcd's images come first, so that its pod starts while kube-apiserver's is pulled: with a
#     kubernetesVersion whose kube-apiserver image the registry lacks (its etcd and pause are
#     there), init fails in control-plane/apiserver (exit 2) after etcd/local wrote its manifest,
#     and takes that back too, with everything the kubelet started from it: no pod sandbox or
#     container is left, /var/lib/etcd is as before, the kubelet is stopped. The registry would
#     refuse the missing tag within milliseconds, before the kubelet has started etcd; so this
#     init pulls through a front (tests/e2e/lib/held_registry.py) that holds kube-apiserver's
#     manifest until etcd's container runs, and the failure takes back a running etcd.
#   - the same init without the bad tag, preflight and all, then succeeds and the Node is Ready.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.38
root=$(harness_host_root cp1)/fs
logs=$(harness_host_root cp1)/logs
repo=$(harness_image_repository)
crictl() { harness_exec cp1 crictl --runtime-endpoint unix:///run/containerd/containerd.sock "$@"; }
listing() { (cd "$root" && find etc/kubernetes var/lib/etcd -mindepth 1 2>/dev/null | sort); }

# fails_taken_back CONFIG NAME IMAGE PHASE FINISHED: kadm init with CONFIG (a path in the host)
# fails in PHASE with preflight's exit code 2 and ImagePull error naming IMAGE, after the phases
# FINISHED (comma-separated), and takes back everything: /etc/kubernetes and /var/lib/etcd as
# before, none of the kubelet's files, the kubelet stopped, no pod sandbox or container.
# DURING, if given, is a command run while kadm init runs.
fails_taken_back() {
  local cfg=$1 name=$2 image=$3 phase=$4 finished=$5 during=${6:-} before rc=0 f pid
  before=$(listing)
  harness_exec cp1 "$KADM" init --config "$cfg" "${KADM_PREFLIGHT_ARGS[@]}" --output json \
    >"$logs/$name.json" 2>"$logs/$name.err" &
  pid=$!
  [[ -z $during ]] || $during
  wait "$pid" || rc=$?
  cat "$logs/$name.err"
  ((rc == 2)) || fail "kadm init exited $rc, not 2 (preflight's code), with $image missing"
  grep -qF "[ERROR ImagePull]: failed to pull image $image" "$logs/$name.err" ||
    fail "no ImagePull error naming $image"
  grep -qF "error execution phase $phase" "$logs/$name.err" || fail "the failure does not name $phase"
  grep -qF "took back what this run wrote" "$logs/$name.err" || fail "the error does not say the run was taken back"
  ! grep -qF "could not be taken back" "$logs/$name.err" || fail "something could not be taken back"
  python3 - "$logs/$name.json" "$image" "$phase" "$finished" <<'PY' || fail "unexpected events: $(cat "$logs/$name.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
done = [e["phase"] for e in ev if e.get("event") == "phase-finished"]
assert done[0] == "preflight" and all(p in done for p in sys.argv[4].split(",")), done
assert sys.argv[3] not in done and not any(p.startswith("control-plane/") for p in done), done
err = ev[-1]
assert err.get("event") == "error" and err["phase"] == sys.argv[3], err
assert err["exitCode"] == 2 and sys.argv[2] in err["message"], err
PY
  [[ $(listing) == "$before" ]] ||
    fail "left under /etc/kubernetes or /var/lib/etcd: $(diff <(echo "$before") <(listing) | grep '^>' | tr '\n' ' ')"
  for f in config.yaml kubeadm-flags.env instance-config.yaml pki/kubelet-client-current.pem; do
    [[ ! -e $root/var/lib/kubelet/$f ]] || fail "/var/lib/kubelet/$f was left"
  done
  ! harness_exec cp1 systemctl is-active kubelet >/dev/null || fail "the kubelet still runs"
  [[ -z $(crictl ps -a -q) && -z $(crictl pods -q) ]] || fail "left in the runtime: $(crictl pods) $(crictl ps -a)"
}

missing=v0.0.0-not-in-the-mirror
bad=$(kadm_init_config cp1 "" "etcd:
  local:
    imageTag: $missing")
cp "$root$bad" "$root/etc/kubernetes/bad-etcd.yaml"
# kube-apiserver's image missing, etcd's there: etcd/local writes its manifest and the kubelet
# starts etcd; the front holds kube-apiserver's manifest until etcd's container runs.
old_version=v1.37.1
front=$HARNESS_MIRROR_ADDR:$((HARNESS_MIRROR_PORT + 1))
gate=$(harness_host_root mirror)/kube-apiserver-may-fail
rm -f "$gate"
harness_exec_bg mirror "$logs/held_registry.log" python3 "$TESTS_DIR/e2e/lib/held_registry.py" \
  "$front" "http://$HARNESS_MIRROR_ADDR:$HARNESS_MIRROR_PORT" /kube-apiserver/manifests/ "$gate" >/dev/null
harness_node_registry cp1 "$front"
bad=$(KADM_E2E_K8S_VERSION=$old_version kadm_init_config cp1)
sed "s|^imageRepository: .*|imageRepository: $front/k8s|" "$root$bad" >"$root/etc/kubernetes/bad-version.yaml"
grep -qF "imageRepository: $front/k8s" "$root/etc/kubernetes/bad-version.yaml" ||
  fail "the configuration names no imageRepository to point at the front"
for ((i = 0; i < 100; i++)); do
  harness_exec cp1 curl -sf -o /dev/null "http://$front/v2/" && break
  sleep 0.1
done
((i < 100)) || fail "the registry front did not start: $(cat "$logs/held_registry.log")"
# While init runs: once etcd's container runs, kube-apiserver's manifest may be refused.
release_when_etcd_runs() {
  local j
  for ((j = 0; j < 1200; j++)); do
    if [[ -n $(crictl ps --name '^etcd$' --state running -q 2>/dev/null) ]]; then
      touch "$gate"
      return 0
    fi
    sleep 0.1
  done
  touch "$gate"
  fail "etcd's container did not run within 120 s while kube-apiserver's image was held"
}
good=$(kadm_init_config cp1) # the same path: written again with the mirror's version

fails_taken_back /etc/kubernetes/bad-etcd.yaml init1 "$repo/etcd:$missing" etcd/local kubelet-start
echo "kadm init failed in etcd/local (exit 2) naming $repo/etcd:$missing; nothing it wrote is left, the kubelet is stopped"
fails_taken_back /etc/kubernetes/bad-version.yaml init3 "$front/k8s/kube-apiserver:$old_version" \
  control-plane/apiserver kubelet-start,etcd/local release_when_etcd_runs
echo "kadm init failed in control-plane/apiserver (exit 2) after etcd/local, with etcd running; all taken back"

harness_exec cp1 "$KADM" init --config "$good" "${KADM_PREFLIGHT_ARGS[@]}" >"$logs/init2.log" 2>&1 ||
  { cat "$logs/init2.log" >&2; fail "init without the bad tag (preflight included) failed"; }
grep -q 'initialized successfully' "$logs/init2.log" || fail "the second init printed no success text"
assert_control_plane_serves cp1
kadm_wait_node_ready cp1 cp1 120
echo "rerun without the bad tag, preflight included: initialized, Node Ready"
echo "PASS"
