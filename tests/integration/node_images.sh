#!/usr/bin/env bash
# The node tools and images of the "real nodes" harness (tests/harness/IMAGES.md): runs
# scripts/node-tools.sh and scripts/node-images.sh (a no-op once cached), serves the image storage
# read-only with Debian's docker-registry on a free loopback port and checks with crane that
# every image `kadm config images list` names, agnhost and the pod network's, is there, linux/amd64, with its
# entrypoint and PATH, holding binaries that report the expected versions; that kube-proxy's
# iptables, nft and conntrack run; that pause exits 0 on SIGTERM and SIGINT; that containerd is v2.
set -euo pipefail
: "${KADM:?KADM must point at the kadm binary}"
src=${KADM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
version=${KADM_K8S_VERSION:-v1.37.2}

skip() {
  # In CI the environment is ours to provide: not being able to run is a failure there.
  if [[ ${CI:-} == true ]]; then
    echo "FAIL: cannot run under CI=true: $*" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }
t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

[[ $(id -u) == 0 ]] || skip "building the kube-proxy layer (mmdebstrap) and chroot need root"
for tool in go docker-registry mmdebstrap gcc python3 curl unshare chroot; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (see scripts/deps.sh)"
done

tmp=$(mktemp -d /tmp/kadm-node-images.XXXXXX)
registry_pid=""
cleanup() {
  if [[ -n $registry_pid ]]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- the scripts (cached: fast) ---
tools_bin=$("$src/scripts/node-tools.sh" 2>"$tmp/node-tools.log") || { cat "$tmp/node-tools.log" >&2; fail "scripts/node-tools.sh"; }
echo "[$(ms) ms] node tools in $tools_bin"
storage=$(KADM_K8S_VERSION=$version "$src/scripts/node-images.sh" 2>"$tmp/node-images.log") ||
  { cat "$tmp/node-images.log" >&2; fail "scripts/node-images.sh"; }
[[ -d $storage/docker/registry/v2/repositories/k8s ]] || fail "no k8s/ repositories in $storage"
echo "[$(ms) ms] image storage $storage"
crane=$tools_bin/crane

# --- containerd v2 (static, from the module), crane ---
cv=$("$tools_bin/containerd" --version) || fail "containerd --version"
[[ $cv == "containerd github.com/containerd/containerd/v2 v2."* ]] || fail "containerd is not v2: $cv"
out=$("$tools_bin/ctr" --version) || fail "ctr --version"
[[ $out == *" v2."* ]] || fail "ctr is not v2: $out"
[[ -x $tools_bin/containerd-shim-runc-v2 ]] || fail "no containerd-shim-runc-v2 in $tools_bin"
"$crane" version >/dev/null || fail "crane version"
echo "[$(ms) ms] $cv"

# --- the storage, read-only, on a loopback port ---
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
registry=127.0.0.1:$port
cat >"$tmp/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
  maintenance:
    readonly:
      enabled: true
    uploadpurging:
      enabled: false
http:
  addr: $registry
YAML
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://$registry/v2/" >/dev/null || { cat "$tmp/registry.log" >&2; fail "docker-registry did not start"; }
echo "[$(ms) ms] registry $registry serving the storage read-only"

# --- every image kadm names, and agnhost ---
repo=$registry/k8s
mapfile -t images < <("$KADM" config images list --kubernetes-version "$version" --image-repository "$repo")
((${#images[@]} >= 6)) || fail "kadm config images list: ${images[*]}"
images+=("$repo/agnhost:$version")
# The pod network's images, by the tags node-images.sh recorded next to the manifest.
net=$(dirname "$storage")/pod-network
[[ -s $net/images && -s $net/kube-flannel.yml ]] || fail "no pod network manifest and tags in $net"
while read -r name tag; do images+=("$repo/$name:$tag"); done <"$net/images"

# expect NAME: "entrypoint|cmd|user|file to run|its version argument|text its output must contain"
expect() {
  local name=$1 tag=$2
  case $name in
    kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy)
      echo "null|null||usr/local/bin/$name|--version|Kubernetes $tag" ;;
    etcd) echo "null|null||usr/local/bin/etcd|--version|etcd Version: ${tag%-*}" ;;
    coredns) echo "[\"/coredns\"]|null||coredns|-version|CoreDNS-${tag#v}" ;;
    agnhost) echo "[\"/agnhost\"]|[\"pause\"]||agnhost|--version|version" ;;
    flannel) echo "[\"/opt/bin/flanneld\"]|null||opt/bin/flanneld|--version|$tag" ;;
    flannel-cni-plugin) echo "null|null||flannel|--version|CNI flannel plugin" ;;
    pause) echo "[\"/pause\"]|null|65535:65535|pause|-v|pause" ;;
    *) fail "kadm names an image this test does not know: $name:$tag" ;;
  esac
}

for ref in "${images[@]}"; do
  rest=${ref#"$repo/"}
  name=${rest%:*}
  name=${name##*/}
  tag=${rest##*:}
  IFS='|' read -r want_entry want_cmd want_user file vflag want_out <<<"$(expect "$name" "$tag")"
  config=$("$crane" --insecure config "$ref" 2>"$tmp/crane.err") || fail "$ref is not in the storage: $(cat "$tmp/crane.err")"
  got=$(python3 -c '
import json, sys
c = json.loads(sys.argv[1])
cfg = c.get("config") or {}
env = dict(e.split("=", 1) for e in cfg.get("Env") or [])
print("|".join([c.get("os", ""), c.get("architecture", ""), json.dumps(cfg.get("Entrypoint")),
                json.dumps(cfg.get("Cmd")), cfg.get("User", ""), env.get("PATH", "")]))' "$config")
  IFS='|' read -r os arch entry cmd user path <<<"$got"
  [[ $os/$arch == linux/amd64 ]] || fail "$ref is $os/$arch, not linux/amd64"
  [[ $entry == "$want_entry" ]] || fail "$ref entrypoint $entry, want $want_entry"
  [[ $cmd == "$want_cmd" ]] || fail "$ref cmd $cmd, want $want_cmd"
  [[ $user == "$want_user" ]] || fail "$ref user '$user', want '$want_user'"
  [[ :$path: == *:/usr/local/bin:* ]] || fail "$ref PATH '$path' lacks /usr/local/bin"

  # The image's files: the binary is there and is the release the tag names.
  root=$tmp/rootfs-$name
  mkdir -p "$root"
  "$crane" --insecure export "$ref" - | tar -x -C "$root" || fail "export $ref"
  [[ -x $root/$file ]] || fail "$ref has no executable /$file"
  out=$("$root/$file" "$vflag" 2>&1) || fail "$ref: /$file $vflag: $out"
  [[ $out == *"$want_out"* ]] || fail "$ref: /$file $vflag says '$out', want '$want_out'"
  if [[ $name != pause ]]; then
    for f in etc/passwd etc/group etc/nsswitch.conf etc/ssl/certs/ca-certificates.crt; do
      [[ -s $root/$f ]] || fail "$ref has no /$f"
    done
    [[ $(stat -c %a "$root/tmp") == 1777 ]] || fail "$ref: /tmp is $(stat -c %a "$root/tmp"), want 1777"
  fi
  if [[ $name == flannel* ]]; then
    # Its manifest's init containers copy files with `cp`.
    out=$("$root/usr/bin/cp" --help 2>&1 | head -n 1) || true
    [[ $out == *BusyBox* ]] || fail "$ref: no working /usr/bin/cp: $out"
  fi
  if [[ $name == etcd ]]; then
    out=$("$root/usr/local/bin/etcdctl" version 2>&1) || fail "$ref: etcdctl version: $out"
    [[ $out == *"etcdctl version: ${tag%-*}"* ]] || fail "$ref: etcdctl version says '$out'"
  fi

  if [[ $name == kube-proxy ]]; then
    # Debian's netfilter userland runs in the image's own root, in an empty network namespace,
    # with /dev as a runtime gives it.
    mkdir -p "$root/dev"
    in_root() {
      unshare --net --mount sh -c 'r=$1; shift; mount --rbind /dev "$r/dev" && exec chroot "$r" "$@"' \
        sh "$root" "$@" 2>&1
    }
    for c in "iptables-nft --version" "iptables-legacy --version" "ip6tables-nft --version" \
      "conntrack --version" "nft --version"; do
      # shellcheck disable=SC2086 # the command and its flag
      out=$(in_root $c) || fail "$ref: $c: $out"
    done
    for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
      [[ $(readlink "$root/usr/sbin/$c") == iptables-wrapper ]] || fail "$ref: /usr/sbin/$c is not the wrapper"
    done
    out=$(in_root iptables -t filter -S) || fail "$ref: iptables through the wrapper: $out"
    [[ $out == *"-P INPUT ACCEPT"* ]] || fail "$ref: iptables -S in an empty namespace: $out"
    [[ $(cat "$root/tmp/.iptables-wrapper-mode") == nft ]] || fail "$ref: wrapper did not pick nft in an empty namespace"
  fi

  if [[ $name == pause ]]; then
    for sig in TERM INT; do
      "$root/pause" 2>/dev/null &
      pid=$!
      sleep 0.2
      kill -0 "$pid" 2>/dev/null || fail "pause exited before SIG$sig"
      kill -"$sig" "$pid"
      rc=0
      wait "$pid" || rc=$?
      ((rc == 0)) || fail "pause exited $rc on SIG$sig, want 0"
    done
    out=$(readelf -l "$root/pause") || fail "readelf pause"
    [[ $out != *"program interpreter"* ]] || fail "pause is not a static binary"
  fi
  rm -rf "$root"
  echo "[$(ms) ms] $ref: linux/amd64, entrypoint $entry, /$file ok"
done

echo PASS
