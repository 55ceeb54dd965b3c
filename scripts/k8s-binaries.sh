#!/usr/bin/env bash
# Builds the real Kubernetes binaries the integration and e2e tests run against
# (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubeadm, kubelet, kube-proxy,
# etcd, etcdctl) and the e2e test server agnhost (test/images/agnhost, same module) from the Go
# module proxy, once, into a cache outside the repository. Incremental: a binary already in the
# cache is kept, so adding a component builds only that one.
#
#   scripts/k8s-binaries.sh            build what is missing, print the bin directory
#   KADM_K8S_VERSION=v1.36.3 ...       another pinned release
#
# k8s.io/kubernetes points its staging modules at ./staging paths, so a module that builds its
# commands must replace each with the published v0.<minor>.<patch> of the same release.
set -euo pipefail

K8S_VERSION=${KADM_K8S_VERSION:-v1.37.2}
CACHE_ROOT=${KADM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kadm}
OUT=$CACHE_ROOT/k8s-$K8S_VERSION
BIN=$OUT/bin
SRC=$OUT/src
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubeadm kubelet kube-proxy agnhost)

# The Go package of a component: the commands live under cmd/, agnhost under test/images/.
package_of() {
  case $1 in
    agnhost) echo "k8s.io/kubernetes/test/images/agnhost" ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

log() { printf '[k8s-binaries] %s\n' "$*" >&2; }
fail() { printf '[k8s-binaries] FAILED at step: %s\n' "$*" >&2; exit 1; }

have_all() {
  local c
  for c in "${COMPONENTS[@]}" etcd etcdctl; do [[ -x $BIN/$c ]] || return 1; done
}

if have_all; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || fail "find the Go toolchain (install golang-go or put go on PATH)"
mkdir -p "$BIN" "$SRC"
# One build at a time per cache: CI and a developer may start it together.
exec 9>"$OUT/.lock"
flock 9
if have_all; then echo "$BIN"; exit 0; fi

minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
patch=${K8S_VERSION##*.}
staging_version="v0.$minor.$patch"

cd "$SRC"
log "resolving k8s.io/kubernetes@$K8S_VERSION"
download=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION") ||
  fail "download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
modfile=$(sed -n 's/.*"GoMod": "\(.*\)",/\1/p' <<<"$download")
moddir=$(sed -n 's/.*"Dir": "\(.*\)",/\1/p' <<<"$download")
[[ -f $modfile ]] || fail "download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
go_line=$(grep -m1 '^go ' "$modfile")

# go.mod and tools.go are regenerated into temporaries; the (slow) module resolution runs again
# only when they change (a new component, another release) or never finished.
{
  echo "module kadm.test/k8sbin"
  echo
  echo "$go_line"
  grep -m1 '^godebug' "$modfile" || true
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging_version"'#p' "$modfile"
  echo ")"
} >go.mod.want
{
  printf '//go:build tools\n\npackage tools\n\nimport (\n'
  for c in "${COMPONENTS[@]}"; do printf '\t_ "%s"\n' "$(package_of "$c")"; done
  printf ')\n'
} >tools.go.want

if [[ -f .tidy-done ]] && cmp -s go.mod.want go.mod.in && cmp -s tools.go.want tools.go; then
  log "module graph up to date"
  rm -f go.mod.want tools.go.want
else
  rm -f .tidy-done
  cp go.mod.want go.mod.in
  mv go.mod.want go.mod
  mv tools.go.want tools.go
  log "resolving the module graph (staging modules at $staging_version)"
  GOFLAGS=-mod=mod go mod tidy -e >tidy.log 2>&1 || { cat tidy.log >&2; fail "go mod tidy"; }
  touch .tidy-done
fi

etcd_version=$(grep -m1 'go.etcd.io/etcd/server/v3 ' go.sum | awk '{print $2}' | sed 's#/go.mod##')
[[ -n $etcd_version ]] || etcd_version=$(sed -n 's#^\tgo.etcd.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$modfile")

ldflags=""
for key in client-go/pkg/version component-base/version; do
  ldflags+=" -X 'k8s.io/$key.gitVersion=$K8S_VERSION'"
  ldflags+=" -X 'k8s.io/$key.gitMajor=1' -X 'k8s.io/$key.gitMinor=$minor'"
  ldflags+=" -X 'k8s.io/$key.gitTreeState=clean'"
  ldflags+=" -X 'k8s.io/$key.buildDate=1970-01-01T00:00:00Z'"
done

export CGO_ENABLED=0 GOFLAGS=-mod=mod
for c in "${COMPONENTS[@]}"; do
  [[ -x $BIN/$c ]] && continue
  log "building $c $K8S_VERSION (slow the first time)"
  start=$SECONDS
  extra=""
  # agnhost reports the version of its own image line (test/images/agnhost/VERSION).
  [[ $c == agnhost ]] && extra=" -X 'main.Version=$(cat "$moddir/test/images/agnhost/VERSION")'"
  go build -trimpath -ldflags "-s -w $ldflags$extra" -o "$BIN/$c.tmp" "$(package_of "$c")" || fail "go build $c"
  mv "$BIN/$c.tmp" "$BIN/$c"
  log "built $c in $((SECONDS - start))s"
done

# etcd of the same release as the etcd client that Kubernetes pins, each from its own module.
build_etcd() { # name module
  local name=$1 mod=$2 dir=$OUT/src-$1
  [[ -x $BIN/$name ]] && return 0
  log "building $name $etcd_version"
  mkdir -p "$dir" && cd "$dir"
  printf 'module kadm.test/%s\n\n%s\n' "$name" "$go_line" >go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$mod" >tools.go
  go get "$mod@$etcd_version" >get.log 2>&1 || { cat get.log >&2; fail "go get $mod@$etcd_version"; }
  go build -trimpath -ldflags "-s -w" -o "$BIN/$name.tmp" "$mod" || fail "go build $name"
  mv "$BIN/$name.tmp" "$BIN/$name"
  cd "$SRC"
}
build_etcd etcd go.etcd.io/etcd/server/v3
build_etcd etcdctl go.etcd.io/etcd/etcdctl/v3

have_all || fail "check the built binaries in $BIN"
"$BIN/kube-apiserver" --version >&2
log "done: $BIN"
echo "$BIN"
