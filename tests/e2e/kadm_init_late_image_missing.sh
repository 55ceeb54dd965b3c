#!/usr/bin/env bash
# Issue 13: init's preflight pulls pause, etcd and kube-apiserver before anything is written, and
# leaves the images of the components that start later (kube-controller-manager and
# kube-scheduler, then kube-proxy and CoreDNS) to a background pull while the kubelet starts the
# control plane. A later image the registry does not have must still fail init, clearly and
# soon: here CoreDNS's tag (dns.imageTag) is one the mirror lacks. On a real node:
#   - preflight finishes before the failing pull does, and the control plane comes up;
#   - the addon/coredns phase fails with preflight's exit code (2), printing the ImagePull error
#     that names the image, and without the success text; nothing applies the addons;
#   - the same init without the bad tag, run again (preflight skipped, as after any init that
#     got past its control plane), converges: CoreDNS runs the right image, the Node is Ready.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"

harness_node_up cp1 10.213.0.36
repo=$(harness_image_repository)
missing=v0.0.0-not-in-the-mirror
bad=$(kadm_init_config cp1 "" "dns:
  imageTag: $missing")
cp "$(harness_host_root cp1)/fs$bad" "$(harness_host_root cp1)/fs/etc/kubernetes/bad-dns.yaml"
logs=$(harness_host_root cp1)/logs
start=$SECONDS
rc=0
harness_exec cp1 "$KADM" init --config /etc/kubernetes/bad-dns.yaml "${KADM_PREFLIGHT_ARGS[@]}" \
  --output json >"$logs/init1.json" 2>"$logs/init1.err" || rc=$?
took=$((SECONDS - start))
cat "$logs/init1.err"
((rc == 2)) || fail "kadm init exited $rc, not 2 (preflight's code), with a CoreDNS image the registry lacks"
! grep -q 'initialized successfully' "$logs/init1.err" || fail "kadm init printed its success text"
grep -qF "[ERROR ImagePull]: failed to pull image $repo/coredns:$missing" "$logs/init1.err" ||
  fail "no ImagePull error naming $repo/coredns:$missing"
grep -qF "error execution phase addon/coredns" "$logs/init1.err" || fail "the failure does not name addon/coredns"
# The order of the NDJSON events: preflight ended, the control plane came up, then the pull failed.
python3 - "$logs/init1.json" "$missing" <<'PY' || fail "unexpected events: $(cat "$logs/init1.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
done = [e["phase"] for e in ev if e.get("event") == "phase-finished"]
assert done[0] == "preflight" and "wait-control-plane" in done, done
assert "addon/coredns" not in done and "addon/kube-proxy" not in done, done
err = ev[-1]
assert err.get("event") == "error" and err["phase"] == "addon/coredns", err
assert err["exitCode"] == 2 and sys.argv[2] in err["message"], err
PY
((took < 120)) || fail "the failure took ${took}s"
echo "kadm init failed in addon/coredns after ${took}s (exit 2), naming $repo/coredns:$missing; the control plane is up"
assert_control_plane_serves cp1
! kadm_kubectl cp1 -n kube-system get deployment coredns >/dev/null 2>&1 || fail "CoreDNS was applied"

good=$(kadm_init_config cp1)
harness_exec cp1 "$KADM" init --config "$good" --skip-phases=preflight >"$logs/init2.log" 2>&1 ||
  { cat "$logs/init2.log" >&2; fail "init without the bad tag did not converge"; }
grep -q 'initialized successfully' "$logs/init2.log" || fail "the second init printed no success text"
image=$(kadm_kubectl cp1 -n kube-system get deployment coredns -o 'jsonpath={.spec.template.spec.containers[0].image}')
[[ $image == "$repo/coredns:"* && $image != *"$missing" ]] || fail "CoreDNS runs $image"
kadm_kubectl cp1 -n kube-system get daemonset kube-proxy >/dev/null || fail "no kube-proxy DaemonSet"
kadm_wait_node_ready cp1 cp1 120
echo "rerun without the bad tag: CoreDNS runs $image, kube-proxy applied, Node Ready"
echo "PASS"
