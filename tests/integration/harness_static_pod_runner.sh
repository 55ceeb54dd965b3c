#!/usr/bin/env bash
# The static pod runner behaves like the kubelet for static pods and refuses what it cannot run
# faithfully: runs command+args with the container env, restarts on manifest change, stops on
# removal, restarts crashed processes with back-off, bind-mounts hostPath != mountPath, and puts
# unsupported manifests and unknown binaries in state "error". Uses small stand-in binaries.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/harness/lib.sh"
harness_can_run || exit 77
harness_trap_cleanup

fail() { echo "FAIL: $*" >&2; exit 1; }
# until_true SECONDS CMD...: polls CMD every 100 ms.
until_true() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.1; done
}

harness_host_up node1 10.213.0.21
root=$(harness_host_root node1)
manifests=$root/fs/etc/kubernetes/manifests
bin=$root/bin
mkdir -p "$bin" "$root/data"
cat >"$bin/daemon" <<'SH'
#!/bin/sh
echo "args: $*"
echo "env: GREETING=$GREETING"
echo "pwd: $(pwd)"
[ -n "$SHOW" ] && echo "file: $(cat "$SHOW")"
exec sleep 1000
SH
printf '#!/bin/sh\necho crashing\nexit 3\n' >"$bin/crasher"
chmod +x "$bin/daemon" "$bin/crasher"
echo "from the host path" >"$root/data/file"

pod() { # name command args-yaml [extra container yaml] [extra spec yaml]
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  hostNetwork: true
  containers:
  - name: $1
    command: [$2]
    args: [$3]
${4:-}
${5:-}
YAML
}
status() { "$HARNESS_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$root/status/$1.json" "$2" 2>/dev/null; }
is() { [[ $(status "$1" "$2") == "$3" ]]; }
log_has() { grep -q -- "$2" "$root/logs/$1.log" 2>/dev/null; }

pod web daemon '"--port=1", "--mode=a"' '    env: [{name: GREETING, value: hello}]
    workingDir: /tmp' >"$manifests/web.yaml"
# "etcd" resolves through the override (how a v1.20-era manifest gets /usr/bin/etcd).
pod etcd etcd '"--name=overridden"' >"$manifests/etcd.yaml"
HARNESS_ETCD_BINARY=$bin/daemon harness_start_static_pods node1 --bin-dir "$bin" --backoff-initial 0.2
until_true 10 log_has etcd 'args: --name=overridden' || fail "etcd binary override not used"
[[ $(status etcd argv) == *"$bin/daemon"* ]] || fail "status does not show the resolved binary"
until_true 10 log_has web 'args: --port=1 --mode=a' || fail "web did not start with its args"
log_has web 'env: GREETING=hello' || fail "container env not passed"
log_has web 'pwd: /tmp' || fail "workingDir not used"
is web state running || fail "web not running"
pid1=$(status web pid)

# A changed manifest restarts the pod with the new spec.
pod web daemon '"--port=2"' >"$manifests/web.yaml.new" && mv "$manifests/web.yaml.new" "$manifests/web.yaml"
until_true 10 log_has web 'args: --port=2' || fail "changed manifest was not applied"
until_true 5 is web state running || fail "web not running after the change"
[[ $(status web pid) != "$pid1" ]] || fail "web was not restarted"
[[ -z $(harness_exec node1 sh -c "kill -0 $pid1 2>/dev/null && echo alive") ]] || fail "old web process still runs"

# A crashing process is restarted with back-off and counted, like the kubelet's restartCount.
pod crash crasher '' >"$manifests/crash.yaml"
until_true 10 is crash restarts 3 || fail "crasher not restarted (restarts=$(status crash restarts))"
is crash lastExitCode 3 || fail "last exit code not recorded"

# hostPath != mountPath: the process sees the host path at the mount path, nothing leaks outside.
pod bound daemon '' "    env: [{name: SHOW, value: /mnt/kadm-harness-test/file}]
    volumeMounts: [{name: data, mountPath: /mnt/kadm-harness-test, readOnly: true}]" \
  "  volumes: [{name: data, hostPath: {path: $root/data, type: Directory}}]" >"$manifests/bound.yaml"
until_true 10 log_has bound 'file: from the host path' || fail "hostPath was not mounted at mountPath"
grep -qs kadm-harness-test /proc/self/mountinfo && fail "bind mount leaked out of the pod"

# What the runner cannot run faithfully is an error, not silently ignored.
pod two daemon '' '  - name: second
    command: [daemon]' >"$manifests/two.yaml"
pod nobin kube-nonexistent '' >"$manifests/nobin.yaml"
pod secret daemon '' '    env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]' >"$manifests/secret.yaml"
until_true 10 is two state error || fail "two containers accepted"
until_true 10 is nobin state error || fail "unknown binary accepted"
until_true 10 is secret state error || fail "env valueFrom accepted"
[[ $(status nobin error) == *"no executable for command 'kube-nonexistent'"* ]] || fail "unclear error: $(status nobin error)"
[[ $(status two error) == *"exactly one container"* ]] || fail "unclear error: $(status two error)"

# A removed manifest stops its pod.
pid2=$(status web pid)
rm "$manifests/web.yaml"
until_true 10 test ! -e "$root/status/web.json" || fail "status of a removed pod remains"
[[ -z $(harness_exec node1 sh -c "kill -0 $pid2 2>/dev/null && echo alive") ]] || fail "removed pod still runs"
log_has web 'manifest removed' || fail "removal not logged"

harness_stop_static_pods node1
[[ -z $(harness_exec node1 pgrep -x sleep) ]] || fail "pods survived the runner's stop"
echo "PASS: static pod runner"
