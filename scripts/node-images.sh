#!/usr/bin/env bash
# Builds every image `kadm config images list` names for one Kubernetes release, plus agnhost and
# the pod network (flannel and its CNI plugin), from source and Debian packages, into a docker-registry storage directory (the registry's
# storage.filesystem.rootdirectory) under the repository path k8s/, e.g. k8s/kube-apiserver:v1.37.2.
# A harness serves it with Debian's docker-registry; see tests/harness/IMAGES.md.
#
#   KADM=build/cmd/kadm scripts/node-images.sh   build what changed, print the storage directory
#   KADM_K8S_VERSION=v1.36.3 ...                 another release (kadm must support it)
#
# Names and tags come from kadm's own list (nothing here hard-codes them). Binaries come from
# scripts/k8s-binaries.sh (Kubernetes components, agnhost), this script (etcd and CoreDNS at
# the versions kadm's tags name, each in a cache directory of its own; pause from
# scripts/images/pause.c) and Debian (CA certificates; iptables, nftables and conntrack for
# kube-proxy through mmdebstrap). Images are pushed with crane to a docker-registry started
# on a free loopback port for the run. Every image has a stamp with its inputs; an image whose
# stamp matches and whose tag is in the storage is not touched, so a second run is a no-op.
set -euo pipefail

K8S_VERSION=${KADM_K8S_VERSION:-v1.37.2}
CACHE_ROOT=${KADM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kadm}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$CACHE_ROOT/images-$K8S_VERSION
REG=$OUT/registry
STAMPS=$OUT/stamps
WORK=$OUT/work
LAYERS=$OUT/layers
REPO_PATH=k8s
# kadm prints names under a repository; only what follows it is used (.invalid never resolves).
LIST_REPO=kadm.invalid/$REPO_PATH
# Bump when the way images are assembled changes: every image is rebuilt.
RECIPE=2
IMAGE_PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ETCD_MODULE=go.etcd.io/etcd
COREDNS_MODULE=github.com/coredns/coredns
# The pod network (flannel, host-gw or vxlan) that tests install with its own manifest. v0.28.10
# needs a tencentcloud vpc SDK release the module proxy does not serve; v0.28.4 builds once its
# tencentcloud common SDK is raised from the unserved v1.3.79 to v1.3.90.
FLANNEL_MODULE=github.com/flannel-io/flannel
FLANNEL_VERSION=v0.28.4
FLANNEL_EXTRA_GET=github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common@v1.3.90
# flannel's CNI plugin (reads /run/flannel/subnet.env, delegates to bridge) lives in
# flannel-io/cni-plugin, which the module proxy does not serve; its source before the move is
# plugins/meta/flannel of containernetworking/plugins v0.9.1.
FLANNEL_CNI_MODULE=github.com/containernetworking/plugins
FLANNEL_CNI_VERSION=v0.9.1
KUBE_PROXY_DEBS=iptables,nftables,conntrack,dash

log() { printf '[node-images] %s\n' "$*" >&2; }
step_name=""
step_start=0
# A failing command anywhere inside a step names the step (set -e + this trap).
on_exit() {
  local rc=$?
  if ((rc != 0)) && [[ -n $step_name ]]; then
    printf '[node-images] FAILED at step: %s (exit %d)\n' "$step_name" "$rc" >&2
  fi
  stop_registry
  exit "$rc"
}
fail() {
  printf '[node-images] FAILED at step: %s\n' "$*" >&2
  step_name=""
  exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
begin() {
  step_name=$1
  step_start=$(now_ms)
  log "$1 ..."
}
end() {
  log "$step_name: done in $(($(now_ms) - step_start)) ms"
  step_name=""
}
registry_pid=""
stop_registry() {
  if [[ -n $registry_pid ]]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=""
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

[[ -n ${KADM:-} ]] || fail "KADM is not set: point it at the kadm binary (KADM=build/cmd/kadm $0)"
[[ -x $KADM ]] || fail "KADM=$KADM is not an executable kadm binary"

mkdir -p "$REG" "$STAMPS" "$WORK" "$LAYERS"
# One build at a time per cache: CI and a developer may start it together.
exec 9>"$OUT/.lock"
flock 9

# --- what kadm asks for -------------------------------------------------------------------
begin "list the images kadm $K8S_VERSION names"
list=$("$KADM" config images list --kubernetes-version "$K8S_VERSION" --image-repository "$LIST_REPO") ||
  fail "kadm config images list --kubernetes-version $K8S_VERSION"
declare -A tag_of=() # image name (last path element) -> tag
declare -A path_of=() # image name -> path under the repository (coredns may be coredns/coredns)
while IFS= read -r ref; do
  [[ -n $ref ]] || continue
  [[ $ref == "$LIST_REPO/"*:* ]] || fail "parse kadm's image name '$ref' (expected $LIST_REPO/<name>:<tag>)"
  rest=${ref#"$LIST_REPO/"}
  path=${rest%:*}
  name=${path##*/}
  tag_of[$name]=${rest##*:}
  path_of[$name]=$path
done <<<"$list"
for name in "${!tag_of[@]}"; do
  case $name in
    kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy | etcd | coredns | pause) ;;
    *) fail "kadm names an image this script cannot build: $name:${tag_of[$name]} (teach scripts/node-images.sh)" ;;
  esac
done
for name in kube-apiserver pause etcd coredns; do
  [[ -n ${tag_of[$name]:-} ]] || fail "kadm's list for $K8S_VERSION has no $name image: $list"
done
# agnhost is built from the same Kubernetes release and tagged with it; flannel with its own.
tag_of[agnhost]=$K8S_VERSION
path_of[agnhost]=agnhost
tag_of[flannel]=$FLANNEL_VERSION
path_of[flannel]=flannel
tag_of[flannel-cni-plugin]=$FLANNEL_CNI_VERSION
path_of[flannel-cni-plugin]=flannel-cni-plugin
end

# --- tools and binaries (each a fast no-op when cached) ------------------------------------
begin "node tools (crane)"
tools_bin=$("$HERE/node-tools.sh")
crane=$tools_bin/crane
end

# resolve_version MODULE WANT: WANT if the module proxy serves it, else the newest served
# version of the same minor release (printed to stderr, recorded next to the binaries).
resolve_version() {
  local mod=$1 want=$2 v best=""
  if GOFLAGS=-mod=mod go mod download -json "$mod@$want" >/dev/null 2>&1; then
    echo "$want"
    return 0
  fi
  for v in $(GOFLAGS=-mod=mod go list -m -versions "$mod" | cut -d' ' -f2-); do
    [[ $v == "${want%.*}".* && $v != *-* ]] && best=$v
  done
  [[ -n $best ]] || return 1
  log "$mod@$want is not served: using $best, the newest of the same minor release"
  echo "$best"
}

# go_build_tool DIR NAME MODULE VERSION PKG LDFLAGS [EXTRA_GET]: builds PKG of MODULE@VERSION into
# DIR/bin/NAME through a small wrapper module (etcd's own go.mod has relative replace directives,
# so a plain `go install pkg@version` refuses it). EXTRA_GET raises a dependency the proxy lacks.
# GO_TOOL_CGO=1 builds with cgo, linked statically.
go_build_tool() {
  local dir=$1 name=$2 mod=$3 version=$4 pkg=$5 ldflags=$6 extra=${7:-}
  mkdir -p "$dir/src-$name" "$dir/bin"
  (
    cd "$dir/src-$name"
    printf 'module kadm.test/%s\n\ngo %s\n' "$name" "$(go env GOVERSION | sed 's/^go//')" >go.mod
    rm -f go.sum
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >tools.go
    export CGO_ENABLED=${GO_TOOL_CGO:-0} GOFLAGS=-mod=mod
    local tags=()
    if [[ $CGO_ENABLED == 1 ]]; then
      ldflags="$ldflags -extldflags -static"
      tags=(-tags netgo,osusergo)
    fi
    # shellcheck disable=SC2086 # extra is a list of module@version
    go get "$mod@$version" $extra >"get-$name.log" 2>&1 || { cat "get-$name.log" >&2; exit 1; }
    go mod tidy >>"get-$name.log" 2>&1 || { cat "get-$name.log" >&2; exit 1; }
    go build -trimpath "${tags[@]}" -ldflags "-s -w $ldflags" -o "$dir/bin/$name.tmp" "$pkg" \
      >"build-$name.log" 2>&1 || { cat "build-$name.log" >&2; exit 1; }
  )
  mv "$dir/bin/$name.tmp" "$dir/bin/$name"
}

# etcd at the release kadm's tag names (3.7.0-0 -> v3.7.0), with etcdctl of the same release.
etcd_tag=${tag_of[etcd]}
etcd_want=v${etcd_tag%-*}
etcd_dir=$CACHE_ROOT/etcd-$etcd_want
if [[ ! -x $etcd_dir/bin/etcd || ! -x $etcd_dir/bin/etcdctl || ! -f $etcd_dir/version ]]; then
  begin "build etcd for tag $etcd_tag (slow the first time)"
  etcd_version=$(resolve_version "$ETCD_MODULE/server/v3" "$etcd_want") ||
    fail "find $ETCD_MODULE/server/v3 $etcd_want or a release of the same minor on the module proxy"
  go_build_tool "$etcd_dir" etcd "$ETCD_MODULE/server/v3" "$etcd_version" "$ETCD_MODULE/server/v3" ""
  go_build_tool "$etcd_dir" etcdctl "$ETCD_MODULE/etcdctl/v3" "$etcd_version" "$ETCD_MODULE/etcdctl/v3" ""
  echo "$etcd_version" >"$etcd_dir/version"
  end
fi
etcd_version=$(<"$etcd_dir/version")

# CoreDNS at kadm's tag (its main package is the module root).
coredns_tag=${tag_of[coredns]}
coredns_dir=$CACHE_ROOT/coredns-$coredns_tag
if [[ ! -x $coredns_dir/bin/coredns || ! -f $coredns_dir/version ]]; then
  begin "build CoreDNS for tag $coredns_tag (slow the first time)"
  coredns_version=$(resolve_version "$COREDNS_MODULE" "$coredns_tag") ||
    fail "find $COREDNS_MODULE $coredns_tag or a release of the same minor on the module proxy"
  go_build_tool "$coredns_dir" coredns "$COREDNS_MODULE" "$coredns_version" "$COREDNS_MODULE" \
    "-X $COREDNS_MODULE/coremain.GitCommit=module-proxy"
  echo "$coredns_version" >"$coredns_dir/version"
  end
fi
coredns_version=$(<"$coredns_dir/version")

# flanneld (cgo: its udp backend) and flannel's CNI plugin.
flannel_dir=$CACHE_ROOT/flannel-$FLANNEL_VERSION
if [[ ! -x $flannel_dir/bin/flanneld || ! -x $flannel_dir/bin/flannel || ! -s $flannel_dir/kube-flannel.yml ]]; then
  begin "build flannel $FLANNEL_VERSION and its CNI plugin (slow the first time)"
  GO_TOOL_CGO=1 go_build_tool "$flannel_dir" flanneld "$FLANNEL_MODULE" "$FLANNEL_VERSION" "$FLANNEL_MODULE" \
    "-X $FLANNEL_MODULE/pkg/version.Version=$FLANNEL_VERSION" "$FLANNEL_EXTRA_GET"
  go_build_tool "$flannel_dir" flannel "$FLANNEL_CNI_MODULE" "$FLANNEL_CNI_VERSION" \
    "$FLANNEL_CNI_MODULE/plugins/meta/flannel" ""
  # The manifest its users apply, from the same module.
  src=$(cd "$flannel_dir/src-flanneld" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' "$FLANNEL_MODULE")
  install -m 0644 "$src/Documentation/kube-flannel.yml" "$flannel_dir/kube-flannel.yml"
  end
fi

# After etcd and CoreDNS: this one may wait for another build of the same release (flock).
begin "Kubernetes $K8S_VERSION binaries"
k8s_bin=$(KADM_K8S_VERSION=$K8S_VERSION "$HERE/k8s-binaries.sh")
for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy agnhost; do
  [[ -x $k8s_bin/$b ]] || fail "find $b in $k8s_bin (scripts/k8s-binaries.sh builds it)"
done
end

# pause from the repository's C source, static.
pause_src=$HERE/images/pause.c
pause_inputs=$(sha256sum <"$pause_src" | cut -d' ' -f1)-$(gcc -dumpfullversion 2>/dev/null || echo none)
if [[ ! -x $WORK/pause || $(cat "$WORK/pause.inputs" 2>/dev/null) != "$pause_inputs" ]]; then
  begin "compile pause"
  command -v gcc >/dev/null || fail "compile pause: gcc is missing (scripts/deps.sh installs build-essential)"
  gcc -static -Os -s -Wall -Wextra -Werror -o "$WORK/pause.tmp" "$pause_src"
  mv "$WORK/pause.tmp" "$WORK/pause"
  echo "$pause_inputs" >"$WORK/pause.inputs"
  end
fi

# --- layers -----------------------------------------------------------------------------
# make_tar DIR OUT: a reproducible layer tarball of DIR (root-owned, epoch mtimes, sorted), with
# OUT.sha256 beside it.
make_tar() {
  tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$2.tmp" .
  sha256sum <"$2.tmp" | cut -d' ' -f1 >"$2.sha256"
  mv "$2.tmp" "$2"
}

# The base every image but pause starts from: users, groups, nsswitch, /tmp, CA certificates.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
ca_version=$(dpkg-query -W -f='${Version}' ca-certificates 2>/dev/null || true)
base_inputs="recipe $RECIPE ca-certificates $ca_version $(sha256sum <"$ca_bundle" 2>/dev/null | cut -d' ' -f1)"
if [[ ! -f $LAYERS/base.tar || $(cat "$LAYERS/base.inputs" 2>/dev/null) != "$base_inputs" ]]; then
  begin "base layer (passwd, group, nsswitch, /tmp, CA certificates)"
  [[ -n $ca_version && -s $ca_bundle ]] ||
    fail "base layer: Debian's ca-certificates is not installed (scripts/deps.sh installs it)"
  root=$WORK/base-root
  rm -rf "$root" && mkdir -p "$root"/{etc/ssl/certs,tmp,root,home/nonroot,var/run}
  chmod 0755 "$root"
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"
  cp "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
  chown 65532:65532 "$root/home/nonroot"
  make_tar "$root" "$LAYERS/base.tar"
  rm -rf "$root"
  echo "$base_inputs" >"$LAYERS/base.inputs"
  end
fi

# kube-proxy's userland: iptables (nft and legacy backends), nftables, conntrack and their
# libraries, from Debian's packages of this machine's release; dash runs the iptables wrapper.
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
wrapper=$HERE/images/iptables-wrapper
netfilter_inputs="recipe $RECIPE suite $suite debs $KUBE_PROXY_DEBS wrapper $(sha256sum <"$wrapper" | cut -d' ' -f1)"
if [[ ! -f $LAYERS/netfilter.tar || $(cat "$LAYERS/netfilter.inputs" 2>/dev/null) != "$netfilter_inputs" ]]; then
  begin "netfilter layer for kube-proxy (mmdebstrap $suite: $KUBE_PROXY_DEBS)"
  command -v mmdebstrap >/dev/null || fail "netfilter layer: mmdebstrap is missing (scripts/deps.sh installs it)"
  [[ -n $suite ]] || fail "netfilter layer: no VERSION_CODENAME in /etc/os-release"
  root=$WORK/netfilter-root
  rm -rf "$root"
  # extract: the packages and their dependencies unpacked, no maintainer scripts run.
  mmdebstrap --quiet --variant=extract --include="$KUBE_PROXY_DEBS" --skip=output/dev \
    "$suite" "$root" >"$WORK/mmdebstrap.log" 2>&1 || { cat "$WORK/mmdebstrap.log" >&2; false; }
  # What extraction brings but a container does not use: documentation, translations, package
  # manager state, device nodes (the runtime provides /dev), files the runtime bind-mounts,
  # maintainer tools.
  rm -rf "$root"/usr/share/{doc,man,locale,info,lintian,bug} "$root"/usr/lib/x86_64-linux-gnu/gconv \
    "${root:?}"/{dev,var,run,etc/apt,etc/dpkg,etc/alternatives,etc/cron.daily,etc/logrotate.d} \
    "$root"/etc/{fstab,hostname,resolv.conf,hosts} \
    "$root"/usr/bin/{dpkg,dpkg-*,update-alternatives,ischroot,savelog} \
    "$root"/bin/{tar,run-parts,tempfile} "$root"/sbin/{installkernel,start-stop-daemon} \
    "$root"/usr/sbin/{add-shell,remove-shell,update-shells,dpkg-fsys-usrunmess,rmt-tar,tarcat}
  rmdir "$root"/tmp 2>/dev/null || true # the base layer's /tmp (1777) stays
  for b in xtables-nft-multi xtables-legacy-multi nft conntrack; do
    [[ -x $root/usr/sbin/$b ]] || fail "netfilter layer: /usr/sbin/$b missing after mmdebstrap"
  done
  install -m 0755 "$wrapper" "$root/usr/sbin/iptables-wrapper"
  for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf iptables-wrapper "$root/usr/sbin/$c"
  done
  chmod 0755 "$root"
  make_tar "$root" "$LAYERS/netfilter.tar"
  rm -rf "$root"
  echo "$netfilter_inputs" >"$LAYERS/netfilter.inputs"
  end
fi

# `cp` for flannel's install init containers: Debian's static busybox under /usr/bin (not /bin,
# which the netfilter layer has as a symlink a directory would hide).
busybox=/bin/busybox
busybox_inputs="recipe $RECIPE busybox-static $(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || true)"
if [[ ! -f $LAYERS/busybox.tar || $(cat "$LAYERS/busybox.inputs" 2>/dev/null) != "$busybox_inputs" ]]; then
  begin "busybox layer (cp)"
  [[ -x $busybox ]] || fail "busybox layer: Debian's busybox-static is not installed (scripts/deps.sh installs it)"
  root=$WORK/busybox-root
  rm -rf "$root" && mkdir -p "$root/usr/bin"
  chmod 0755 "$root"
  install -m 0755 "$busybox" "$root/usr/bin/busybox"
  ln -s busybox "$root/usr/bin/cp"
  make_tar "$root" "$LAYERS/busybox.tar"
  rm -rf "$root"
  echo "$busybox_inputs" >"$LAYERS/busybox.inputs"
  end
fi

# --- images -------------------------------------------------------------------------------
# One row per image: layers (base layer names and binaries as src=dest), config for crane mutate.
declare -A bins_of=() layers_of=() entrypoint_of=() cmd_of=() user_of=() source_of=()
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  bins_of[$c]="$k8s_bin/$c=/usr/local/bin/$c"
  layers_of[$c]=base
  source_of[$c]="k8s.io/kubernetes@$K8S_VERSION cmd/$c"
done
bins_of[kube-proxy]="$k8s_bin/kube-proxy=/usr/local/bin/kube-proxy"
layers_of[kube-proxy]="base netfilter"
source_of[kube-proxy]="k8s.io/kubernetes@$K8S_VERSION cmd/kube-proxy; Debian $suite $KUBE_PROXY_DEBS"
bins_of[etcd]="$etcd_dir/bin/etcd=/usr/local/bin/etcd $etcd_dir/bin/etcdctl=/usr/local/bin/etcdctl"
layers_of[etcd]=base
source_of[etcd]="$ETCD_MODULE/server/v3@$etcd_version, $ETCD_MODULE/etcdctl/v3@$etcd_version"
bins_of[coredns]="$coredns_dir/bin/coredns=/coredns"
layers_of[coredns]=base
entrypoint_of[coredns]=/coredns
source_of[coredns]="$COREDNS_MODULE@$coredns_version"
bins_of[agnhost]="$k8s_bin/agnhost=/agnhost"
layers_of[agnhost]=base
entrypoint_of[agnhost]=/agnhost
cmd_of[agnhost]=pause
source_of[agnhost]="k8s.io/kubernetes@$K8S_VERSION test/images/agnhost"
bins_of[flannel]="$flannel_dir/bin/flanneld=/opt/bin/flanneld"
layers_of[flannel]="base netfilter busybox"
entrypoint_of[flannel]=/opt/bin/flanneld
source_of[flannel]="$FLANNEL_MODULE@$FLANNEL_VERSION; Debian $suite $KUBE_PROXY_DEBS, busybox-static"
bins_of[flannel-cni-plugin]="$flannel_dir/bin/flannel=/flannel"
layers_of[flannel-cni-plugin]="base busybox"
source_of[flannel-cni-plugin]="$FLANNEL_CNI_MODULE@$FLANNEL_CNI_VERSION plugins/meta/flannel; busybox-static"
bins_of[pause]="$WORK/pause=/pause"
layers_of[pause]=""
entrypoint_of[pause]=/pause
user_of[pause]=65535:65535
source_of[pause]="scripts/images/pause.c (gcc -static -Os)"

# image_inputs NAME: everything the image is made of; a change rebuilds it.
image_inputs() {
  local n=$1 l spec src
  printf 'recipe %s\nref %s/%s:%s\nplatform linux/amd64\n' "$RECIPE" "$REPO_PATH" "${path_of[$n]}" "${tag_of[$n]}"
  for l in ${layers_of[$n]}; do printf 'layer %s %s\n' "$l" "$(<"$LAYERS/$l.tar.sha256")"; done
  for spec in ${bins_of[$n]}; do
    src=${spec%%=*}
    printf 'bin %s %s\n' "$spec" "$(stat -c '%s %Y' "$src")"
  done
  printf 'entrypoint %s\ncmd %s\nuser %s\npath %s\n' "${entrypoint_of[$n]:-}" "${cmd_of[$n]:-}" \
    "${user_of[$n]:-}" "$IMAGE_PATH_ENV"
}
tag_stored() { # path tag: the storage holds that tag
  [[ -f $REG/docker/registry/v2/repositories/$REPO_PATH/$1/_manifests/tags/$2/current/link ]]
}

# The pod network's own manifest and image tags, for whoever installs it from the mirror
# (tests/harness/real_node.sh harness_pod_network_up).
mkdir -p "$OUT/pod-network"
install -m 0644 "$flannel_dir/kube-flannel.yml" "$OUT/pod-network/kube-flannel.yml"
printf 'flannel %s\nflannel-cni-plugin %s\n' "$FLANNEL_VERSION" "$FLANNEL_CNI_VERSION" >"$OUT/pod-network/images"

names=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd coredns pause agnhost flannel
  flannel-cni-plugin)
todo=()
for n in "${names[@]}"; do
  [[ -n ${tag_of[$n]:-} ]] || continue
  if [[ $(cat "$STAMPS/$n" 2>/dev/null) == "$(image_inputs "$n")" ]] && tag_stored "${path_of[$n]}" "${tag_of[$n]}"; then
    continue
  fi
  todo+=("$n")
done

if ((${#todo[@]} == 0)); then
  log "all images up to date in $REG"
  echo "$REG"
  exit 0
fi

begin "start docker-registry on loopback"
command -v docker-registry >/dev/null || fail "start docker-registry: not installed (scripts/deps.sh installs it)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
registry=127.0.0.1:$port
cat >"$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $registry
YAML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$WORK/registry.log" >&2; fail "start docker-registry (it exited)"; }
  sleep 0.1
done
curl -fsS "http://$registry/v2/" >/dev/null || { cat "$WORK/registry.log" >&2; fail "start docker-registry (no answer)"; }
end

: >"$WORK/crane.log"
crane_() { "$crane" --insecure "$@" >>"$WORK/crane.log" 2>&1 || { tail -20 "$WORK/crane.log" >&2; false; }; }
for n in "${todo[@]}"; do
  ref=$registry/$REPO_PATH/${path_of[$n]}:${tag_of[$n]}
  begin "image $REPO_PATH/${path_of[$n]}:${tag_of[$n]}"
  # The image's own layer: its binaries at their paths in the image.
  root=$WORK/layer-$n
  rm -rf "$root" && mkdir -p "$root"
  chmod 0755 "$root"
  for spec in ${bins_of[$n]}; do
    src=${spec%%=*} dest=${spec#*=}
    install -D -m 0755 "$src" "$root$dest"
  done
  make_tar "$root" "$WORK/layer-$n.tar"
  rm -rf "$root"
  args=()
  for l in ${layers_of[$n]}; do args+=(-f "$LAYERS/$l.tar"); done
  args+=(-f "$WORK/layer-$n.tar")
  crane_ append "${args[@]}" -t "$ref"
  mutate=(mutate "$ref" --set-platform linux/amd64 --env "PATH=$IMAGE_PATH_ENV" --workdir / -t "$ref")
  [[ -n ${entrypoint_of[$n]:-} ]] && mutate+=(--entrypoint "${entrypoint_of[$n]}")
  [[ -n ${cmd_of[$n]:-} ]] && mutate+=(--cmd "${cmd_of[$n]}")
  [[ -n ${user_of[$n]:-} ]] && mutate+=(--user "${user_of[$n]}")
  crane_ "${mutate[@]}"
  rm -f "$WORK/layer-$n.tar"
  image_inputs "$n" >"$STAMPS/$n"
  printf '%s/%s:%s\t%s\n' "$REPO_PATH" "${path_of[$n]}" "${tag_of[$n]}" "${source_of[$n]}" >"$STAMPS/$n.source"
  end
done

stop_registry

# Drop what replaced images left behind (crane append's intermediate manifests, old layers).
begin "garbage-collect the storage"
docker-registry garbage-collect --delete-untagged "$WORK/registry.yml" >"$WORK/gc.log" 2>&1 ||
  { tail -20 "$WORK/gc.log" >&2; false; }
end

cat "$STAMPS"/*.source >"$OUT/images.txt"
log "images in $REG (sources: $OUT/images.txt)"
echo "$REG"
