#!/usr/bin/env bash
# kadm's CRI client against the real thing: Debian's containerd (own config, root, state and
# socket in a temp dir) and Debian's docker-registry on a free loopback port holding a tiny image
# under every name `kadm config images list` prints. Proves the CRI and ContainerRuntimeVersion
# checks, `kadm config images pull` (and that a second run pulls nothing), ImagePull errors
# in `kadm init phase preflight` (fatal, and ignorable), and that reset's cleanup-node lists the
# runtime's pod sandboxes and containers (--dry-run: nothing on this machine changes).
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[[ $(id -u) == 0 ]] || skip "containerd needs root"
command -v containerd >/dev/null && command -v ctr >/dev/null ||
  skip "containerd is not installed (scripts/deps.sh installs Debian's containerd)"
command -v docker-registry >/dev/null || skip "docker-registry is not installed (scripts/deps.sh)"
command -v python3 >/dev/null || skip "python3 is not installed"

t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }
fail() { echo "FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/kadm-cri.XXXXXX)  # short: unix socket paths are limited to 107 bytes
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
registry="127.0.0.1:$port"
sock="$tmp/containerd.sock"
endpoint="unix://$sock"

# --- registry ---
mkdir -p "$tmp/registry"
cat >"$tmp/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $tmp/registry
http:
  addr: $registry
YAML
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
pids+=($!)

# --- containerd: nothing outside $tmp (CNI dirs and the opt plugin default to system paths) ---
mkdir -p "$tmp/certs.d/$registry" "$tmp/cni/net.d" "$tmp/cni/bin"
cat >"$tmp/certs.d/$registry/hosts.toml" <<TOML
server = "http://$registry"
[host."http://$registry"]
  capabilities = ["pull", "resolve"]
TOML
cat >"$tmp/containerd.toml" <<TOML
version = 2
root = "$tmp/root"
state = "$tmp/state"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$tmp/ttrpc.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$tmp/opt"
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  sandbox_image = "$registry/other/pause:1.0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$tmp/cni/bin"
    conf_dir = "$tmp/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$tmp/certs.d"
TOML
containerd --config "$tmp/containerd.toml" >"$tmp/containerd.log" 2>&1 &
pids+=($!)
ctr_() { ctr --address "$sock" "$@"; }
for _ in $(seq 100); do
  ctr_ version >/dev/null 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || { tail -20 "$tmp/containerd.log"; skip "containerd exited at start (see its log above)"; }
  sleep 0.1
done
ctr_ version >/dev/null 2>&1 || { tail -20 "$tmp/containerd.log"; skip "containerd did not start serving"; }
ctr_ plugins ls 2>/dev/null | grep -q 'io.containerd.grpc.v1 *cri .* ok' ||
  { ctr_ plugins ls | grep cri; skip "containerd's CRI plugin did not load here"; }
for _ in $(seq 100); do curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://$registry/v2/" >/dev/null || { cat "$tmp/registry.log"; fail "registry did not start"; }
echo "[$(ms) ms] containerd $(containerd --version | awk '{print $3}') and registry $registry up"

# --- 1. CRI and ContainerRuntimeVersion against the live runtime ---
report() { python3 -c '
import json, sys
doc = json.load(sys.stdin)
for c in doc["checks"]:
    if c["check"] == sys.argv[1]:
        print(c["severity"] + "\t" + c["message"])
' "$1"; }
# containerd's CRI service finishes initialising after the socket is up ("server is not
# initialized yet"): give it a few seconds.
for _ in $(seq 50); do
  "$KADM" preflight --cri-socket "$endpoint" -o json --ignore-preflight-errors=all >"$tmp/live.json" 2>"$tmp/live.err" || true
  cri_line=$(report CRI <"$tmp/live.json")
  [[ $cri_line == ok* ]] && break
  sleep 0.2
done
[[ $cri_line == ok* ]] || fail "CRI check against containerd: $cri_line"
crv=$(report ContainerRuntimeVersion <"$tmp/live.json")
if [[ $crv == warning* ]]; then
  grep -q "containerd .* does not implement the CRI method RuntimeConfig" <<<"$crv" || fail "ContainerRuntimeVersion: $crv"
  echo "[$(ms) ms] CRI ok; ContainerRuntimeVersion warns: ${crv#warning	}"
else
  # A containerd with RuntimeConfig: its driver feeds the CgroupDriver check instead.
  [[ $crv == ok* ]] || fail "ContainerRuntimeVersion: $crv"
  echo "[$(ms) ms] CRI ok; RuntimeConfig implemented"
fi

# A dead socket (bound, then its listener gone) and a missing one.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$tmp/dead.sock"
for dead in "$tmp/dead.sock" "$tmp/missing.sock"; do
  "$KADM" preflight --cri-socket "unix://$dead" -o json --ignore-preflight-errors=all >"$tmp/dead.json" 2>/dev/null || true
  line=$(report CRI <"$tmp/dead.json")
  [[ $line == error*"could not connect to the container runtime: "* ]] || fail "CRI on $dead: $line"
  [[ -z $(report ContainerRuntimeVersion <"$tmp/dead.json" | grep -v '^ok') ]] || fail "ContainerRuntimeVersion spoke for a dead runtime"
done
echo "[$(ms) ms] CRI fails on a dead and on a missing socket"

# --- 2. kadm config images pull ---
version=v1.37.2
repo="$registry/k8s"
mapfile -t images < <("$KADM" config images list --image-repository "$repo" --kubernetes-version "$version")
((${#images[@]} >= 6)) || fail "images list: ${images[*]}"
python3 "$here/lib/push_tiny_image.py" "$registry" "${images[@]#"$registry/"}" >/dev/null
echo "[$(ms) ms] pushed ${#images[@]} names to the registry"

pull() { "$KADM" config images pull --image-repository "$repo" --kubernetes-version "$version" --cri-socket "$endpoint" "$@"; }
out=$(pull 2>&1) || { echo "$out"; tail -20 "$tmp/containerd.log"; fail "config images pull"; }
[[ $(grep -c '^\[config/images\] Pulled ' <<<"$out") == "${#images[@]}" ]] || fail "pull output: $out"
have=$(ctr_ -n k8s.io images ls -q)
for i in "${images[@]}"; do grep -qxF "$i" <<<"$have" || fail "$i not in containerd after the pull: $have"; done
echo "[$(ms) ms] config images pull: all ${#images[@]} images in containerd"

out=$(pull 2>&1) || fail "second pull: $out"
[[ $(grep -c '^\[config/images\] Already present ' <<<"$out") == "${#images[@]}" ]] || fail "second pull output: $out"
grep -q 'Pulled' <<<"$out" && fail "second pull pulled again: $out"
echo "[$(ms) ms] second config images pull is a no-op (IfNotPresent)"

out=$("$KADM" config images pull --image-repository "$repo" --kubernetes-version "$version" \
  --cri-socket "unix://$tmp/missing.sock" 2>&1) && fail "pull through a missing socket succeeded"
grep -q "could not connect to the container runtime at unix://$tmp/missing.sock" <<<"$out" || fail "missing socket: $out"

# --- 3. ImagePull in kadm init phase preflight: a tag the registry does not have ---
missing_version=v1.37.1
cat >"$tmp/init.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
nodeRegistration:
  criSocket: $endpoint
  imagePullPolicy: IfNotPresent
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $missing_version
imageRepository: $repo
YAML
# Whatever else fails on this machine (kubelet, ports, ...) is ignored by name, so ImagePull
# is the only fatal check left.
others=$("$KADM" preflight --config "$tmp/init.yaml" -o json --ignore-preflight-errors=all 2>/dev/null |
  python3 -c '
import json, sys
names = {c["check"] for c in json.load(sys.stdin)["checks"] if c["severity"] == "error"}
print(",".join(sorted(names - {"ImagePull"})))')
[[ ,$others, != *,CRI,* ]] || fail "CRI fails against containerd: $others"
# Ports other tests on this machine may open at any moment are ignored up front.
ignore="${others:+$others,}Port-6443,Port-10250,Port-10257,Port-10259,Port-2379,Port-2380"
rc=0
out=$("$KADM" init phase preflight --config "$tmp/init.yaml" --ignore-preflight-errors="$ignore" 2>&1) || rc=$?
((rc != 0)) || fail "missing tag: init phase preflight succeeded: $out"
grep -q '^\[preflight\] Pulling images required for setting up a Kubernetes cluster$' <<<"$out" || fail "no pull intro: $out"
grep -qF "[ERROR ImagePull]: failed to pull image $repo/kube-apiserver:$missing_version: " <<<"$out" || fail "no ImagePull error: $out"
pause=$(printf '%s\n' "${images[@]}" | grep /pause:)
"$KADM" config images list --image-repository "$repo" --kubernetes-version "$missing_version" | grep -qxF "$pause" &&
  ! grep -qF "failed to pull image $pause" <<<"$out" || fail "the present pause image should not fail: $out"
grep -qF "[WARNING ImagePull]: the container runtime's sandbox image is \"$registry/other/pause:1.0\" but kadm's pause image is \"$repo/pause:" <<<"$out" ||
  fail "no sandbox image warning: $out"
echo "[$(ms) ms] missing tag: [ERROR ImagePull], exit $rc; sandbox image mismatch warned"
grep -m2 -F 'ImagePull]' <<<"$out" | sed 's/^/    /'

out=$("$KADM" init phase preflight --config "$tmp/init.yaml" --ignore-preflight-errors="$ignore,ImagePull" 2>&1) ||
  fail "ImagePull ignored but preflight failed: $out"
grep -qF "[WARNING ImagePull]: failed to pull image $repo/kube-apiserver:$missing_version" <<<"$out" || fail "ignored ImagePull not a warning: $out"
echo "[$(ms) ms] --ignore-preflight-errors=ImagePull turns it into a warning"

# --- 4. reset's pod removal asks this runtime (ListPodSandbox, ListContainers); --dry-run only ---
out=$("$KADM" reset phase cleanup-node --dry-run --cri-socket "$endpoint" 2>&1) || fail "reset --dry-run: $out"
grep -qF "[reset] Using the container runtime at $endpoint" <<<"$out" || fail "reset socket: $out"
grep -qF "[reset] The container runtime at $endpoint lists no pod sandboxes; nothing to remove" <<<"$out" ||
  fail "reset did not list the runtime's pod sandboxes: $out"
grep -q "Cannot list" <<<"$out" && fail "reset could not list: $out"
out=$("$KADM" reset phase cleanup-node --dry-run --cri-socket "unix://$tmp/missing.sock" 2>&1) || fail "reset, missing socket: $out"
grep -qF "Cannot list the pod sandboxes of the container runtime at unix://$tmp/missing.sock" <<<"$out" ||
  fail "reset did not name the missing socket: $out"
echo "[$(ms) ms] reset --dry-run lists the runtime's pod sandboxes; a missing socket is a warning"
echo PASS
