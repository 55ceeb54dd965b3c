#!/usr/bin/env bash
# Builds the node tools the "real nodes" harness runs, from the Go module proxy, once, into a
# cache outside the repository (runc and the CNI plugins come from Debian: scripts/deps.sh):
#   containerd, containerd-shim-runc-v2, ctr   github.com/containerd/containerd/v2 (static,
#                                              tags no_btrfs no_zfs no_devmapper)
#   crane                                      github.com/google/go-containerregistry/cmd/crane
#   crictl                                     sigs.k8s.io/cri-tools/cmd/crictl (kubeadm's
#                                              preflight wants it on a node; tests read pods)
# Incremental: each tool has a stamp with its inputs (module@version, tags, Go version); a tool
# whose stamp matches is kept, so the script is a no-op once everything is built.
#
#   scripts/node-tools.sh          build what is missing, print the bin directory
#   KADM_CONTAINERD_VERSION=...    another pinned containerd v2 release
#   KADM_CRANE_VERSION=...         another pinned go-containerregistry release
set -euo pipefail

CONTAINERD_VERSION=${KADM_CONTAINERD_VERSION:-v2.2.9}
CRANE_VERSION=${KADM_CRANE_VERSION:-v0.22.1}
CRICTL_VERSION=${KADM_CRICTL_VERSION:-v1.37.0}
CACHE_ROOT=${KADM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kadm}
OUT=$CACHE_ROOT/node-tools
BIN=$OUT/bin
STAMPS=$OUT/stamps
CONTAINERD_MODULE=github.com/containerd/containerd/v2
CRANE_MODULE=github.com/google/go-containerregistry
CRICTL_MODULE=sigs.k8s.io/cri-tools
CONTAINERD_TAGS="no_btrfs no_zfs no_devmapper"
CONTAINERD_CMDS=(containerd containerd-shim-runc-v2 ctr)

log() { printf '[node-tools] %s\n' "$*" >&2; }
fail() { printf '[node-tools] FAILED at step: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || fail "find the Go toolchain (install golang-go or put go on PATH)"
go_version=$(go env GOVERSION)

# The inputs of each tool: a change in any of them rebuilds that tool.
containerd_inputs() {
  printf 'module %s@%s\ncmds %s\ntags %s\ncgo 0\ngo %s\n' \
    "$CONTAINERD_MODULE" "$CONTAINERD_VERSION" "${CONTAINERD_CMDS[*]}" "$CONTAINERD_TAGS" "$go_version"
}
crane_inputs() {
  printf 'module %s@%s\ncmd crane\ncgo 0\ngo %s\n' "$CRANE_MODULE" "$CRANE_VERSION" "$go_version"
}
crictl_inputs() {
  printf 'module %s@%s\ncmd crictl\ncgo 0\ngo %s\n' "$CRICTL_MODULE" "$CRICTL_VERSION" "$go_version"
}
up_to_date() { # name bin...
  local name=$1 b
  shift
  [[ -f $STAMPS/$name ]] && cmp -s <("${name}_inputs") "$STAMPS/$name" || return 1
  for b in "$@"; do [[ -x $BIN/$b ]] || return 1; done
}
have_all() {
  up_to_date containerd "${CONTAINERD_CMDS[@]}" && up_to_date crane crane && up_to_date crictl crictl
}

if have_all; then echo "$BIN"; exit 0; fi

mkdir -p "$BIN" "$STAMPS"
# One build at a time per cache: CI and a developer may start it together.
exec 9>"$OUT/.lock"
flock 9
if have_all; then echo "$BIN"; exit 0; fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod
# go install pkg@version builds in the module's own dependency graph (no wrapper module): both
# modules have no replace directives. Binaries land in a scratch GOBIN and move in when all built.
install_tool() { # name 'pkg...' version ldflags tags
  local name=$1 pkgs=$2 version=$3 ldflags=$4 tags=$5 tmp p start=$SECONDS
  tmp=$OUT/gobin.$name
  rm -rf "$tmp" && mkdir -p "$tmp"
  log "building $name ($version, Go $go_version; slow the first time)"
  local targets=()
  for p in $pkgs; do targets+=("$p@$version"); done
  GOBIN=$tmp go install -trimpath -tags "$tags" -ldflags "-s -w $ldflags" "${targets[@]}" \
    >"$OUT/build-$name.log" 2>&1 || { cat "$OUT/build-$name.log" >&2; fail "go install $pkgs@$version"; }
  for p in "$tmp"/*; do mv -f "$p" "$BIN/"; done
  rmdir "$tmp"
  "${name}_inputs" >"$STAMPS/$name"
  log "built $name in $((SECONDS - start))s"
}

if ! up_to_date containerd "${CONTAINERD_CMDS[@]}"; then
  pkgs=""
  for c in "${CONTAINERD_CMDS[@]}"; do pkgs+=" $CONTAINERD_MODULE/cmd/$c"; done
  install_tool containerd "$pkgs" "$CONTAINERD_VERSION" \
    "-X $CONTAINERD_MODULE/version.Version=$CONTAINERD_VERSION -X $CONTAINERD_MODULE/version.Revision=module-proxy" \
    "$CONTAINERD_TAGS"
fi
if ! up_to_date crane crane; then
  install_tool crane "$CRANE_MODULE/cmd/crane" "$CRANE_VERSION" "" ""
fi
if ! up_to_date crictl crictl; then
  install_tool crictl "$CRICTL_MODULE/cmd/crictl" "$CRICTL_VERSION" "" ""
fi

have_all || fail "check the built binaries in $BIN"
"$BIN/containerd" --version >&2
log "done: $BIN"
echo "$BIN"
